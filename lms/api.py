"""The JSON API under /api/v1/ (Django Ninja). Session auth for the browser, bearer tokens otherwise.

Each app contributes a `router` in its `api.py`; they are mounted here."""
from datetime import datetime

from django.contrib.auth import authenticate
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import ValidationError
from ninja.security import HttpBearer, django_auth

from lms.accounts.models import ApiToken
from lms.converters import Id
from lms.db_contention import contention_response, is_retryable


def _token_sql() -> str:
    """The one SELECT of a bearer token with its user, written once: the ORM would build it again on every
    API request, and building it was a third of an autosave's CPU time (issue 16, profiled with
    bench/exams_autosave_profile.py). Table and column names come from the models."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    qn = connection.ops.quote_name
    t, u = ApiToken._meta, get_user_model()._meta
    return (f"SELECT u.*, t.{qn('id')} AS api_token_id, t.{qn('last_used_at')} AS api_token_last_used_at "
            f"FROM {qn(t.db_table)} t INNER JOIN {qn(u.db_table)} u ON u.{qn(u.pk.column)} = t.{qn('user_id')} "
            f"WHERE t.{qn('key_hash')} = %s AND t.{qn('expires_at')} > %s")


_TOKEN_SQL = None


def _token_with_user(key_hash: str, now) -> ApiToken | None:
    """The unexpired token of that hash with its user loaded (`token.user`), or None. The user comes
    through Django's raw query (its converters applied); the token carries only id, user and last use."""
    global _TOKEN_SQL
    from django.contrib.auth import get_user_model
    from django.db import connection

    if _TOKEN_SQL is None:
        _TOKEN_SQL = _token_sql()
    user = next(iter(get_user_model().objects.raw(_TOKEN_SQL, [key_hash, now])), None)
    if user is None:
        return None
    # the token's column through its field's converters, as a queryset would (SQLite gives it naive or as text)
    last_used = user.api_token_last_used_at
    col = ApiToken._meta.get_field("last_used_at").get_col("t")
    for conv in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
        last_used = conv(last_used, col, connection)
    api_token = ApiToken.from_db(None, ["id", "user_id", "last_used_at"],
                                 [user.api_token_id, user.pk, last_used])
    api_token.user = user
    return api_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        now = timezone.now()
        api_token = _token_with_user(ApiToken.hash(token), now)
        if api_token is None or not api_token.user.is_active:
            return None
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


bearer = BearerToken()
AUTH = [bearer, django_auth]

api = NinjaAPI(
    title="Flow Stage Academy API",
    version="1.0.0",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    # Swagger UI from the installed static files ("ninja" in INSTALLED_APPS), and no call to the online
    # validator badge: the docs work without internet.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)


class TokenIn(Schema):
    email: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    id: int
    expires_at: datetime


class TokenInfo(Schema):
    """One of your tokens, never its secret (only a hash of it is stored)."""

    id: int
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool


class Message(Schema):
    detail: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str
    roles: list[str]


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: Message, 429: Message}, tags=["auth"])
def create_token(request, payload: TokenIn):
    """Exchange an e-mail and password for a bearer token, valid API_TOKEN_TTL_DAYS (30 days by default) from
    now. Throttled like the login page (django-axes): too many failures answer 429 with Retry-After."""
    from lms.throttle import lockout_response

    user = authenticate(request, username=payload.email.strip().lower()[:254], password=payload.password[:512])
    if getattr(request, "axes_locked_out", False):
        return lockout_response(request)
    if user is None or not user.is_active:
        return 401, {"detail": _("Invalid e-mail or password.")}
    raw = ApiToken.issue(user)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    return {"token": raw, "id": token.pk, "expires_at": token.expires_at}


@api.get("/auth/tokens", response=list[TokenInfo], tags=["auth"])
def list_tokens(request):
    """Your live tokens (expired ones are not listed: they no longer work)."""
    current = getattr(getattr(request, "api_token", None), "pk", None)
    tokens = ApiToken.objects.filter(user=request.user, expires_at__gt=timezone.now()).order_by("-created_at")[:200]
    return [{"id": t.pk, "created_at": t.created_at, "expires_at": t.expires_at, "last_used_at": t.last_used_at,
             "current": t.pk == current} for t in tokens]


@api.delete("/auth/token", response={204: None, 400: Message}, tags=["auth"])
def revoke_current_token(request):
    """Revoke the bearer token this request is authenticated with."""
    token = getattr(request, "api_token", None)
    if token is None:
        return 400, {"detail": _("This request carries no bearer token: name the token to revoke with "
                                 "DELETE /api/v1/auth/tokens/{id}.")}
    ApiToken.objects.filter(pk=token.pk).delete()
    return 204, None


@api.delete("/auth/tokens/{token_id}", response={204: None, 404: Message}, tags=["auth"])
def revoke_token(request, token_id: Id):
    """Revoke one of your tokens (someone else's answers 404, as an unknown id does)."""
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user=request.user).delete()
    if not deleted:
        return 404, {"detail": _("No such token.")}
    return 204, None


@api.get("/me", response=MeOut, tags=["auth"])
def me(request):
    from lms.accounts.roles import user_roles

    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.get_display_name(),
        "preferred_language": user.preferred_language,
        "roles": sorted(user_roles(user)),
    }


def _mount_routers():
    from badges.api import log_router
    from badges.api import router as badges_router
    from badges.wallet_api import router as wallet_router
    from careers.api import router as careers_router
    from courses.api import router as courses_router
    from exams.api import router as exams_router
    from partnerships.api import router as partnerships_router

    api.add_router("/courses", courses_router)
    api.add_router("/exams", exams_router)
    api.add_router("/credentials", badges_router)
    api.add_router("/log", log_router)
    api.add_router("/wallet", wallet_router)
    api.add_router("/partnerships", partnerships_router)
    api.add_router("/careers", careers_router)


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    """A path parameter that does not validate (an id beyond 64 bits, lms/converters.Id) names no resource:
    404, as the pages answer. Other invalid input keeps Ninja's 422 with the details."""
    if any((error.get("loc") or [None])[0] == "path" for error in exc.errors):
        return api.create_response(request, {"detail": "Not Found"}, status=404)
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_error(request, exc):
    """A busy database (SQLite's "database is locked") or one out of reach (PostgreSQL restarting) is a 503 with
    Retry-After and a clear message, as for the pages (lms/db_contention.py); any other database error stays an
    error."""
    if is_retryable(exc):
        return contention_response(request, exc)
    raise exc


_mount_routers()

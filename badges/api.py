"""JSON API of the badges app, mounted at /api/v1/credentials."""
from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from badges import selectors, verification
from badges.resolver import verify
from lms.templatetags.i18n_messages import localize
from lms.throttle import busy_response, concurrency_slot, rate_limit_response, rate_limited

router = Router(tags=["badges"])


@router.post("/verify", auth=None, summary="Verify an Open Badges 3.0 credential",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}},
                                            "required": True}})
def verify_credential(request):
    """POST the credential JSON as the body. Answers the verdict (VALID, REVOKED, EXPIRED, INVALID),
    the reason and each check, in stable English; ``localized`` repeats the reason and the check details in
    the client's language (Accept-Language; French by default). Never fetches anything from the
    network. The body is at most 256 KB (413 beyond); the credential's size and complexity are bounded
    before any JSON-LD work (README "Security"); each client may verify BADGES_VERIFY_RATE credentials
    (429 with Retry-After beyond, shared with the upload page); at most BADGES_VERIFY_CONCURRENCY verifications
    of uploads run at once on the whole server (503 with Retry-After beyond)."""
    wait = rate_limited(request, "badges-verify", settings.BADGES_VERIFY_RATE)
    if wait:
        return rate_limit_response(request, wait)
    limit = verification.MAX_UPLOAD_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    length = int(length) if length.isdigit() else 0
    if length > limit:  # refused before the body is read
        raise HttpError(413, _("The credential is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                        % {"size": length, "limit": limit})
    body = request.read(limit + 1)
    if len(body) > limit:
        raise HttpError(413, _("The credential is too large (more than %(limit)s bytes).") % {"limit": limit})
    if not body.strip():
        raise HttpError(400, _("Empty body: POST the credential JSON."))
    with concurrency_slot("badges-verify", settings.BADGES_VERIFY_CONCURRENCY) as taken:
        if not taken:
            return busy_response(request)
        report = verify(body)
    data = report.as_dict()
    data["localized"] = {"language": translation.get_language(), "reason": localize(report.message),
                         "checks": [{"name": c.name, "detail": localize(c.message)} for c in report.checks]}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@router.get("/mine", summary="The signed-in user's credentials")
def my_credentials(request):
    """The achievements' names are in the client's language (Accept-Language; French by default), given as
    ``language``."""
    lang = translation.get_language()
    return JsonResponse({"language": lang, "credentials": selectors.credentials_for_user(request.user, lang, request)},
                        json_dumps_params={"default": str})


# ------------------------------------------------------------------------------------ the issuance log (RFC 9162)
log_router = Router(tags=["issuance log"])

MAX_NUMBER_DIGITS = 18


def _log_throttle(request):
    wait = rate_limited(request, "badges-log", settings.BADGES_LOG_API_RATE)
    return rate_limit_response(request, wait) if wait else None


def _number(value, name: str, *, default: int | None = None) -> int:
    """A non-negative integer query parameter, or 400 with the reason."""
    if value is None or value == "":
        if default is not None:
            return default
        raise HttpError(400, _("The parameter %(name)s is required.") % {"name": name})
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > MAX_NUMBER_DIGITS:
        raise HttpError(400, _("The parameter %(name)s must be a non-negative whole number (at most %(digits)s "
                               "digits).") % {"name": name, "digits": MAX_NUMBER_DIGITS})
    return int(value)


def _log_call(fn, *args, **kwargs):
    from badges import transparency

    try:
        return fn(*args, **kwargs)
    except transparency.LogError as exc:
        raise HttpError(exc.status, str(exc)) from exc


def _json(data):
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@log_router.get("/tree-heads/latest", auth=None, summary="The latest signed tree head")
def latest_tree_head(request):
    """The latest signed tree head of the issuance log (a new one is signed when the log grew and the latest is
    older than BADGES_LOG_HEAD_INTERVAL seconds): ``tree_size``, ``root_hash`` (hex RFC 9162 tree head),
    ``timestamp``, ``key`` (the DID URL of the issuer's key that signed it) and ``checkpoint``: the signed C2SP
    checkpoint note whose signature covers the size, the root and the timestamp (README "Issuance log").
    Public, rate limited per client (BADGES_LOG_API_RATE; 429 with Retry-After beyond)."""
    from badges import transparency

    refused = _log_throttle(request)
    if refused:
        return refused
    head = transparency.publish_tree_head()
    if head is None:
        raise HttpError(503, _("No tree head can be signed yet (no signing key is available)."))
    return _json(transparency.head_dict(head))


@log_router.get("/checkpoint", auth=None, summary="The latest signed tree head as a C2SP checkpoint (text)")
def latest_checkpoint(request):
    """The ``checkpoint`` of the latest tree head alone, as ``text/plain`` (the format C2SP tools read)."""
    from django.http import HttpResponse

    from badges import transparency

    refused = _log_throttle(request)
    if refused:
        return refused
    head = transparency.publish_tree_head()
    if head is None:
        raise HttpError(503, _("No tree head can be signed yet (no signing key is available)."))
    return HttpResponse(head.note, content_type="text/plain; charset=utf-8")


@log_router.get("/tree-heads", auth=None, summary="The signed tree heads over time")
def list_tree_heads(request, after: str | None = None, limit: str | None = None):
    """Every signed tree head kept, oldest first: those of a size larger than ``after`` (default: all), at most
    ``limit`` (default 100, at most 1,000); ``next`` is the ``after`` of the next page (null at the end). An
    auditor checks each head's signature and the consistency proof between consecutive heads
    (``manage.py audit_log``)."""
    from badges import transparency

    refused = _log_throttle(request)
    if refused:
        return refused
    after_size = _number(after, "after", default=0) if after not in (None, "") else -1
    count = max(1, min(_number(limit, "limit", default=100), transparency.MAX_HEADS_PER_PAGE))
    heads = transparency.tree_heads(after_size, count + 1)
    more = len(heads) > count
    heads = heads[:count]
    return _json({"tree_heads": [transparency.head_dict(h) for h in heads],
                  "next": heads[-1].tree_size if more else None})


@log_router.get("/proof/inclusion", auth=None, summary="Inclusion proof of a credential in a tree")
def inclusion_proof(request, tree_size: str | None = None, credential: str | None = None,
                    leaf_hash: str | None = None, digest: str | None = None):
    """The RFC 9162 inclusion proof of one entry in the tree of ``tree_size`` entries (default: the latest signed
    tree head's). Name the entry by ``credential`` (the credential's id: its UUID or its full URL; its latest
    issuance or re-issue), by ``digest`` (hex SHA-256 of the credential's canonical JSON: keys sorted, no spaces,
    UTF-8) or by ``leaf_hash`` (hex). Answers ``leaf_index``, ``tree_size``, ``leaf_hash``, ``entry`` (the logged
    JSON, whose leaf hash is SHA-256(0x00 || entry)) and ``inclusion_path`` (hex, RFC 9162 order). 400 on a
    malformed parameter or a size out of range, 404 when the log has no such entry."""
    import re
    import uuid

    from badges import transparency

    refused = _log_throttle(request)
    if refused:
        return refused
    named = [n for n in (credential, leaf_hash, digest) if n not in (None, "")]
    if len(named) != 1:
        raise HttpError(400, _("Name exactly one of credential, digest or leaf_hash."))
    if credential:
        try:
            pk = uuid.UUID(credential.rstrip("/").rsplit("/", 1)[-1][:36])
        except ValueError as exc:
            raise HttpError(400, _("credential must be a credential's id (a UUID or its URL).")) from exc
        entry = _log_call(transparency.entry_for, credential_id=pk)
    else:
        value = (leaf_hash or digest).lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise HttpError(400, _("A hash must be 64 hexadecimal characters."))
        entry = _log_call(transparency.entry_for, **({"leaf_hash": value} if leaf_hash else {"digest": value}))
    if tree_size in (None, ""):
        head = transparency.publish_tree_head()
        if head is None or head.tree_size <= entry.index:
            raise HttpError(404, _("The entry is not yet in a signed tree head; try again in a minute."))
        size = head.tree_size
    else:
        size = _number(tree_size, "tree_size")
    return _json(_log_call(transparency.inclusion, entry, size))


@log_router.get("/proof/consistency", auth=None, summary="Consistency proof between two tree sizes")
def consistency_proof(request, first: str | None = None, second: str | None = None):
    """The RFC 9162 consistency proof (hex, RFC order) that the tree of ``first`` entries is a prefix of the tree
    of ``second`` entries (0 <= first <= second <= the log's size; 400 otherwise)."""
    from badges import transparency

    refused = _log_throttle(request)
    if refused:
        return refused
    m, n = _number(first, "first"), _number(second, "second")
    return _json({"first": m, "second": n, "consistency_path": _log_call(transparency.consistency, m, n)})


@log_router.get("/entries", auth=None, summary="Entries of the log by range")
def log_entries(request, start: str | None = None, end: str | None = None):
    """Entries ``start`` (included) to ``end`` (excluded), at most 1,000 at a time (a shorter page when more are
    asked: ask again from the next index): each ``index``, ``entry`` (the logged JSON: ``event`` issued, reissued
    or revoked, ``credential`` the sha256 digest of the credential's canonical JSON, ``at``, for a re-issue
    ``replaces``) and ``leaf_hash``. Entries name no person and no credential id."""
    from badges import transparency

    refused = _log_throttle(request)
    if refused:
        return refused
    a, b = _number(start, "start"), _number(end, "end")
    return _json({"entries": _log_call(transparency.entries, a, b)})

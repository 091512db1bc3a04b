"""Database contention: a busy database is a "try again shortly" (503 + Retry-After), never a 500.

The embedded SQLite database lets one writer at a time; the settings make writers wait for the lock
(busy timeout, IMMEDIATE transactions, WAL). When a writer still could not get it in time, SQLite raises
`OperationalError: database is locked`. That is not a defect of the request but a passing load:
- `retry_on_contention` runs again an operation that is safe to repeat (an idempotent autosave) a few times;
- `ContentionMiddleware` (and the API's exception handler, lms/api.py) answer what is left with a 503, a
  `Retry-After` header and a clear message, JSON for the API and a page for people, so that the exam page
  tells the student the server is busy rather than blaming their connection.

The same answer covers a database that is unreachable for a moment (PostgreSQL restarted, failed over, the network
cut): `OperationalError` / `InterfaceError` from a server database is `is_unavailable`, answered with a 503 and
`Retry-After: UNAVAILABLE_RETRY_AFTER_SECONDS`. The transaction the request was in is rolled back by the server,
so nothing is half-written; Django drops the broken connection at the end of the request and, with
CONN_HEALTH_CHECKS, checks a kept one before reusing it, so service resumes by itself when the database is back.
On SQLite, other `OperationalError`s (no such table…) are bugs and stay 500s.
"""
import logging
import sys
import time

from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 2
UNAVAILABLE_RETRY_AFTER_SECONDS = 5
# SQLite's messages for SQLITE_BUSY / SQLITE_LOCKED.
_CONTENTION_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")


def is_contention(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in _CONTENTION_MESSAGES)


def is_unavailable(exc: BaseException) -> bool:
    """The database server could not be reached or dropped the connection (never true for SQLite's errors)."""
    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and connection.vendor != "sqlite"


def is_retryable(exc: BaseException) -> bool:
    """A database error that is a "try again shortly" (503), not a defect (500)."""
    return is_contention(exc) or is_unavailable(exc)


def retry_on_contention(fn, *args, attempts: int = 3, pause: float = 0.2, **kwargs):
    """Call `fn`, again after a short pause if the database was busy. Only for operations that are safe to
    repeat (idempotent) and that own their transaction: inside an outer atomic block a retry could not
    help (the outer transaction is broken), so the error is passed on at once."""
    for attempt in range(1, attempts + 1):
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if not is_contention(exc) or attempt == attempts or transaction.get_connection().in_atomic_block:
                raise
            log.warning("database busy, retrying %s (%s/%s)", getattr(fn, "__name__", fn), attempt, attempts)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def busy_message() -> str:
    return _("The server is very busy right now and could not handle this request in time. Nothing was lost: "
             "try again in a few seconds.")


def unavailable_message() -> str:
    return _("The database is unavailable for a moment. Nothing was saved by this request and nothing is lost: "
             "try again in a few seconds.")


def contention_response(request, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After. Built without touching the database (no context processors): it is busy or away."""
    unavailable = exc is not None and not is_contention(exc) and is_unavailable(exc)
    message = unavailable_message() if unavailable else busy_message()
    retry_after = UNAVAILABLE_RETRY_AFTER_SECONDS if unavailable else RETRY_AFTER_SECONDS
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": message, "retry_after": retry_after}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(retry_after)
    return response


class ContentionMiddleware:
    """Turns `OperationalError: database is locked` raised by a view, or a database out of reach, into the 503
    above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_retryable(exception):
            log.warning("database busy or unavailable (%s): 503 for %s %s", exception, request.method, request.path)
            return contention_response(request, exception)
        return None


def server_error(request, *args, **kwargs):
    """handler500: a busy database raised outside a view (a middleware saving the session, say) is the 503
    above too; anything else is Django's 500 page. Django calls this inside its `except` block, so the
    exception being handled is the one that failed the request."""
    from django.views.defaults import server_error as default_server_error

    exc = sys.exc_info()[1]
    if exc is not None and is_retryable(exc):
        return contention_response(request, exc)
    return default_server_error(request, *args, **kwargs)

"""The CSP header is built once per kind of path (lms/csp.py, issue 16) and stays exactly what django-csp
builds for each response: the base policy, the admin allowances under /admin/ and /django-admin/ only, and
a view's own changes (django-csp's decorators) still honoured."""
import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from lms.csp import PlatformCSPMiddleware


class _Reference(PlatformCSPMiddleware):
    """The same policy parts, built by django-csp on every response (no memo)."""

    process_response = CSPMiddleware.process_response


def _headers(mw, path, response=None):
    request = RequestFactory().get(path)
    mw.process_request(request)
    response = mw.process_response(request, response or HttpResponse("ok"))
    return response.get(HEADER), response.get(HEADER_REPORT_ONLY)


@pytest.mark.parametrize("debug", [False, True])
def test_the_header_is_the_one_django_csp_builds_for_every_kind_of_path(settings, debug):
    settings.DEBUG = debug
    mw, ref = PlatformCSPMiddleware(lambda r: HttpResponse()), _Reference(lambda r: HttpResponse())
    seen = set()
    for path in ["/", "/api/v1/exams/attempts/1/answers/2", "/admin/pages/", "/django-admin/", "/", "/admin/x"] * 2:
        got = _headers(mw, path)
        assert got == _headers(ref, path), path
        assert any(got)
        seen.add(got)
    assert len(seen) == 2  # the base policy, and the admin's with its style allowances
    admin = _headers(mw, "/admin/")
    base = _headers(mw, "/")
    assert "unsafe-inline" in (admin[0] or admin[1]) and "unsafe-inline" not in (base[0] or base[1])


def test_a_views_own_policy_and_a_nonce_still_go_through_django_csp(settings):
    mw = PlatformCSPMiddleware(lambda r: HttpResponse())
    _headers(mw, "/")  # warm the memo
    response = HttpResponse("ok")
    response._csp_update = response._csp_update_ro = {"img-src": ["https://example.test"]}  # enforced or report-only
    got = _headers(mw, "/", response)
    assert "https://example.test" in (got[0] or got[1])
    # a template asked for a nonce: the response goes through django-csp itself, as the reference does
    for m in (mw, _Reference(lambda r: HttpResponse())):
        request = RequestFactory().get("/")
        m.process_request(request)
        str(request.csp_nonce)
        response = m.process_response(request, HttpResponse("ok"))
        assert any((response.get(HEADER), response.get(HEADER_REPORT_ONLY)))
    assert getattr(request, "_csp_nonce", None)

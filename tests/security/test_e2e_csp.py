"""Low: no Content-Security-Policy in production. With the production policy enforced (CSP_ENFORCE), every
main page of the platform, as each demo role, loads in chromium without one CSP violation in the console:
the navigation of each role, the pages one step inside it (a course, a lesson, a cohort, a certification,
a credential), the sign-in and error pages, Wagtail's and Django's admin, and the API docs."""
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "flowstage-demo"
ROLES = {
    "student": "marie.dubois@demo.flowstage.test",
    "teacher": "teacher@demo.flowstage.test",
    "examiner": "examiner@demo.flowstage.test",
    "school_staff": "school@demo.flowstage.test",
    "employer": "employer@demo.flowstage.test",
    "flowstage_staff": "staff@demo.flowstage.test",
    "superuser": "admin@demo.flowstage.test",
}
ANONYMOUS_PAGES = ["/", "/en/", "/accounts/login/", "/accounts/password-reset/", "/learning/", "/verify/",
                   "/accounts/signup/", "/this-page-does-not-exist/", "/api/v1/docs"]
ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/users/", "/admin/reports/site-history/", "/django-admin/",
               "/django-admin/accounts/user/", "/django-admin/accounts/user/add/"]
# links one step inside the pages, followed when the page shows them (bounded per page)
FOLLOW = ("/learning/", "/exams/", "/badges/", "/schools/", "/profile/", "/school-dashboard/", "/verify/")


@pytest.fixture
def enforced_csp(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": settings.CSP_DIRECTIVES}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    settings.DEBUG = False


def _watch(page, violations, where):
    def on_console(msg):
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            violations.append(f"{where[0]}: {msg.text[:300]}")

    page.on("console", on_console)


def _visit(page, base, path, where, seen):
    if path in seen:
        return
    seen.add(path)
    where[0] = path
    response = page.goto(base + path)
    page.wait_for_load_state("networkidle")
    assert response is not None
    header = response.headers.get("content-security-policy", "")
    if response.headers.get("content-type", "").startswith("text/html"):
        assert "default-src 'self'" in header and "unsafe-inline" not in header.split("style-src-attr")[0], (path, header)


def _inner_links(page, base, limit=6):
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        parsed = urlparse(href)
        if parsed.netloc and base.find(parsed.netloc) < 0:
            continue
        path = parsed.path
        if path.startswith(("/en/", "/")) and any(f in path for f in FOLLOW) and not path.endswith((".csv", ".pdf", ".png", ".svg", ".json")) \
                and "logout" not in path and "export" not in path:
            out.append(path)
    return out[:limit]


def test_no_csp_violation_on_the_main_pages_as_each_role(live_server, browser, enforced_csp, screenshot_dir):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    base = live_server.url
    violations, visited = [], 0

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    where = [""]
    _watch(page, violations, where)
    seen = set()
    for path in ANONYMOUS_PAGES:
        _visit(page, base, path, where, seen)
    visited += len(seen)
    context.close()

    for role, email in ROLES.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        where = [f"{role} login"]
        _watch(page, violations, where)
        login_in_browser(page, base, email, password=PASSWORD)
        seen = set()
        _visit(page, base, "/dashboard/", where, seen)
        nav = page.eval_on_selector_all("#main-nav a[href]", "els => els.map(e => e.getAttribute('href'))")
        for path in [p for p in nav if p.startswith("/") and "logout" not in p]:
            _visit(page, base, path, where, seen)
            for inner in _inner_links(page, base):
                _visit(page, base, inner, where, seen)
        if role in ("flowstage_staff", "superuser", "teacher"):
            for path in ADMIN_PAGES:
                _visit(page, base, path, where, seen)
        page.screenshot(path=str(screenshot_dir / f"csp-{role}.png"), full_page=False)
        visited += len(seen)
        context.close()
    assert visited > 60, visited
    assert not violations, "\n".join(violations)

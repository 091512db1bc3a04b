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
    response = page.goto(base + path, wait_until="load")
    page.wait_for_timeout(250)  # late scripts and styles (the admin's keep polling, so no "networkidle")
    assert response is not None
    header = response.headers.get("content-security-policy", "")
    if response.headers.get("content-type", "").startswith("text/html"):
        directives = dict((part.split()[0], part.split()[1:]) for part in header.split(";") if part.split())
        assert directives.get("default-src") == ["'self'"] and directives.get("script-src") == ["'self'"], (path, header)
        if not path.startswith(("/admin/", "/django-admin/")):
            assert "unsafe-inline" not in header, (path, header)


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
        if role in ("teacher", "flowstage_staff"):
            for path in ADMIN_PAGES[:2]:
                _visit(page, base, path, where, seen)
        page.screenshot(path=str(screenshot_dir / f"csp-{role}.png"), full_page=False)
        visited += len(seen)
        context.close()
    assert visited > 60, visited
    assert not violations, "\n".join(violations)


def _admin_pages():
    """Wagtail's dashboard, explorer, page editor (StreamField, inline panels, date widgets), snippets and
    reports; Django's admin index, a change list and a change form."""
    from django.urls import reverse
    from wagtail.models import Page

    from courses.models import CoursePage
    from partnerships.models import Invoice, Partnership

    course = CoursePage.objects.live().first()
    lesson = Page.objects.filter(depth__gt=course.depth, path__startswith=course.path).last()
    pages = [*ADMIN_PAGES, f"/admin/pages/{course.pk}/", f"/admin/pages/{course.pk}/edit/",
             f"/admin/pages/{lesson.pk}/edit/", f"/admin/pages/{course.pk}/add_subpage/"]
    for model in (Partnership, Invoice):
        pages.append(reverse(f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:list"))
        obj = model.objects.first()
        if obj is not None:
            pages.append(reverse(f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:edit",
                                 args=[obj.pk]))
    return pages


def test_the_admin_sites_work_under_the_enforced_policy(live_server, browser, enforced_csp, screenshot_dir):
    """The admin sites' allowances are the minimum: no CSP message, and the page editor's scripts still run
    (its inline panels and date widgets, whose inline scripts lms/static/lms/js/wagtail_csp.js replaces)."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    base = live_server.url
    violations, errors, seen = [], [], set()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    where = ["login"]
    _watch(page, violations, where)
    page.on("pageerror", lambda exc: errors.append(f"{where[0]}: {exc}"))
    login_in_browser(page, base, ROLES["superuser"], password=PASSWORD)
    for path in _admin_pages():
        _visit(page, base, path, where, seen)
        if path.endswith("/edit/") and path.startswith("/admin/pages/"):
            page.screenshot(path=str(screenshot_dir / "csp-admin-editor.png"), full_page=False)
            # the date widget of the page's settings opened by Wagtail's own script (initDateChooser ran)
            assert page.locator("[data-fs-init][data-fs-done]").count() >= 1, path
    assert len(seen) >= 12, seen
    assert not violations, "\n".join(violations)
    assert not errors, "\n".join(errors)

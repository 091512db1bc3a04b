"""Low: ids beyond 64-bit in paths answered 500 (OverflowError). Every URL pattern of the URL conf that
takes an integer (Django `<int:…>` routes, Wagtail's and Django admin's included, and the API's integer
path parameters) is walked with a huge id, as staff and as anonymous: none may answer 500."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from lms.converters import IdConverter

from lms.urls import urlpatterns  # noqa: F401  (the URL conf must import)
from tests.factories import make_user

HUGE = "18446744073709551616"  # 2**64
SAMPLES = {"slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _walk(patterns, prefix=""):
    """Yield (route template, converters) for each leaf pattern (regex parts become literal prefixes)."""
    for p in patterns:
        pattern = p.pattern
        route = getattr(pattern, "_route", None)
        if route is None:  # a regex pattern (i18n prefix, re_path): keep its literal text
            regex = getattr(pattern, "_regex", "") or ""
            route = regex.lstrip("^").rstrip("$").replace("\\Z", "")
            if any(c in route for c in "([?*+"):  # not literal: only the language prefix is ever empty here
                route = ""
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + route, {**getattr(getattr(p, "pattern", None), "converters", {})}


def int_urls():
    import re

    urls = set()
    for route, converters in _walk(get_resolver().url_patterns):
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not names:
            continue
        ints = [n for conv, n in names if isinstance(converters.get(n), (IntConverter, IdConverter)) or conv in ("int", "id")]
        if not ints:
            continue

        def sub(m):
            conv, name = m.group(1) or "str", m.group(2)
            return HUGE if name in ints else SAMPLES.get(conv, "1")

        urls.add("/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route))
    return sorted(urls)


def api_int_urls():
    """The API's operations whose path has a parameter typed int (from the OpenAPI schema)."""
    from lms.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    urls = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = [p for p in op.get("parameters", []) if p["in"] == "path"]
            if any(p["schema"].get("type") == "integer" for p in params):
                url = path
                for p in params:
                    url = url.replace("{%s}" % p["name"], HUGE if p["schema"].get("type") == "integer" else "x")
                urls.append((method.upper(), url))
    return urls


def test_the_walk_finds_the_integer_routes():
    urls = int_urls()
    # ours and Wagtail's: at least the grading pages, the cohorts and the Wagtail page editor
    assert any(u.startswith("/schools/cohorts/" + HUGE) for u in urls), urls
    assert any("/admin/pages/" + HUGE in u for u in urls)
    assert len(urls) > 100, len(urls)
    assert ("POST", f"/api/v1/courses/{HUGE}/enrol") in api_int_urls()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "flowstage_staff", "superuser"])
def test_no_integer_route_answers_500_with_a_huge_id(client, who):
    if who == "superuser":
        client.force_login(make_user(None, is_superuser=True, is_staff=True))
    elif who != "anonymous":
        client.force_login(make_user(who, is_staff=True))
    failures = []
    for url in int_urls():
        for method in ("GET", "POST"):
            try:
                response = client.generic(method, url)
            except Exception as exc:  # noqa: BLE001  (the test client re-raises the view's exception)
                failures.append(f"{method} {url}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
            if response.status_code != 405:
                break  # POST only where GET is not allowed
    for method, url in api_int_urls():
        try:
            response = client.generic(method, url, data="{}", content_type="application/json")
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{method} {url}: {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
        if who != "anonymous":
            assert response.status_code == 404, (method, url, response.status_code)
    assert not failures, "\n".join(failures)

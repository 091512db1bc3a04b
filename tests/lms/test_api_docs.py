"""/api/v1/docs works without internet: Swagger UI comes from the installed static files (issue 15, item 10)."""
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def _references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*"([^"]+)"', html)


def test_docs_page_references_no_external_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = _references(html)
    assert refs, "the docs page loads its assets through src/href attributes"
    for ref in refs:
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc, f"external reference on the docs page: {ref}"
    assert "cdn" not in html.lower()
    scripts = [r for r in refs if r.endswith(".js")]
    assert any("swagger-ui-bundle" in s for s in scripts)
    for ref in refs:  # every asset is a static file this installation has
        if ref.startswith("/static/"):
            assert finders.find(ref[len("/static/"):]), ref
    # the online validator badge is off (it would call validator.swagger.io)
    assert '"validatorUrl": null' in html


def test_the_openapi_document_has_no_duplicate_key(client):
    """A duplicate key is valid for Python's json but not for Swagger UI's YAML parser, which then shows nothing (the
    wallet endpoints' "200" beside Ninja's 200 did that)."""
    import json

    duplicates = []

    def pairs(items):
        keys = [k for k, _v in items]
        duplicates.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert duplicates == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_docs_list_operations_with_the_network_blocked(live_server, browser, screenshot_dir):
    local = {urlsplit(live_server.url).hostname, "localhost", "127.0.0.1"}
    blocked = []

    def only_local(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in local:
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    operations = page.locator(".opblock").count()
    assert operations >= 5
    assert "/api/v1/credentials/verify" in page.locator("#swagger-ui").inner_text()
    page.screenshot(path=str(screenshot_dir / "api_docs_offline.png"), full_page=False)
    assert blocked == [], f"the docs page tried to reach the network: {blocked}"
    page.close()

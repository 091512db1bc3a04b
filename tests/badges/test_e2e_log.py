"""End to end in Chromium: the public verification page shows the issuance log check, in French and English; a
credential missing from the log keeps its VALID verdict with a warning under it. Screenshots in var/screenshots/
(and /tmp/shots-log/ when it exists)."""
from pathlib import Path

import pytest

from badges import transparency
from badges_testkit import issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_network():
    """The live server and the browser need sockets: this module does not block them."""


def _shot(page, screenshot_dir, name):
    page.screenshot(path=str(screenshot_dir / name), full_page=True)
    extra = Path("/tmp/shots-log")
    if extra.is_dir():
        page.screenshot(path=str(extra / name), full_page=True)


def test_verify_page_shows_the_log_check_in_both_languages(live_server, browser, screenshot_dir, settings,
                                                           monkeypatch):
    settings.PUBLIC_BASE_URL = live_server.url
    logged = [issue() for _ in range(3)][1]
    monkeypatch.setattr(transparency, "append", lambda *a, **k: None)
    unlogged = issue()
    monkeypatch.undo()
    transparency.publish_tree_head(force=True)

    page = browser.new_page(viewport={"width": 1100, "height": 900})
    for prefix, lang, listed, missing in (("", "fr", "Inscrite au journal des émissions", "absente du journal"),
                                          ("/en", "en", "Listed in the issuance log", "not listed in the issuer")):
        page.goto(f"{live_server.url}{prefix}/verify/{logged.pk}/")
        assert page.locator(".verdict__word").get_attribute("data-verdict") == "VALID"
        page.click("#tech-checks summary")
        check = page.locator('li[data-check="log"]')
        assert listed in check.inner_text()
        assert "1" in check.inner_text() and check.locator(".pill--ok").count() == 1
        _shot(page, screenshot_dir, f"badges_log_check_{lang}.png")

        page.goto(f"{live_server.url}{prefix}/verify/{unlogged.pk}/")
        assert page.locator(".verdict__word").get_attribute("data-verdict") == "VALID"
        warning = page.locator("#check-warning-log")
        assert warning.is_visible() and missing in warning.inner_text().lower()
        page.click("#tech-checks summary")
        assert page.locator('li[data-check="log"] .pill--warn').count() == 1
        _shot(page, screenshot_dir, f"badges_log_missing_{lang}.png")

"""End to end in Chromium: staff declares the signing key compromised in the Django admin; the old credential's
public page says it is superseded and links to the re-issue, which is VALID (French and English, desktop and
phone). Screenshots in var/screenshots/ (and SHOTS_DIR when set). The DID document's cache lifetime is set to 0
here so that the new key signs at once (the wait itself is tested with a controlled clock elsewhere)."""
import os
import shutil
from pathlib import Path

import pytest

from badges import services
from badges.models import Credential, SigningKey
from badges_testkit import celery_eager, issue  # noqa: F401 (fixture)
from tests.conftest import login_in_browser
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]


@pytest.fixture(autouse=True)
def no_network():
    """The live server and the browser need sockets: this module does not block them."""


def shot(page, directory, name):
    path = directory / name
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("SHOTS_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / name)


def test_admin_declares_compromise_and_the_old_page_links_to_the_reissue(live_server, browser, screenshot_dir,
                                                                         settings):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 0
    holder = make_user("student", first_name="Léa", last_name="Martin")
    old = issue(holder)
    admin = make_user(is_staff=True, is_superuser=True)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/django-admin/badges/signingkey/")
    page.check(f"input[name=_selected_action][value='{old.signing_key.pk}']")
    page.select_option("select[name=action]", "declare_compromised")
    page.click("button[name=index]")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=reason]").count() == 1
    page.fill("input[name=reason]", "Clé privée retrouvée dans un dépôt public")
    shot(page, screenshot_dir, "keys_admin_compromise_fr.png")
    page.click("input[name=apply]")
    page.wait_for_load_state("networkidle")
    assert SigningKey.objects.get(pk=old.signing_key.pk).status == "revoked"
    new = Credential.objects.get(replaces=old)

    for lang, prefix in (("fr", ""), ("en", "/en")):
        for device, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
            p = browser.new_page(viewport=viewport)
            p.goto(f"{live_server.url}{prefix}/verify/{old.pk}/")
            assert p.locator("#superseded").is_visible()
            assert p.locator("[data-verdict]").get_attribute("data-verdict") == "INVALID"
            shot(p, screenshot_dir, f"keys_superseded_{lang}_{device}.png")
            p.click("#superseded-link")
            p.wait_for_load_state("networkidle")
            assert p.url.endswith(f"{prefix}/verify/{new.pk}/")
            assert p.locator("[data-verdict]").get_attribute("data-verdict") == "VALID"
            assert p.locator("#superseded").count() == 0
            shot(p, screenshot_dir, f"keys_reissued_{lang}_{device}.png")
            p.close()
    old.refresh_from_db()
    assert services.current_credential(old) == new

"""The holder's "Add to a wallet" section in a browser (fr and en, desktop and phone): the offer is made on demand,
shown as a QR code whose text is the same-device link; screenshots in var/screenshots."""
import html

import pytest

from badges import media, wallet
from badges.models import WalletOffer
from badges_testkit import celery_eager, issue  # noqa: F401 (fixture)
from tests.conftest import login_in_browser
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]

SIZES = {"desktop": ({"width": 1280, "height": 900}, False), "phone": ({"width": 390, "height": 844}, True)}
TITLES = {"fr": "Ajouter à un portefeuille", "en": "Add to a wallet"}


def signed_in_page(browser, live_server, holder, lang, size):
    """A browser page of the given size, the holder signed in, in ``lang``; with the list of the Content Security
    Policy errors its console reports, and the language's URL prefix."""
    prefix = "" if lang == "fr" else "/en"
    viewport, mobile = SIZES[size]
    page = browser.new_page(viewport=viewport, is_mobile=mobile)
    csp = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    login_in_browser(page, live_server.url, holder.email, lang_prefix=prefix)
    return page, csp, prefix


@pytest.fixture(autouse=True)
def no_network():
    """The live server and the browser need sockets: this module does not block them."""


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_wallet_section(live_server, browser, screenshot_dir, settings, lang, size):
    settings.PUBLIC_BASE_URL = live_server.url
    holder = make_user("student")
    cred = issue(holder)
    page, csp, prefix = signed_in_page(browser, live_server, holder, lang, size)
    viewport = SIZES[size][0]
    page.goto(f"{live_server.url}{prefix}/badges/{cred.pk}/")
    section = page.locator("[data-wallet]")
    assert TITLES[lang] in section.inner_text()
    page.click("[data-wallet-create]")
    page.wait_for_load_state("networkidle")

    offer = WalletOffer.objects.get(credential=cred)
    link = wallet.offer_link(offer)
    assert html.unescape(page.locator("[data-wallet-link]").get_attribute("href")) == link
    qr = page.locator("[data-wallet-qr]")
    qr.scroll_into_view_if_needed()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box  # not cut off on a phone
    svg = page.request.get(f"{live_server.url}/badges/{cred.pk}/wallet/{offer.pk}/oid4vci.svg").text()
    assert svg == media.qr_svg(link)  # the QR code carries the same-device link
    lcw = wallet.lcw_link(offer)
    assert html.unescape(page.locator("[data-wallet-lcw-link]").get_attribute("href")) == lcw
    assert page.locator("[data-wallet-lcw-qr]").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.request.get(f"{live_server.url}/badges/{cred.pk}/wallet/{offer.pk}/lcw.svg").text() == media.qr_svg(lcw)
    assert not csp, csp
    page.screenshot(path=str(screenshot_dir / f"badges_wallet_{lang}_{size}.png"), full_page=True)

    # Another user sees neither the offer's QR code nor the section.
    other = browser.new_page(viewport=viewport)
    login_in_browser(other, live_server.url, make_user("student").email, lang_prefix=prefix)
    assert other.request.get(f"{live_server.url}/badges/{cred.pk}/wallet/{offer.pk}/oid4vci.svg").status == 404


REPLACE = {"fr": "Remplacez ce badge dans votre portefeuille", "en": "Replace this badge in your wallet"}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_notice_to_replace_the_copy_after_a_key_compromise(live_server, browser, screenshot_dir, settings, lang,
                                                               size):
    """The sweep re-signed the copy in the holder's wallet: their badge's page says so at the top, offers the new
    copy as a file and a fresh offer to add the badge again, which shows its QR code."""
    import json

    from badges import services
    from badges.models import Credential, HolderCopy
    from badges.tasks import reissue_compromised
    from wallet_testkit import take_badge

    settings.PUBLIC_BASE_URL = live_server.url
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 0  # the new key signs at once
    holder = make_user("student")
    old = issue(holder)
    old_copy, w = take_badge(old)
    services.declare_key_compromised(old.signing_key, reason="leak")
    reissue_compromised.delay().get()
    cred = Credential.objects.get(replaces=old)
    new_copy = HolderCopy.objects.get(replaces=old_copy)

    page, csp, prefix = signed_in_page(browser, live_server, holder, lang, size)
    viewport = SIZES[size][0]
    page.goto(f"{live_server.url}{prefix}/badges/{old.pk}/")  # the old address leads to the re-issue
    notice = page.locator("[data-wallet-replace]")
    assert notice.is_visible() and REPLACE[lang] in notice.inner_text()
    assert w.did[:30] in notice.inner_text()
    box = notice.bounding_box()
    assert box["y"] < viewport["height"] and box["x"] + box["width"] <= viewport["width"], box  # seen at once
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing sticks out
    page.screenshot(path=str(screenshot_dir / f"badges_wallet_replace_{lang}_{size}.png"), full_page=True)
    href = page.locator("[data-wallet-replacement]").get_attribute("href")
    assert json.loads(page.request.get(f"{live_server.url}{href}").text()) == json.loads(new_copy.signed_json)
    page.click("[data-wallet-replace-offer]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-wallet-qr]").is_visible()
    assert page.locator("[data-wallet-replace] a[href='#wallet']").count() == 1
    page.screenshot(path=str(screenshot_dir / f"badges_wallet_replace_offer_{lang}_{size}.png"), full_page=True)
    assert not csp, csp
    page.close()

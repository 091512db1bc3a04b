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


@pytest.fixture(autouse=True)
def no_network():
    """The live server and the browser need sockets: this module does not block them."""


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_wallet_section(live_server, browser, screenshot_dir, settings, lang, size):
    settings.PUBLIC_BASE_URL = live_server.url
    holder = make_user("student")
    cred = issue(holder)
    prefix = "" if lang == "fr" else "/en"
    viewport, mobile = SIZES[size]
    page = browser.new_page(viewport=viewport, is_mobile=mobile)
    csp = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    login_in_browser(page, live_server.url, holder.email, lang_prefix=prefix)
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

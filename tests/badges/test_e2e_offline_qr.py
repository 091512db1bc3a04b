"""End to end in headless Chromium: the offline verification page (/verify/scan/) installs its service worker,
keeps the trust bundle, then with the network cut verifies QR code images fed to its file input: a valid credential,
a credential revoked (and the list fetched) while online shown revoked "as of" the cached list's date, an altered
code refused. French and English, phone viewport; the production CSP enforced (no violation). Screenshots in
var/screenshots/ (and SHOTS_DIR when set)."""
import os
import shutil
from pathlib import Path

import pytest

from badges import compact, media, services
from badges_testkit import celery_eager, issue  # noqa: F401 (fixture)
from tests.conftest import login_in_browser
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]

PHONE = {"width": 390, "height": 844}


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


def qr_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(media.qr_png(text, box_size=6))
    return str(path)


def wait_true(page, expression, timeout=20.0):
    """Poll ``expression`` (wait_for_function would evaluate a string, which the enforced CSP forbids)."""
    import time

    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def scan(page, path):
    page.locator("#scan-result").evaluate("node => node.replaceChildren()")
    page.set_input_files("#scan-file", path)
    card = page.locator("#scan-result [data-verdict]")
    card.wait_for(timeout=20_000)
    return card


def test_offline_page_verifies_valid_and_revoked_from_its_cache(live_server, browser, screenshot_dir, settings,
                                                                 tmp_path):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": settings.CSP_DIRECTIVES}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    holder = make_user("student", first_name="Léa", last_name="Martin")
    valid = issue(holder)
    revoked = issue(make_user("student", first_name="Hugo", last_name="Petit"))
    # the valid one's QR code as its holder downloads it from their badge page (screenshot of that page)
    holder_context = browser.new_context(viewport=PHONE)
    holder_page = holder_context.new_page()
    login_in_browser(holder_page, live_server.url, holder.email)
    holder_page.goto(f"{live_server.url}/badges/{valid.pk}/")
    holder_page.locator("img[data-offline-qr]").scroll_into_view_if_needed()
    assert holder_page.locator("img[data-offline-qr]").evaluate("img => img.complete && img.naturalWidth > 0")
    shot(holder_page, screenshot_dir, "offline_qr_holder_page_fr_phone.png")
    download = holder_context.request.get(f"{live_server.url}/badges/{valid.pk}/qr-offline.png")
    assert download.ok and download.headers["content-type"] == "image/png"
    valid_qr = str(tmp_path / "valid.png")
    Path(valid_qr).write_bytes(download.body())
    holder_context.close()
    revoked_text = services.compact_qr_text(revoked)
    revoked_qr = qr_file(tmp_path, "revoked.png", revoked_text)
    raw, sig = compact.split(revoked_text)
    forged = compact.b45encode(raw.replace("Hugo Petit".encode(), "Hugo Grand".encode()) + sig)
    forged_qr = qr_file(tmp_path, "forged.png", "FS1:" + forged)
    link_qr = qr_file(tmp_path, "link.png", services.short_url(valid.short_id))

    context = browser.new_context(viewport=PHONE, locale="fr-FR", service_workers="allow")
    violations = []
    pages = {}
    for lang, prefix in (("fr", ""), ("en", "/en")):
        page = context.new_page()
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(f"{live_server.url}{prefix}/verify/scan/")
        wait_true(page, "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
        page.wait_for_selector("#scan-app[data-trust-ready='1']")
        pages[lang] = page

    # revoked while online; the page refreshes its keys and lists (a reload online), then the network is cut
    services.revoke_credential(revoked, reason="Fraude à l'examen")
    for lang, page in pages.items():
        before = page.get_attribute("#scan-app", "data-trust-generated")
        page.reload()
        page.wait_for_selector("#scan-app[data-trust-ready='1']")
        assert page.get_attribute("#scan-app", "data-trust-generated") >= before
    context.set_offline(True)

    for lang, prefix in (("fr", ""), ("en", "/en")):
        page = pages[lang]
        page.reload()  # offline: the page, its scripts and the trust bundle come from the service worker's cache
        page.wait_for_selector("#scan-app[data-trust-ready='1']")
        assert page.inner_text("#scan-network") == ("Hors ligne" if lang == "fr" else "Offline")
        assert not page.evaluate("navigator.onLine")

        card = scan(page, valid_qr)
        assert card.get_attribute("data-verdict") == "valid"
        text = card.inner_text()
        assert "Léa Martin" in text and "Audio Engineer" in text and "Flow Stage Academy" in text
        assert ("Certificat valide" if lang == "fr" else "Valid certificate") in text
        assert ("Statut au" if lang == "fr" else "Status as of") in text
        shot(page, screenshot_dir, f"offline_qr_valid_{lang}_phone.png")

        card = scan(page, revoked_qr)
        assert card.get_attribute("data-verdict") == "revoked"
        text = card.inner_text()
        assert "Hugo Petit" in text and ("Certificat révoqué" if lang == "fr" else "Revoked certificate") in text
        assert ("Statut au" if lang == "fr" else "Status as of") in text
        shot(page, screenshot_dir, f"offline_qr_revoked_{lang}_phone.png")

        card = scan(page, forged_qr)
        assert card.get_attribute("data-verdict") == "bad_signature" and "Hugo Grand" not in card.inner_text()
        if lang == "fr":
            shot(page, screenshot_dir, "offline_qr_forged_fr_phone.png")
        card = scan(page, link_qr)
        assert card.get_attribute("data-verdict") == "link"

    engine = pages["fr"].evaluate("() => document.querySelector('.scan-card__engine') && 1")
    assert engine is None or engine == 1
    assert not violations, violations
    context.close()


def test_bundled_ed25519_is_used_where_webcrypto_has_none(live_server, browser, settings, tmp_path):
    """With WebCrypto's Ed25519 taken away, the bundled noble-ed25519 checks the signature (and still refuses a
    changed byte)."""
    settings.PUBLIC_BASE_URL = live_server.url
    cred = issue(make_user("student", first_name="Inès", last_name="Roy"))
    text = services.compact_qr_text(cred)
    context = browser.new_context(viewport=PHONE, service_workers="block")
    context.add_init_script("""
      const realImport = crypto.subtle.importKey.bind(crypto.subtle);
      crypto.subtle.importKey = (format, data, algorithm, ...rest) =>
        (algorithm && (algorithm === 'Ed25519' || algorithm.name === 'Ed25519'))
          ? Promise.reject(new DOMException('unsupported', 'NotSupportedError'))
          : realImport(format, data, algorithm, ...rest);
    """)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/verify/scan/")
    page.wait_for_selector("#scan-app[data-trust-ready='1']")
    card = scan(page, qr_file(tmp_path, "valid.png", text))
    assert card.get_attribute("data-verdict") == "valid"
    assert "bundled Ed25519" in card.inner_text()
    raw, sig = compact.split(text)
    changed = bytearray(sig)
    changed[10] ^= 1
    card = scan(page, qr_file(tmp_path, "bad.png", "FS1:" + compact.b45encode(raw + bytes(changed))))
    assert card.get_attribute("data-verdict") == "bad_signature"
    context.close()

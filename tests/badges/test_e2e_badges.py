"""End to end in Chromium: a candidate passes, the badge appears on "My badges", its QR code leads to a
VALID public page, staff revokes, the same page says REVOKED. Screenshots in var/screenshots/.

QR decoding: no zbar on this machine, so the QR PNG served to the holder is read module by module
(pure Python, Pillow) and compared with the matrix of the expected short URL; the browser then
follows that URL."""
import io

import pytest

from badges import media, services
from badges.models import Credential
from badges_testkit import celery_eager  # noqa: F401 (fixture)
from tests.conftest import login_in_browser
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]


@pytest.fixture(autouse=True)
def no_network():
    """The live server and the browser need sockets: this module does not block them."""


def _modules_of(png: bytes, size: int, box: int = 10) -> list[list[bool]]:
    """Dark/light of each module (qrcode's matrix includes the quiet-zone border)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("L")
    assert img.size == (size * box, size * box)
    return [[img.getpixel((x * box + box // 2, y * box + box // 2)) < 128
             for x in range(size)] for y in range(size)]


def test_pass_badge_qr_verify_revoke(live_server, browser, screenshot_dir, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    from exams import services as exams_services
    from tests.exams.helpers import all_right, make_certification, registered_student

    # 1. The candidate passes the certification exam (exams services): the badge is issued on commit.
    cert = make_certification(types=("single", "truefalse"), practical=False)
    student = registered_student(cert)
    attempt = exams_services.start_attempt(cert.exam, student)
    all_right(attempt)
    attempt.refresh_from_db()
    exams_services.submit_attempt(attempt)
    cred = Credential.objects.get(attempt=attempt)

    # 2. "My badges".
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(page, live_server.url, student.email)
    page.goto(f"{live_server.url}/badges/mine/")
    assert page.locator(".badge-card").count() == 1
    assert "Audio Engineer" in page.locator(".badge-card").inner_text()
    page.screenshot(path=str(screenshot_dir / "badges_mine_fr.png"), full_page=True)
    page.click(".badge-card a.btn")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / "badges_detail_fr.png"), full_page=True)

    # 3. The QR code: the PNG the holder downloads encodes the short verification URL.
    short = services.short_url(cred.short_id)
    assert page.locator("[data-short-url]").inner_text() == short
    png = page.request.get(f"{live_server.url}/badges/{cred.pk}/qr.png").body()
    expected = media.qr_matrix(short)
    assert _modules_of(png, len(expected)) == expected

    # 4. Following it on a phone: VALID.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(short)
    assert phone.url.endswith(f"/verify/{cred.pk}/")
    assert phone.locator("[data-verdict]").get_attribute("data-verdict") == "VALID"
    assert student.get_display_name() in phone.content()
    phone.screenshot(path=str(screenshot_dir / "badges_verify_valid_phone_browserlang.png"), full_page=True)
    phone.goto(f"{live_server.url}/verify/{cred.pk}/")
    assert phone.locator("html").get_attribute("lang") == "fr"
    assert phone.locator("[data-verdict]").get_attribute("data-verdict") == "VALID"
    phone.screenshot(path=str(screenshot_dir / "badges_verify_valid_phone_fr.png"), full_page=True)

    # 5. Staff revokes with a reason.
    staff = make_user("flowstage_staff")
    staff_page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(staff_page, live_server.url, staff.email)
    staff_page.goto(f"{live_server.url}/badges/staff/")
    staff_page.screenshot(path=str(screenshot_dir / "badges_staff_fr.png"), full_page=True)
    staff_page.fill(f"#reason-{cred.pk}", "Fraude constatée lors de l'épreuve pratique")
    staff_page.click(f"form[action$='/{cred.pk}/revoke/'] button[type=submit]")
    staff_page.wait_for_load_state("networkidle")
    # Revocation cannot be undone: a confirmation page first (no JavaScript needed), then revoked.
    assert "Fraude constatée" in staff_page.inner_text("#confirm") and cred.revoked_at is None
    staff_page.screenshot(path=str(screenshot_dir / "badges_staff_confirm_revoke_fr.png"), full_page=True)
    staff_page.click("#confirm-yes")
    staff_page.wait_for_load_state("networkidle")
    assert staff_page.locator(".alert--success").count() == 1
    cred.refresh_from_db()
    assert cred.revoked_at is not None

    # 6. The same public page now says REVOKED.
    phone.goto(f"{live_server.url}/verify/{cred.pk}/")
    assert phone.locator("[data-verdict]").get_attribute("data-verdict") == "REVOKED"
    phone.screenshot(path=str(screenshot_dir / "badges_verify_revoked_phone_fr.png"), full_page=True)

    # 7. Upload page with the baked PNG of another valid credential.
    other = services.issue_credential(student, cred.achievement, notify=False).credential
    baked = page.request.get(f"{live_server.url}/badges/{other.pk}/badge.png").body()
    page.goto(f"{live_server.url}/en/badges/verify/")
    page.set_input_files("#id_file", files=[{"name": "badge.png", "mimeType": "image/png", "buffer": baked}])
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "VALID"
    page.screenshot(path=str(screenshot_dir / "badges_verify_upload_en.png"), full_page=True)
    for p in (page, phone, staff_page):
        p.close()


PLACEHOLDER_FITS = """e => { const cs = getComputedStyle(e); const c = document.createElement('canvas').getContext('2d');
  c.font = cs.fontSize + ' ' + cs.fontFamily;
  return c.measureText(e.placeholder).width <= e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight); }"""


def test_staff_search_placeholder_is_whole_and_unactivated_holders_are_flagged(live_server, browser, screenshot_dir):
    staff = make_user("flowstage_staff")
    dormant = make_user("student", email="dormant@example.test")
    dormant.set_unusable_password()
    dormant.save()
    from badges_testkit import issue

    issue(user=dormant)
    for width, height, tag in ((1280, 900, "desktop"), (390, 844, "phone")):
        for prefix, lang in (("", "fr"), ("/en", "en")):
            page = browser.new_page(viewport={"width": width, "height": height})
            login_in_browser(page, live_server.url, staff.email, lang_prefix=prefix)
            page.goto(f"{live_server.url}{prefix}/badges/staff/")
            search = page.locator("#badge-q")
            search.scroll_into_view_if_needed()
            assert search.evaluate(PLACEHOLDER_FITS), (tag, lang)
            assert page.locator("[data-testid=not-activated]").count() == 1
            page.screenshot(path=str(screenshot_dir / f"badges_staff_search_{tag}_{lang}.png"))
            page.close()

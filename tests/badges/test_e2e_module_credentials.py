"""End to end in Chromium: a student who passed a course module sees its credential (with its ECTS credits) next
to their certification on "My badges" and on their profile, in French and in English, on a desktop and a phone;
the module credential's public page says VALID. Screenshots in /tmp/shots-ob3/ (and var/screenshots/)."""
from decimal import Decimal
from pathlib import Path

import pytest

from badges import services
from badges_testkit import celery_eager, issue, make_achievement  # noqa: F401 (fixture)
from courses import services as course_services
from courses.models import CreditRecord
from tests.conftest import login_in_browser
from tests.courses.factories import make_course
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]
SHOTS = Path("/tmp/shots-ob3")


@pytest.fixture(autouse=True)
def no_network():
    """The live server and the browser need sockets: this module does not block them."""


def test_module_credential_beside_the_certification(live_server, browser, screenshot_dir, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    student = make_user("student", email="lina.e2e@example.test", first_name="Lina", last_name="Moreau")
    issue(student, make_achievement())  # the certification's credential
    module = make_course(n_units=1, lessons_per_unit=1, title="Industrie musicale 4.0", code="IM-4.0",
                         summary="Droits, plateformes et économie de la musique enregistrée.",
                         ects_credits=Decimal("6"))
    teacher = make_user("flowstage_staff")
    enrolment = course_services.self_enrol(student, module)
    for key, mark in (("continuous", "15"), ("project", "14"), ("certification", "16")):
        course_services.set_component_mark(enrolment, key, mark, "twenty", teacher)  # signal → credential
    record = CreditRecord.objects.get(user=student)
    cred = services.issue_for_module(record.pk).credential  # the one the signal issued
    assert cred.credits_earned == Decimal("6")

    for lang, prefix, kind, credits in (("fr", "", "Module de formation", "6 crédits ECTS"),
                                        ("en", "/en", "Course module", "6 ECTS credits")):
        for device, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
            context = browser.new_context(viewport=viewport, locale=lang)
            page = context.new_page()
            login_in_browser(page, live_server.url, student.email, lang_prefix=prefix)
            page.goto(f"{live_server.url}{prefix}/badges/mine/")
            cards = page.locator("article.badge-card")
            assert cards.count() == 2
            text = page.locator("main").inner_text()
            assert kind in text and credits in text and "Industrie musicale 4.0" in text
            page.screenshot(path=str(SHOTS / f"mine-{lang}-{device}.png"), full_page=True)
            page.goto(f"{live_server.url}{prefix}/profile/")
            section = page.locator("#certs-title").locator("xpath=..")
            assert "Module · 6 ECTS" in section.inner_text() and "Industrie musicale 4.0" in section.inner_text()
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"profile-{lang}-{device}.png"), full_page=True)
            if device == "desktop":
                page.goto(f"{live_server.url}{prefix}/verify/{cred.pk}/")
                assert page.locator(".verdict__word").get_attribute("data-verdict") == "VALID"
                assert credits in page.locator("main").inner_text()
                page.screenshot(path=str(SHOTS / f"verify-module-{lang}.png"), full_page=True)
            context.close()
    for png in SHOTS.glob("*.png"):
        (screenshot_dir / f"ob3-{png.name}").write_bytes(png.read_bytes())

"""The main journey in a real browser: a student finds the offer at the top of her matches, reads why, applies with
her consent; the employer sees her explained score and verified badge and accepts; she sees it; her school sees the
placement. Screenshots in var/screenshots (careers-*.png)."""
import datetime

import pytest

from careers import services
from careers.models import Application
from tests.careers import kit
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_student_applies_and_the_employer_accepts(live_server, browser, screenshot_dir, settings):
    from badges import services as badge_services
    from badges.models import Achievement

    settings.PUBLIC_BASE_URL = live_server.url
    services.seed_legal_rates()
    school = kit.school(name="La Fémis")
    referent = kit.staff_of(school)
    emp, staff = kit.employer("Sonotec Live", contracts=[("cvtheque_access", 1, datetime.date(2026, 3, 1))])
    services.mark_partner_employer(school, emp, by=referent, since=kit.TODAY)
    ach = Achievement.objects.create(slug="audio-e2e", name="Audio Engineer — Flow Stage Ready")
    offer = kit.offer(emp, staff, credentials=((ach, False),))
    kit.offer(emp, staff, title="Technicien retours", requirements=(("Mixage retours", 4, True, False),))
    marie = kit.student(school, email="marie.e2e@example.test")
    marie.first_name, marie.last_name = "Marie", "Dubois"
    marie.save()
    badge_services.issue_credential(marie, ach, notify=False)
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(page, base, marie.email)
    page.goto(f"{base}/careers/")
    first = page.locator("article.offer-card").first
    assert "Assistant Ingénieur FOH" in first.inner_text() and "STAGE PARFAIT" in first.inner_text()
    assert "Partenaire École certifié" in first.inner_text()
    page.screenshot(path=str(screenshot_dir / "careers-01-matches.png"), full_page=True)
    first.get_by_role("link", name="Détails").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-component=skills] .explain__lines li").count() == 2
    assert "Ce que dit la loi" in page.inner_text("main")
    page.screenshot(path=str(screenshot_dir / "careers-02-offer-details.png"), full_page=True)
    page.get_by_role("link", name="Postuler").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=message]", "Bonjour, je mixe en façade depuis deux ans et j'aimerais rejoindre l'équipe.")
    page.check("input[name=consent_parts][value=badges]")
    page.check("input[name=agree]")
    page.click("button:has-text('Envoyer ma candidature')")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=status]") == "Envoyée"
    app = Application.objects.get(student=marie)
    assert set(app.consent_parts) >= {"badges"} and app.consent_given_at is not None

    emp_page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(emp_page, base, staff.email, lang_prefix="/en")
    emp_page.goto(f"{base}/en/careers/employer/")
    emp_page.locator("tr", has_text="Assistant Ingénieur FOH").get_by_role("link", name="Applicants").click()
    emp_page.wait_for_load_state("networkidle")
    card = emp_page.locator(f"#application-{app.pk}")
    assert card.locator("[data-testid=badge-verdict]").inner_text() == "VALID"
    assert "PERFECT INTERNSHIP" in card.inner_text()
    emp_page.screenshot(path=str(screenshot_dir / "careers-03-applicants.png"), full_page=True)
    card.locator("input[name=action][value=accept]").check()
    card.locator("textarea[name=message]").fill("Welcome aboard! See you on 3 May.")
    card.get_by_role("button", name="Record the decision").click()
    emp_page.wait_for_load_state("networkidle")
    assert emp_page.locator(f"#application-{app.pk} [data-testid=applicant-status]").inner_text() == "Accepted"

    page.goto(f"{base}/careers/applications/{app.pk}/")
    assert page.inner_text("[data-testid=status]") == "Acceptée"
    assert "Welcome aboard!" in page.inner_text("main")
    page.screenshot(path=str(screenshot_dir / "careers-04-accepted.png"), full_page=True)

    school_page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(school_page, base, referent.email)
    school_page.goto(f"{base}/school-dashboard/{school.slug}/#careers")
    assert "Assistant Ingénieur FOH" in school_page.inner_text("[data-block=school-careers] ~ .grid")
    school_page.screenshot(path=str(screenshot_dir / "careers-05-school.png"), full_page=True)

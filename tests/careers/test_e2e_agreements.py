"""The agreement pages in a real browser: the school's page with the terms and the turn of signatures, the student
signing, the tutor's link on a phone, the public check page. Screenshots in var/screenshots (agreement-*.png)."""
import re

import pytest
from django.core import mail

from careers import services
from careers.models import Agreement, Application
from tests.careers import kit
from tests.careers.test_agreements import terms
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agreement_pages_student_signs_tutor_signs_on_a_phone_check_page(live_server, browser, screenshot_dir,
                                                                        settings):
    settings.PUBLIC_BASE_URL = live_server.url
    services.seed_legal_rates()
    school = kit.school(name="La Fémis")
    referent = kit.staff_of(school)
    emp, staff = kit.employer("Sonotec Live")
    offer = kit.offer(emp, staff)
    marie = kit.student(school, email="marie.agreement@example.test")
    marie.first_name, marie.last_name = "Marie", "Dubois"
    marie.save()
    app = services.apply(offer, marie, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    services.update_agreement(agreement, terms(), by=referent)
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(page, base, marie.email)
    page.goto(f"{base}/careers/agreements/{agreement.pk}/")
    main = page.inner_text("main")
    assert "Convention de stage — Marie Dubois" in main and "à signer maintenant" in main
    assert "Mixer la façade d'un concert seul" in main and "682,50" in main
    page.screenshot(path=str(screenshot_dir / "agreement-01-student-fr.png"), full_page=True)
    page.click("button:has-text('Signer en tant qu')")
    page.wait_for_load_state("networkidle")
    assert "signée par Marie Dubois" in page.inner_text("main")

    body = next(m.body for m in mail.outbox if m.to == ["jean.martin@sonotec.example"])
    token = re.search(r"/agreements/tutor/([^/\s]+)/", body).group(1)
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{base}/careers/agreements/tutor/{token}/")
    assert "Votre signature" in phone.inner_text("main")
    phone.screenshot(path=str(screenshot_dir / "agreement-02-tutor-phone.png"), full_page=True)
    phone.check("input[name=agree]")
    phone.click("button:has-text('Signer pour')")
    phone.wait_for_load_state("networkidle")
    assert "Signé par Jean Martin" in phone.inner_text("main")

    school_page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(school_page, base, referent.email, lang_prefix="/en")
    school_page.goto(f"{base}/en/careers/agreements/{agreement.pk}/")
    school_page.click("button:has-text('Sign for the school')")
    school_page.wait_for_load_state("networkidle")
    assert "Signed by the three parties" in school_page.inner_text("[data-testid=status]")
    school_page.screenshot(path=str(screenshot_dir / "agreement-03-school-en.png"), full_page=True)
    h = services.agreement_hash(Agreement.objects.get(pk=agreement.pk))
    check = browser.new_page(viewport={"width": 1366, "height": 900})
    check.goto(f"{base}/careers/agreements/check/{h}/")
    assert "Ce document correspond à la convention signée" in check.inner_text("[data-testid=verdict]")
    check.screenshot(path=str(screenshot_dir / "agreement-04-check.png"), full_page=True)

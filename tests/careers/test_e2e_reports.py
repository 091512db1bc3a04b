"""The final report and the transcript in a real browser, French and English, desktop and phone: the tutor's
evaluation on a phone through the e-mailed link, the referent's co-signed report, the student's transcript with the
internship credits. Screenshots in /tmp/shots-report (and the suite's screenshot dir)."""
import pathlib
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from careers import reports, services
from careers.models import Agreement, Application
from tests.careers import kit
from tests.careers.test_agreements import terms
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = pathlib.Path("/tmp/shots-report")


def _shot(page, name, screenshot_dir):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)
    page.screenshot(path=str(screenshot_dir / f"report-{name}"), full_page=True)


def test_report_pages_and_transcript(live_server, browser, screenshot_dir, settings, monkeypatch):
    settings.PUBLIC_BASE_URL = live_server.url
    services.seed_legal_rates()
    school = kit.school(name="La Fémis")
    referent = kit.staff_of(school)
    emp, jean = kit.employer("Sonotec Live")
    offer = kit.offer(emp, jean, title="Assistant Ingénieur FOH")
    marie = kit.student(school, email="marie.report@example.test")
    marie.first_name, marie.last_name = "Marie", "Dubois"
    marie.save()
    app = services.apply(offer, marie, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=jean, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    agreement = services.update_agreement(agreement, terms(ects_credits=Decimal("6")), by=referent)
    services.sign_agreement(agreement, by=marie, party="student")
    services.sign_agreement(agreement, by=jean, party="employer")
    services.sign_agreement(agreement, by=referent, party="school")
    agreement = Agreement.objects.get(pk=agreement.pk)
    from careers import selectors

    monkeypatch.setattr(selectors, "today", lambda: agreement.end_date)  # the report opens on the last day
    mail.outbox.clear()
    reports.send_report_link(agreement, by=referent)
    body = next(m.body for m in mail.outbox if m.to == ["jean.martin@sonotec.example"])
    token = re.search(r"/agreements/report/tutor/([^/\s]+)/", body).group(1)
    base = live_server.url

    # the tutor evaluates on a phone, in French
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{base}/careers/agreements/report/tutor/{token}/")
    assert "L'évaluation du tuteur" in phone.inner_text("main")
    phone.check("input[name=met-0][value=yes]")
    phone.check("input[name=met-1][value=no]")
    phone.fill("textarea[name=comment-0]", "Trois concerts mixés seule au Trabendo.")
    phone.fill("textarea[name=overall]", "Stagiaire fiable, autonome en façade dès le deuxième mois.")
    phone.click("button:has-text('Enregistrer l')")
    phone.wait_for_load_state("networkidle")
    assert "Votre évaluation est enregistrée" in phone.inner_text("main")
    _shot(phone, "01-tutor-phone-fr.png", screenshot_dir)

    reports.submit_student_report(agreement, by=marie, file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"))
    reports.grade_report(agreement, by=referent, grade="15.5")
    reports.sign_report_by_link(token, name="Jean Martin")

    # the referent co-signs on the desktop, in French
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(page, base, referent.email)
    page.goto(f"{base}/careers/agreements/{agreement.pk}/report/")
    assert "Rapport final — Marie Dubois" in page.inner_text("main")
    page.click("button:has-text('Signer en tant qu')")
    page.wait_for_load_state("networkidle")
    main = page.inner_text("main")
    assert "Co-signé le" in main and "6 crédits ECTS" in main
    _shot(page, "02-report-cosigned-fr.png", screenshot_dir)

    # the report page in English, then the student's transcript in both languages, desktop and phone
    page_en = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(page_en, base, marie.email, lang_prefix="/en")
    page_en.goto(f"{base}/en/careers/agreements/{agreement.pk}/report/")
    assert "Final report — Marie Dubois" in page_en.inner_text("main")
    _shot(page_en, "03-report-student-en.png", screenshot_dir)
    page_en.goto(f"{base}/en/learning/transcript/")
    main = page_en.inner_text("main")
    assert "My transcript" in main and "Assistant Ingénieur FOH" in main and "Internship" in main
    _shot(page_en, "04-transcript-en.png", screenshot_dir)
    page_en.goto(f"{base}/learning/transcript/")
    assert "Mon relevé de notes" in page_en.inner_text("main") and "Stage" in page_en.inner_text("main")
    _shot(page_en, "05-transcript-fr.png", screenshot_dir)
    phone2 = browser.new_page(viewport={"width": 390, "height": 844})
    login_in_browser(phone2, base, marie.email)
    phone2.goto(f"{base}/careers/agreements/{agreement.pk}/report/")
    _shot(phone2, "06-report-phone-fr.png", screenshot_dir)
    phone2.goto(f"{base}/learning/transcript/")
    _shot(phone2, "07-transcript-phone-fr.png", screenshot_dir)

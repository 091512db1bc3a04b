"""The follow-up during the internship in a real browser: the tutor fills in the mid-term evaluation from the e-mailed
link on a phone (390×844), the student reads their follow-up page in French and in English. Screenshots in
var/screenshots (followup-*.png) and copied to /tmp/shots-midterm when it exists."""
import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.core import mail

from careers import followup, selectors, services
from careers.models import Application, MidtermEvaluation
from lms.accounts.models import ReadinessSnapshot
from tests.careers import kit
from tests.careers.test_agreements import terms
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DURING = datetime.date(2027, 6, 20)


def _shot(page, screenshot_dir, name):
    path = screenshot_dir / name
    page.screenshot(path=str(path), full_page=True)
    extra = Path("/tmp/shots-midterm")
    if extra.is_dir():
        shutil.copy(path, extra / name)


def test_tutor_evaluates_on_a_phone_and_the_student_reads_the_followup_in_french_and_english(
        live_server, browser, screenshot_dir, settings, monkeypatch):
    settings.PUBLIC_BASE_URL = live_server.url
    services.seed_legal_rates()
    school = kit.school(name="La Fémis")
    referent = kit.staff_of(school)
    emp, staff = kit.employer("Sonotec Live")
    offer = kit.offer(emp, staff)
    marie = kit.student(school, email="marie.followup@example.test")
    marie.first_name, marie.last_name = "Marie", "Dubois"
    marie.save()
    app = services.apply(offer, marie, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    services.update_agreement(agreement, terms(), by=referent)
    for by, party in ((marie, "student"), (staff, "employer"), (referent, "school")):
        services.sign_agreement(agreement, by=by, party=party)
    mail.outbox.clear()
    assert followup.open_midterm_evaluations(datetime.date(2027, 6, 16)) == 1
    body = next(m.body for m in mail.outbox if m.to == ["jean.martin@sonotec.example"])
    url = re.search(r"https?://\S+/midterm/tutor/[^/\s]+/", body).group(0)
    base = live_server.url

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(url)
    main = phone.inner_text("main")
    assert "Objectif 1 — Mixer la façade d'un concert seul" in main and "Comportement" in main
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways on a phone ({width}px)"
    _shot(phone, screenshot_dir, "followup-01-tutor-form-phone.png")
    phone.click("label.rating-choice:has(input[name=obj-0-rating][value=acquired])")
    phone.fill("#obj-0-comment", "Trois concerts mixés seule, très propre.")
    phone.click("label.rating-choice:has(input[name=obj-1-rating][value=in_progress])")
    phone.click("label.rating-choice:has(input[name=behaviour][value=acquired])")
    phone.click("label.rating-choice:has(input[name=skills][value=in_progress])")
    _shot(phone, screenshot_dir, "followup-02-tutor-form-filled-phone.png")
    phone.click("button.midterm-submit")
    phone.wait_for_load_state("networkidle")
    assert "Merci, Jean Martin" in phone.inner_text("[data-testid=thanks]")
    _shot(phone, screenshot_dir, "followup-03-tutor-thanks-phone.png")
    ev = MidtermEvaluation.objects.get()
    assert ev.status == "submitted" and [r["rating"] for r in ev.ratings] == ["acquired", "in_progress"]

    monkeypatch.setattr(selectors, "today", lambda: DURING)
    for i, (name, role, org) in enumerate([("Léa Roux", "Régisseuse générale", "Le Trabendo"),
                                           ("Karim Haddad", "Ingénieur retours", "Sonotec Live"),
                                           ("Inès Moreau", "Directrice de production", "Échos du Sud")]):
        followup.save_contact(marie, followup.ContactData(name=name, role=role, organisation=org,
                                                          met_on=datetime.date(2027, 5, 10 + 7 * i)), today=DURING)
    for month, score in [(datetime.date(2026, 9, 1), 33), (datetime.date(2027, 6, 1), 78)]:
        ReadinessSnapshot.objects.create(user=marie, month=month, score=score)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    login_in_browser(page, base, marie.email)
    page.goto(f"{base}/careers/agreements/{agreement.pk}/follow-up/")
    assert "1/2" in page.inner_text("[data-testid=objectives-met]")
    assert "3" in page.inner_text("[data-testid=contacts-count]")
    assert "78/100" in page.inner_text("[data-testid=readiness]")
    assert "Léa Roux" in page.inner_text("main") and "Trois concerts mixés seule" in page.inner_text("main")
    _shot(page, screenshot_dir, "followup-04-student-fr.png")
    page.goto(f"{base}/en/careers/agreements/{agreement.pk}/follow-up/")
    main = page.inner_text("main")
    assert "Internship follow-up" in main and "objectives met" in main and "In progress" in main
    _shot(page, screenshot_dir, "followup-05-student-en.png")
    small = browser.new_page(viewport={"width": 390, "height": 844})
    login_in_browser(small, base, marie.email)
    small.goto(f"{base}/careers/agreements/{agreement.pk}/follow-up/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(small, screenshot_dir, "followup-06-student-fr-phone.png")

"""Issue 12's pages in a real browser, in French and English, with screenshots in var/screenshots (i12-*.png, copied
to /tmp/shots-i12 when it exists): the tutor's evaluation form on a phone, the student's follow-up page, the
agreement with its ECTS, the final report before it opens and once co-signed (the satisfaction question), the
school's placement view, and what a school without an entitlement sees (the careers page's priority window, the
follow-up refused, the entitlements table, the cohort enrolment refused, a priced module free for an entitled
school's student)."""
import datetime
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from careers import followup, reports, selectors, services
from careers.models import Application, Offer
from partnerships import entitlements as E
from partnerships.models import Entitlement
from tests.careers import kit
from tests.careers.test_agreements import terms
from tests.conftest import ensure_wagtail_tree, login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DURING = datetime.date(2027, 6, 20)
END = datetime.date(2027, 7, 30)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _shot(page, screenshot_dir, name):
    path = screenshot_dir / f"i12-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = Path("/tmp/shots-i12")
    if extra.is_dir():
        shutil.copy(path, extra / path.name)


def _no_sideways_scroll(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways ({scroll}px > {width}px)"


def _agreement(school, referent, emp, staff, student, **kw):
    offer = kit.offer(emp, staff, title=kw.pop("title", "Assistant Ingénieur FOH"))
    Offer.objects.filter(pk=offer.pk).update(  # published ten days ago: every school's students see it
        published_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 9)), updated_at=timezone.now())
    selectors.forget_live_offers()
    app = services.apply(offer, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    services.update_agreement(agreement, terms(ects_credits=Decimal("6"), **kw), by=referent)
    for by, party in ((student, "student"), (staff, "employer"), (referent, "school")):
        services.sign_agreement(agreement, by=by, party=party)
    return agreement


def test_issue12_pages_in_french_and_english(live_server, browser, screenshot_dir, settings, monkeypatch):
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    services.seed_legal_rates()
    femis = kit.school(name="La Fémis", codes=kit.DEFAULT_CODES + (E.PLACEMENT_STATISTICS,))
    eicar = kit.school(name="EICAR", codes=(E.INTERNSHIP_DATABASE,))
    referent, eicar_staff = kit.staff_of(femis), kit.staff_of(eicar)
    emp, jean = kit.employer("Sonotec Live")
    marie = kit.student(femis, email="marie.i12@example.test")
    marie.first_name, marie.last_name = "Marie", "Dubois"
    marie.save()
    agreement = _agreement(femis, referent, emp, jean, marie)

    # the careers page of a student whose school has no priority access: a new offer waits 7 days
    kit.offer(emp, jean, title="Ingénieur retours — tournée d'été")
    eicar_student = kit.student(eicar, email="leo.i12@example.test")
    page = browser.new_page(viewport=DESKTOP)
    login_in_browser(page, base, eicar_student.email)
    page.goto(f"{base}/careers/")
    assert "7 jours après sa publication" in page.inner_text("[data-testid=priority-embargo]")
    _shot(page, screenshot_dir, "01-careers-priority-window-fr")
    page.goto(f"{base}/en/careers/")
    assert "7 days after it was published" in page.inner_text("[data-testid=priority-embargo]")
    _shot(page, screenshot_dir, "02-careers-priority-window-en")

    # the tutor's mid-term evaluation form on a phone, French then English
    mail.outbox.clear()
    assert followup.open_midterm_evaluations(datetime.date(2027, 6, 16)) == 1
    body = next(m.body for m in mail.outbox if m.to == ["jean.martin@sonotec.example"])
    url = re.search(r"https?://\S+/midterm/tutor/[^/\s]+/", body).group(0)
    phone = browser.new_page(viewport=PHONE)
    phone.goto(url)
    assert "Comportement" in phone.inner_text("main")
    _no_sideways_scroll(phone, PHONE["width"])
    _shot(phone, screenshot_dir, "03-tutor-form-phone-fr")
    phone.goto(url.replace(base, base + "/en"))
    assert "Behaviour" in phone.inner_text("main")
    _no_sideways_scroll(phone, PHONE["width"])
    _shot(phone, screenshot_dir, "04-tutor-form-phone-en")
    phone.goto(url)
    phone.click("label.rating-choice:has(input[name=obj-0-rating][value=acquired])")
    phone.click("label.rating-choice:has(input[name=obj-1-rating][value=in_progress])")
    phone.click("label.rating-choice:has(input[name=behaviour][value=acquired])")
    phone.click("label.rating-choice:has(input[name=skills][value=in_progress])")
    phone.click("button.midterm-submit")
    phone.wait_for_load_state("networkidle")

    # the student's follow-up page and the agreement (with its ECTS), during the internship
    monkeypatch.setattr(selectors, "today", lambda: DURING)
    page = browser.new_page(viewport=DESKTOP)
    login_in_browser(page, base, marie.email)
    page.goto(f"{base}/careers/agreements/{agreement.pk}/follow-up/")
    assert "1/2" in page.inner_text("[data-testid=objectives-met]")
    _shot(page, screenshot_dir, "05-followup-student-fr")
    page.goto(f"{base}/en/careers/agreements/{agreement.pk}/follow-up/")
    assert "objectives met" in page.inner_text("main")
    _shot(page, screenshot_dir, "06-followup-student-en")
    page.goto(f"{base}/careers/agreements/{agreement.pk}/")
    assert "6 ECTS" in page.inner_text("[data-testid=ects]")
    _shot(page, screenshot_dir, "07-agreement-ects-fr")
    page.goto(f"{base}/en/careers/agreements/{agreement.pk}/")
    assert "6 ECTS, validated" in page.inner_text("[data-testid=ects]")
    _shot(page, screenshot_dir, "08-agreement-ects-en")
    page.goto(f"{base}/careers/agreements/{agreement.pk}/report/")
    assert "s'ouvre ce jour-là" in page.inner_text("[data-testid=report-not-open]")
    _shot(page, screenshot_dir, "09-report-not-open-fr")

    # the report co-signed on the last day: the student is asked "would you recommend it?"
    monkeypatch.setattr(selectors, "today", lambda: END)
    mail.outbox.clear()
    reports.send_report_link(agreement, by=referent)
    body = next(m.body for m in mail.outbox if m.to == ["jean.martin@sonotec.example"])
    token = re.search(r"/agreements/report/tutor/([^/\s]+)/", body).group(1)
    reports.evaluate_by_link(token, evaluations=[{"met": True, "comment": "Trois concerts mixés seule."},
                                                 {"met": True, "comment": "Patch impeccable."}],
                             overall="Stagiaire fiable et autonome.", name="Jean Martin")
    from django.core.files.uploadedfile import SimpleUploadedFile

    reports.submit_student_report(agreement, by=marie, file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"))
    reports.grade_report(agreement, by=referent, grade="16")
    reports.sign_report_by_link(token, name="Jean Martin")
    reports.sign_report(agreement, by=referent, role="referent")
    page.goto(f"{base}/careers/agreements/{agreement.pk}/report/")
    assert "Recommanderiez-vous ce stage" in page.inner_text("[data-testid=nps-ask]")
    _shot(page, screenshot_dir, "10-report-cosigned-nps-fr")
    page.goto(f"{base}/en/careers/agreements/{agreement.pk}/report/")
    assert "Would you recommend this internship" in page.inner_text("[data-testid=nps-ask]")
    _shot(page, screenshot_dir, "11-report-cosigned-nps-en")
    phone = browser.new_page(viewport=PHONE)
    login_in_browser(phone, base, marie.email)
    phone.goto(f"{base}/careers/agreements/{agreement.pk}/report/")
    _no_sideways_scroll(phone, PHONE["width"])
    _shot(phone, screenshot_dir, "12-report-nps-phone-fr")

    # the school's placement view (its referent is staff of the school)
    page = browser.new_page(viewport=DESKTOP)
    login_in_browser(page, base, referent.email)
    page.goto(f"{base}/school-dashboard/{femis.slug}/#placement")
    _shot(page, screenshot_dir, "13-school-placement-fr")
    page.goto(f"{base}/en/school-dashboard/{femis.slug}/#placement")
    _shot(page, screenshot_dir, "14-school-placement-en")

    # a school without supervised internships: the follow-up says why; its entitlements table says what each unlocks
    eicar_referent = eicar_staff
    student2 = kit.student(eicar, email="ines.i12@example.test")
    monkeypatch.setattr(selectors, "today", lambda: kit.TODAY)
    a2 = _agreement(eicar, eicar_referent, emp, jean, student2, title="Technicien plateau")
    page = browser.new_page(viewport=DESKTOP)
    login_in_browser(page, base, student2.email)
    page.goto(f"{base}/careers/agreements/{a2.pk}/follow-up/")
    assert "stages supervisés" in page.inner_text("[data-testid=not-supervised]")
    _shot(page, screenshot_dir, "15-followup-not-supervised-fr")
    page.goto(f"{base}/en/careers/agreements/{a2.pk}/follow-up/")
    assert "supervised internships" in page.inner_text("[data-testid=not-supervised]")
    _shot(page, screenshot_dir, "16-followup-not-supervised-en")
    page = browser.new_page(viewport=DESKTOP)
    login_in_browser(page, base, eicar_staff.email)
    page.goto(f"{base}/schools/{eicar.slug}/services/")
    assert "7 jours plus tard" in page.inner_text("main")
    _shot(page, screenshot_dir, "17-entitlements-table-fr")
    page.goto(f"{base}/en/schools/{eicar.slug}/services/")
    assert "7 days later" in page.inner_text("main")
    _shot(page, screenshot_dir, "18-entitlements-table-en")

    # courses: the cohort enrolment refused to a school without curriculum integration; a priced module free for
    # the students of a school with free student access
    ensure_wagtail_tree()
    from courses.models import CoursePage
    from tests.courses.factories import make_course

    module = make_course(title="Sonorisation live", slug="sonorisation-live-i12")
    module.save_revision().publish()
    page.goto(f"{base}/learning/cohorts/enrol/")
    assert "intégration dans le cursus" in page.inner_text("[data-testid=curriculum-refusal]")
    _shot(page, screenshot_dir, "19-cohort-enrol-refused-fr")
    page.goto(f"{base}/en/learning/cohorts/enrol/")
    assert "curriculum integration" in page.inner_text("[data-testid=curriculum-refusal]")
    _shot(page, screenshot_dir, "20-cohort-enrol-refused-en")
    priced = make_course(title="Mixage façade avancé", slug="mixage-facade-i12", kind=CoursePage.Kind.CONTINUING,
                         price=Decimal("199.00"))
    priced.save_revision().publish()
    priced = CoursePage.objects.get(pk=priced.pk)
    femis.partnerships.get().tier.entitlements.add(
        Entitlement.objects.get_or_create(code=E.FREE_STUDENT_ACCESS, defaults={"name": "free"})[0])
    page = browser.new_page(viewport=DESKTOP)
    login_in_browser(page, base, marie.email)
    page.goto(base + priced.url)
    assert "La Fémis" in page.inner_text("[data-testid=free-access]")
    _shot(page, screenshot_dir, "21-course-free-access-fr")

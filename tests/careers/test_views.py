"""careers pages, French and English: the ranking and its card, details with the explanation, applying (and every
refusal as a 4xx or a form error), the employer's pages scoped to their company, the school's view, the student
dashboard's blocks."""
import datetime
from decimal import Decimal

import pytest

from careers import services
from careers.models import Application, Offer
from tests.careers import kit
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rates):
    s = kit.school()
    emp, staff = kit.employer("Sonotec Live", contracts=[("cvtheque_access", 1, datetime.date(2026, 3, 1))])
    offer = kit.offer(emp, staff)
    return {"school": s, "employer": emp, "staff": staff, "student": kit.student(s), "offer": offer}


def test_the_ranking_shows_the_brief_card_in_french_and_english(client, world):
    client.force_login(world["student"])
    html = client.get("/careers/").content.decode()
    assert "OPPORTUNITÉS MATCHÉES (1 disponible)" in html
    assert "STAGE PARFAIT" in html and "Sonotec Live" in html and "Assistant Ingénieur FOH" in html
    assert "Paris 11e" in html and "3 mois" in html and "700 €" in html and "Rock/Électro" in html
    assert "Salles 1K-5K" in html and "Jean Martin" in html and "15 ans d'expérience" in html
    assert "Partenaire École certifié" in html  # a live contract with Flow Stage
    assert "Postuler" in html and "Détails" in html and "Contacter l'école" in html
    html = client.get("/en/careers/").content.decode()
    assert "MATCHED OPPORTUNITIES (1 available)" in html and "PERFECT INTERNSHIP" in html
    assert "Certified school partner" in html and "Venues 1K–5K" in html


def test_filters_narrow_the_list(client, world):
    kit.offer(world["employer"], world["staff"], title="Assistant son Lyon", postcode="69002", city="Lyon")
    client.force_login(world["student"])
    html = client.get("/en/careers/?place=69").content.decode()
    assert "Assistant son Lyon" in html and "Assistant Ingénieur FOH" not in html
    html = client.get("/en/careers/?kind=apprenticeship").content.decode()
    assert "Assistant Ingénieur FOH" not in html
    html = client.get("/en/careers/?starts_after=not-a-date").content.decode()  # a bad filter is ignored, not a 500
    assert "Assistant Ingénieur FOH" in html


def test_details_explain_the_score_and_what_would_raise_it(client, world):
    client.force_login(world["student"])
    html = client.get(f"/careers/offers/{world['offer'].pk}/").content.decode()
    assert "Pourquoi ce score" in html and "Mixage façade (FOH) avancé : requis avancé ✓" in html
    assert "disponible 1 mai 2027 – 31 juillet 2027 : couvre 100 % de la période" in html
    assert "Paris 11e : dans votre zone de mobilité" in html
    assert "Ce que dit la loi" in html and "682,50 € par mois" in html and "4,50 €" in html
    html = client.get(f"/en/careers/offers/{world['offer'].pk}/").content.decode()
    assert "Why this score" in html and "What French law says" in html


def test_apply_then_a_second_time_is_a_409_with_the_reason(client, world):
    client.force_login(world["student"])
    url = f"/en/careers/offers/{world['offer'].pk}/apply/"
    r = client.post(url, {"message": "Hello", "consent_parts": ["skills"], "agree": "on"})
    assert r.status_code == 302
    app = Application.objects.get()
    assert r["Location"] == f"/en/careers/applications/{app.pk}/"
    r = client.post(url, {"message": "Again", "consent_parts": ["skills"], "agree": "on"})
    assert r.status_code == 409 and "one application per offer" in r.content.decode()
    assert Application.objects.count() == 1


def test_apply_without_consent_box_or_message_is_a_form_error(client, world):
    client.force_login(world["student"])
    r = client.post(f"/en/careers/offers/{world['offer'].pk}/apply/", {"message": "", "consent_parts": ["nope"]})
    assert r.status_code == 422 and not Application.objects.exists()
    body = r.content.decode()
    assert "errorlist" in body


@pytest.mark.parametrize("state", ["closed", "expired"])
def test_applying_to_a_closed_or_expired_offer_by_url(client, world, state):
    o = world["offer"]
    Offer.objects.filter(pk=o.pk).update(**({"status": "closed"} if state == "closed"
                                            else {"expires_on": datetime.date(2026, 11, 29)}))
    client.force_login(world["student"])
    r = client.post(f"/en/careers/offers/{o.pk}/apply/", {"message": "x", "agree": "on"})
    assert r.status_code == 404  # not visible any more to a student who never applied
    assert not Application.objects.exists()


def test_a_student_cannot_open_another_students_application(client, world):
    app = services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    other = kit.student(world["school"])
    client.force_login(other)
    assert client.get(f"/en/careers/applications/{app.pk}/").status_code == 404
    assert client.post(f"/en/careers/applications/{app.pk}/withdraw/").status_code == 404
    assert client.post(f"/en/careers/applications/{app.pk}/withdraw-consent/").status_code == 404
    client.force_login(world["student"])
    page = client.get(f"/en/careers/applications/{app.pk}/").content.decode()
    assert "What the employer sees" in page and "Withdraw my application" in page


def test_withdraw_after_a_decision_is_a_409(client, world):
    app = services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    services.decide(app, by=world["staff"], action="decline", reason="Profil trop junior")
    client.force_login(world["student"])
    r = client.post(f"/en/careers/applications/{app.pk}/withdraw/")
    assert r.status_code == 409 and "Only a pending application can be withdrawn" in r.content.decode()
    page = client.get(f"/careers/applications/{app.pk}/").content.decode()
    assert "Profil trop junior" in page and "Refusée" in page


def test_an_employer_cannot_open_another_employers_applicants_by_url(client, world):
    services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    _other, other_staff = kit.employer()
    client.force_login(other_staff)
    for url in [f"/en/careers/employer/offers/{world['offer'].pk}/applicants/",
                f"/en/careers/employer/offers/{world['offer'].pk}/",
                f"/en/careers/employer/offers/{world['offer'].pk}/edit/"]:
        assert client.get(url).status_code == 404, url
    app = Application.objects.get()
    assert client.post(f"/en/careers/employer/applications/{app.pk}/decide/", {"action": "accept"}).status_code == 404
    assert client.get(f"/en/careers/employer/applications/{app.pk}/").status_code == 404
    assert Application.objects.get().status == "submitted"
    client.force_login(world["student"])
    assert client.get(f"/en/careers/employer/offers/{world['offer'].pk}/applicants/").status_code == 403


def test_the_applicants_page_shows_score_explanation_consented_parts_and_verified_badges(client, world):
    from badges import services as badge_services
    from badges.models import Achievement

    ach = Achievement.objects.create(slug="audio", name="Audio Engineer — Flow Stage Ready")
    cred = badge_services.issue_credential(world["student"], ach, notify=False).credential
    services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=["skills", "badges"],
                   day=kit.TODAY)
    shy = kit.student(world["school"])
    services.apply(world["offer"], shy, message="Discret", consent_parts=[], day=kit.TODAY)
    client.force_login(world["staff"])
    html = client.get(f"/en/careers/employer/offers/{world['offer'].pk}/applicants/").content.decode()
    assert "PERFECT INTERNSHIP" in html and "Mixage façade (FOH) advanced: advanced required ✓" in html
    assert 'data-testid="badge-verdict">VALID' in html and "Audio Engineer" in html
    assert "Details not shared by the candidate." in html  # the shy candidate's components
    assert "The candidate shares only their name and message." in html
    # in French too: the verdict in French, the explanation in the third person (it was the student's "vous")
    fr = client.get(f"/careers/employer/offers/{world['offer'].pk}/applicants/").content.decode()
    assert 'data-testid="badge-verdict">VALIDE' in fr and "STAGE PARFAIT" in fr
    for second_person in ("votre profil", "vos spécialités", "vous aimez", "vous habitez", "vos secteurs",
                          "votre zone", "vos %"):
        assert second_person not in fr, second_person
    badge_services.revoke_credential(cred, reason="test")
    html = client.get(f"/en/careers/employer/offers/{world['offer'].pk}/applicants/").content.decode()
    assert 'data-testid="badge-verdict">REVOKED' in html


def test_decide_from_the_page_and_errors_are_4xx(client, world):
    app = services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    client.force_login(world["staff"])
    url = f"/en/careers/employer/applications/{app.pk}/decide/"
    r = client.post(url, {"action": "decline", "reason": ""})
    assert r.status_code == 422 and "Give the candidate a reason" in r.content.decode()
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert Application.objects.get().status == "accepted" and Offer.objects.get().status == "filled"
    r = client.post(url, {"action": "decline", "reason": "x"})
    assert r.status_code == 409


def test_the_offer_form_refuses_illegal_pay_with_the_rule_and_figures(client, world):
    client.force_login(world["staff"])
    form = {"kind": "internship", "title": "Assistant FOH", "specialisation": "sound", "sector": "live",
            "genres": ["rock"], "postcode": "75011", "city": "Paris 11e", "start_date": "2027-05-03",
            "end_date": "2027-07-30", "weekly_hours": "35", "pay_monthly": "600", "tutor_name": "Jean Martin",
            "tutor_years": "15", "places": "1", "expires_on": "2027-04-20", "contract_year": "1",
            "req-TOTAL_FORMS": "1", "req-INITIAL_FORMS": "0", "req-0-name": "Mixage façade (FOH)", "req-0-level": "4",
            "req-0-required": "on", "lang-TOTAL_FORMS": "0", "lang-INITIAL_FORMS": "0", "cred-TOTAL_FORMS": "0",
            "cred-INITIAL_FORMS": "0"}
    r = client.post("/careers/employer/offers/new/", form)
    assert r.status_code == 422 and Offer.objects.count() == 1
    html = r.content.decode()
    assert "4,50 €" in html and "682,50 €" in html and "L124-6" in html
    form["pay_monthly"] = "700"
    r = client.post("/careers/employer/offers/new/", {**form, "publish": "1"})
    assert r.status_code == 302 and Offer.objects.filter(title="Assistant FOH", status="published").exists()
    form["end_date"] = "2027-05-01"
    r = client.post("/en/careers/employer/offers/new/", form)
    assert r.status_code == 422 and "before it starts" in r.content.decode()
    form.update(end_date="2027-07-30", postcode="7501")
    assert client.post("/en/careers/employer/offers/new/", form).status_code == 422


def test_cv_database_needs_the_contract(client, world):
    services.save_career_profile(world["student"], cv_visible=True, cv_parts=["skills", "contact"])
    client.force_login(world["staff"])
    html = client.get("/en/careers/employer/cv/").content.decode()
    assert world["student"].email in html
    _other, other_staff = kit.employer()
    client.force_login(other_staff)
    assert client.get("/en/careers/employer/cv/").status_code == 403


def test_contact_the_school_from_the_offer(client, world, mailoutbox, django_capture_on_commit_callbacks):
    referent = kit.staff_of(world["school"])
    client.force_login(world["student"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/en/careers/offers/{world['offer'].pk}/contact-school/", {"message": "Un avis ?"})
    assert r.status_code == 302 and mailoutbox[-1].to == [referent.email]


def test_the_school_dashboard_shows_applications_and_placements(client, world):
    app = services.apply(world["offer"], world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    services.decide(app, by=world["staff"], action="accept")
    staff = kit.staff_of(world["school"])
    client.force_login(staff)
    html = client.get(f"/en/school-dashboard/{world['school'].slug}/").content.decode()
    assert "Internships and apprenticeships" in html and "Placements" in html
    assert world["student"].get_display_name() in html and "Assistant Ingénieur FOH" in html
    assert 'data-block="school-careers"' in html
    page = client.get(f"/en/careers/school/{world['school'].slug}/partners/")
    assert page.status_code == 200
    other = kit.school()
    assert client.get(f"/en/careers/school/{other.slug}/partners/").status_code == 403
    # school staff see the live offers of their school's internship database
    live = kit.offer(world["employer"], world["staff"], title="Encore ouverte")
    assert client.get(f"/en/careers/offers/{live.pk}/").status_code == 200
    assert client.get(f"/en/careers/offers/{world['offer'].pk}/").status_code == 404  # filled


def test_the_student_dashboard_has_its_four_blocks(client, world):
    client.force_login(world["student"])
    html = client.get("/en/student/").content.decode()
    for block in ("courses", "exams", "badges", "careers"):
        assert f'data-block="{block}"' in html, block
    assert "Assistant Ingénieur FOH" in html and "1 matched opportunity" in html


def test_a_missing_block_template_is_an_error_not_a_silent_gap(client, world, monkeypatch):
    from django.template import TemplateDoesNotExist

    from lms import views_profile

    monkeypatch.setattr(views_profile, "STUDENT_DASHBOARD_BLOCKS",
                        views_profile.STUDENT_DASHBOARD_BLOCKS + [("nope/blocks/student_dashboard.html", lambda r: {})])
    client.force_login(world["student"])
    client.raise_request_exception = True
    with pytest.raises(TemplateDoesNotExist):
        client.get("/en/student/")


def test_navigation_and_landing_by_role(client, world):
    client.force_login(world["staff"])
    assert client.get("/en/dashboard/", follow=True).redirect_chain[-1][0].endswith("/careers/employer/")
    client.force_login(world["student"])
    assert "/en/careers/" in client.get("/en/student/").content.decode()


def test_pages_refuse_the_wrong_role(client, world):
    client.force_login(world["staff"])
    assert client.get("/en/careers/").status_code == 403
    client.force_login(make_user("teacher"))
    assert client.get("/en/careers/employer/").status_code == 403
    assert client.get(f"/en/careers/offers/{world['offer'].pk}/").status_code == 404
    client.logout()
    assert client.get("/en/careers/").status_code == 302


def test_apprenticeship_details_show_the_legal_grid_and_the_rhythm(client, world):
    from careers.models import ApprenticeshipProgramme, SchoolCalendar

    o = kit.offer(world["employer"], world["staff"], kind="apprenticeship", start_date=datetime.date(2027, 9, 1),
                  end_date=datetime.date(2028, 8, 31), expires_on=datetime.date(2027, 8, 1), pay_monthly=Decimal(850),
                  programme=ApprenticeshipProgramme.objects.get(), track="creative")
    SchoolCalendar.objects.create(school=world["school"], valid_from=datetime.date(2027, 9, 1),
                                  valid_until=datetime.date(2028, 8, 31), school_weekdays=[0, 1])
    services.save_career_profile(world["student"], birth_date=datetime.date(2006, 1, 10))  # 21 at the start
    client.force_login(world["student"])
    html = client.get(f"/en/careers/offers/{o.pk}/").content.decode()
    assert "18 to 20" in html and "783.90" in html and "26 and over" in html and "1,823.03" in html
    assert "For you (21 at the start): at least 966.21 € a month; you would be paid 966.21 €." in html
    assert "2 days at school, 3 days at the company" in html and "Monday, Tuesday" in html


def test_the_employer_edits_closes_and_deletes_through_the_pages(client, world):
    client.force_login(world["staff"])
    o = world["offer"]
    page = client.get(f"/en/careers/employer/offers/{o.pk}/edit/").content.decode()
    assert 'value="Assistant Ingénieur FOH"' in page and 'value="Mixage façade (FOH)"' in page
    draft = kit.offer(world["employer"], world["staff"], publish=False, title="Brouillon")
    assert client.post(f"/en/careers/employer/offers/{o.pk}/do/delete/").status_code == 302
    assert Offer.objects.filter(pk=o.pk).exists()  # a published offer is not deleted
    assert client.post(f"/en/careers/employer/offers/{draft.pk}/do/delete/").status_code == 302
    assert not Offer.objects.filter(pk=draft.pk).exists()
    app = services.apply(o, world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    assert client.post(f"/en/careers/employer/offers/{o.pk}/do/close/").status_code == 302
    app.refresh_from_db()
    assert Offer.objects.get(pk=o.pk).status == "closed" and app.status == "declined"
    assert client.get(f"/en/careers/employer/offers/{o.pk}/edit/").status_code == 200
    r = client.post(f"/en/careers/employer/offers/{o.pk}/do/nonsense/")
    assert r.status_code == 404


def test_an_employer_account_without_a_company_is_sent_to_the_badge_verifier(client, db):
    client.force_login(make_user("employer"))
    r = client.get("/en/careers/employer/", follow=True)
    assert r.redirect_chain[-1][0].endswith("/verify/") or "verify" in r.redirect_chain[-1][0]

"""careers.services and selectors: offers refused by French law and bad dates (nothing written), applications (one
per offer, consent dated and withdrawable), decisions and their notifications, places filled, entitlements from
data (certified mark, CV database, priority offers, the internship database), bounded queries."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers import matching, selectors, services
from careers.models import Application, ApplicationMessage, ContactRequest, Offer, OfferRequirement, PriorityPlacement, StoredMatch
from partnerships import entitlements as E
from tests.careers import kit
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rates):
    s = kit.school()
    emp, staff = kit.employer("Sonotec Live")
    return {"school": s, "employer": emp, "staff": staff, "student": kit.student(s)}


# --- offers: French law and dates ----------------------------------------------------------------------------------

def test_the_brief_card_at_600_a_month_is_refused_and_nothing_is_written(world):
    with pytest.raises(services.OfferRefused) as exc:
        services.save_offer(world["employer"], kit.data(pay_monthly=Decimal("600")), by=world["staff"], day=kit.TODAY)
    assert exc.value.status == 422
    assert "682.50 € a month; this offer pays 600 €" in str(exc.value.problems[0])
    assert Offer.objects.count() == 0 and OfferRequirement.objects.count() == 0


@pytest.mark.parametrize("change,expected", [
    ({"end_date": datetime.date(2027, 5, 1)}, "before it starts"),
    ({"start_date": datetime.date(2026, 11, 2), "end_date": datetime.date(2026, 12, 18),
      "expires_on": datetime.date(2026, 12, 1)}, "a date in the past"),
    ({"expires_on": datetime.date(2026, 11, 1)}, "expires on 2026-11-01, a date in the past"),
    ({"start_date": datetime.date(2027, 1, 4), "end_date": datetime.date(2027, 7, 30), "pay_monthly": Decimal(900),
      "expires_on": datetime.date(2026, 12, 20)}, "at most six months"),
    ({"kind": "apprenticeship", "start_date": datetime.date(2027, 9, 1), "end_date": datetime.date(2028, 8, 31),
      "pay_monthly": Decimal(700), "expires_on": datetime.date(2027, 8, 1)}, "43 % of the SMIC"),
])
def test_bad_offers_are_refused_with_the_rule(world, change, expected):
    with pytest.raises(services.OfferRefused) as exc:
        services.save_offer(world["employer"], kit.data(**change), by=world["staff"], day=kit.TODAY)
    assert expected in " ".join(str(p) for p in exc.value.problems)
    assert not Offer.objects.exists()


def test_the_programme_needs_an_apprenticeship_a_track_and_its_floor(world):
    from careers.models import ApprenticeshipProgramme

    p = ApprenticeshipProgramme.objects.get(code="flow-stage-alternance")
    base = dict(kind="apprenticeship", start_date=datetime.date(2027, 9, 1), end_date=datetime.date(2028, 8, 31),
                expires_on=datetime.date(2027, 8, 1), programme=p)
    with pytest.raises(services.OfferRefused) as exc:
        services.save_offer(world["employer"], kit.data(**base, pay_monthly=Decimal(790), track=""), by=world["staff"],
                            day=kit.TODAY)
    text = " ".join(str(x) for x in exc.value.problems)
    assert "Choose the programme track" in text and "at least 800 € a month" in text
    o = services.save_offer(world["employer"], kit.data(**base, pay_monthly=Decimal(850), track="tech"),
                            by=world["staff"], day=kit.TODAY)
    assert o.facts["programme"] is True


def test_another_employers_staff_cannot_save_an_offer(world):
    other_emp, other_staff = kit.employer()
    with pytest.raises(services.CareersError) as exc:
        services.save_offer(world["employer"], kit.data(), by=other_staff, day=kit.TODAY)
    assert exc.value.status == 403


def test_facts_follow_the_offer_and_its_rows(world):
    o = kit.offer(world["employer"], world["staff"])
    assert o.facts["req"][0][:3] == ["mixage facade foh", "Mixage façade (FOH)", 4]
    o = services.save_offer(world["employer"], kit.data(requirements=(("Dante", 3, True, True),)), by=world["staff"],
                            offer=o, day=kit.TODAY)
    assert [r[1] for r in o.facts["req"]] == ["Dante"] and o.requirements.count() == 1


def test_a_skill_listed_twice_is_refused(world):
    with pytest.raises(services.OfferRefused):
        services.save_offer(world["employer"], kit.data(requirements=(("Dante", 3, True, True), ("dante", 2, False, True))),
                            by=world["staff"], day=kit.TODAY)


# --- applications -------------------------------------------------------------------------------------------------

def test_apply_once_with_a_dated_consent(world, mailoutbox, django_capture_on_commit_callbacks):
    o = kit.offer(world["employer"], world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        app = services.apply(o, world["student"], message="Bonjour", consent_parts=["skills", "badges"], day=kit.TODAY)
    assert app.status == "submitted" and app.consent_parts == ["skills", "badges"] and app.consent_given_at
    assert Decimal(90) <= app.score <= 100
    assert mailoutbox[-1].to == [world["staff"].email] and "Nouvelle candidature" in mailoutbox[-1].subject
    with pytest.raises(services.CareersError) as exc:
        services.apply(o, world["student"], message="Encore", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 409 and "une candidature par offre" in exc.value.message
    assert Application.objects.count() == 1


@pytest.mark.parametrize("state", ["closed", "filled", "draft", "expired"])
def test_applying_to_a_closed_filled_draft_or_expired_offer_is_refused(world, state):
    o = kit.offer(world["employer"], world["staff"], publish=state != "draft")
    if state in ("closed", "filled"):
        Offer.objects.filter(pk=o.pk).update(status=state)
    if state == "expired":
        Offer.objects.filter(pk=o.pk).update(expires_on=datetime.date(2026, 11, 29))
    with pytest.raises(services.CareersError) as exc:
        services.apply(Offer.objects.get(pk=o.pk), world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 409
    assert not Application.objects.exists()


def test_only_students_apply_and_unknown_consent_parts_are_refused(world):
    o = kit.offer(world["employer"], world["staff"])
    with pytest.raises(services.CareersError) as exc:
        services.apply(o, world["staff"], message="x", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 403
    with pytest.raises(services.CareersError) as exc:
        services.apply(o, world["student"], message="x", consent_parts=["everything"], day=kit.TODAY)
    assert exc.value.status == 422
    with pytest.raises(services.CareersError) as exc:
        services.apply(o, world["student"], message="   ", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 422


def test_withdraw_while_pending_only_and_consent_withdrawal_hides_the_profile(world):
    o = kit.offer(world["employer"], world["staff"], places=2)
    app = services.apply(o, world["student"], message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.withdraw_consent(app, world["student"])
    app.refresh_from_db()
    assert app.consent_withdrawn_at and app.visible_parts() == set()
    row = selectors.applicants(o, "en")[0]
    assert row.shared["parts"] == set() and row.badges == []
    other = kit.student(world["school"])
    app2 = services.apply(o, other, message="Bonjour", consent_parts=[], day=kit.TODAY)
    services.decide(app2, by=world["staff"], action="accept")
    with pytest.raises(services.CareersError) as exc:
        services.withdraw(app2, other)
    assert exc.value.status == 409
    assert services.withdraw(app, world["student"]).status == "withdrawn"
    with pytest.raises(services.CareersError):
        services.withdraw(app, make_user("student"))  # someone else's


def test_decisions_tell_the_student_and_the_last_place_fills_the_offer(world, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    o = kit.offer(world["employer"], world["staff"])
    a1 = services.apply(o, world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    s2 = kit.student(world["school"])
    s2.preferred_language = "en"
    s2.save()
    a2 = services.apply(o, s2, message="Hello", consent_parts=[], day=kit.TODAY)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(a1, by=world["staff"], action="shortlist")
    assert mailoutbox[-1].to == [world["student"].email] and "Présélectionnée" in mailoutbox[-1].subject
    with pytest.raises(services.CareersError) as exc:
        services.decide(a2, by=world["staff"], action="decline", reason="  ")
    assert exc.value.status == 422
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(a1, by=world["staff"], action="accept", message="Bienvenue !")
    o.refresh_from_db()
    a2.refresh_from_db()
    assert o.status == "filled" and a2.status == "declined" and "filled" in a2.decision_reason
    assert ApplicationMessage.objects.get(application=a1).body == "Bienvenue !"
    english = [m for m in mailoutbox if m.to == [s2.email]]
    assert english and "Declined" in english[-1].subject and "Every place" in english[-1].body
    with pytest.raises(services.CareersError) as exc:
        services.apply(o, kit.student(world["school"]), message="x", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 409


def test_an_employer_cannot_decide_on_another_employers_application(world):
    o = kit.offer(world["employer"], world["staff"])
    app = services.apply(o, world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    _other, other_staff = kit.employer()
    with pytest.raises(services.CareersError) as exc:
        services.decide(app, by=other_staff, action="accept")
    assert exc.value.status == 404
    assert selectors.application_for_employer(other_staff, app.pk) is None
    assert selectors.application_of_student(kit.student(world["school"]), app.pk) is None


def test_an_accepted_apprentice_is_paid_at_least_their_legal_minimum(world):
    o = kit.offer(world["employer"], world["staff"], kind="apprenticeship", start_date=datetime.date(2027, 9, 1),
                  end_date=datetime.date(2028, 8, 31), expires_on=datetime.date(2027, 8, 1), pay_monthly=Decimal(850))
    services.save_career_profile(world["student"], birth_date=datetime.date(2005, 3, 1))  # 22 at the start
    app = services.apply(o, world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    assert selectors.applicants(o, "en")[0].minimum.amount == Decimal("966.21")
    services.decide(app, by=world["staff"], action="accept")
    app.refresh_from_db()
    assert app.monthly_pay == Decimal("966.21")


def test_messages_go_both_ways(world, mailoutbox, django_capture_on_commit_callbacks):
    o = kit.offer(world["employer"], world["staff"])
    app = services.apply(o, world["student"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(app, author=world["staff"], body="Disponible jeudi ?")
        services.send_message(app, author=world["student"], body="Oui")
    assert [m.to for m in mailoutbox] == [[world["student"].email], [world["staff"].email]]
    with pytest.raises(services.CareersError) as exc:
        services.send_message(app, author=make_user("student"), body="Intrus")
    assert exc.value.status == 404


def test_contact_the_school_referent_with_the_offer(world, mailoutbox, django_capture_on_commit_callbacks):
    o = kit.offer(world["employer"], world["staff"])
    referent = kit.staff_of(world["school"])
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_school(world["student"], o, message="Est-ce un bon stage ?")
    assert ContactRequest.objects.get().school == world["school"]
    assert mailoutbox[-1].to == [referent.email] and f"/careers/offers/{o.pk}/" in mailoutbox[-1].body
    assert selectors.school_careers(world["school"])["contacts"][0].message == "Est-ce un bon stage ?"
    with pytest.raises(services.CareersError) as exc:
        services.contact_school(kit.student(None), o, message="?")
    assert exc.value.status == 409


# --- entitlements and products from data ----------------------------------------------------------------------------

def test_the_certified_partner_mark_comes_from_data(world):
    emp = world["employer"]
    assert emp.pk not in selectors.certified_employer_ids(kit.TODAY)
    services.mark_partner_employer(world["school"], emp, by=kit.staff_of(world["school"]), since=kit.TODAY)
    assert emp.pk in selectors.certified_employer_ids(kit.TODAY)
    lapsed = kit.school(codes=())
    lapsed.partnerships.update(status="lapsed")
    other, _s = kit.employer()
    services.mark_partner_employer(lapsed, other, by=kit.staff_of(lapsed), since=kit.TODAY)
    assert other.pk not in selectors.certified_employer_ids(kit.TODAY)  # the school's partnership is not live
    contracted, _s = kit.employer(contracts=[("cvtheque_access", 1, datetime.date(2026, 3, 1))])
    expired, _s = kit.employer(contracts=[("cvtheque_access", 1, datetime.date(2025, 3, 1))])
    ids = selectors.certified_employer_ids(kit.TODAY)
    assert contracted.pk in ids and expired.pk not in ids
    with pytest.raises(services.CareersError):
        services.mark_partner_employer(world["school"], other, by=make_user("school_staff"))


def test_the_cv_database_opens_with_the_contract(world):
    with_cv, _s = kit.employer(contracts=[("cvtheque_access", 1, datetime.date(2026, 3, 1))])
    assert selectors.cv_database_access(with_cv, kit.TODAY) and not selectors.cv_database_access(world["employer"])
    services.save_career_profile(world["student"], cv_visible=True, cv_parts=["skills"])
    hidden = kit.student(world["school"])
    rows = selectors.cv_database()
    assert [r["user"] for r in rows] == [world["student"]] and rows[0]["shared"]["parts"] == {"skills"}
    assert hidden not in [r["user"] for r in rows]


def test_priority_offers_use_the_contracts_and_come_first_for_matching_students(world):
    emp, staff = kit.employer(contracts=[("priority_offer", 1, datetime.date(2026, 10, 1))])
    best = kit.offer(world["employer"], world["staff"])
    weaker = kit.offer(emp, staff, title="Technicien plateau", specialisation="stage", genres=("jazz",))
    with pytest.raises(services.CareersError) as exc:
        services.boost_offer(best, by=world["staff"], day=kit.TODAY)
    assert exc.value.status == 402
    services.boost_offer(weaker, by=staff, day=kit.TODAY)
    other = kit.offer(emp, staff, title="Autre")
    with pytest.raises(services.CareersError):
        services.boost_offer(other, by=staff, day=kit.TODAY)  # the contract had one placement
    rows = selectors.ranking(world["student"], day=kit.TODAY).rows
    assert rows[0].offer.id == weaker.pk and rows[0].priority and rows[0].score < rows[1].score
    assert PriorityPlacement.objects.get().ends_on == kit.TODAY + datetime.timedelta(days=29)


def test_the_internship_database_entitlement_opens_the_partner_employers_offers(world):
    services.mark_partner_employer(world["school"], world["employer"], by=kit.staff_of(world["school"]), since=kit.TODAY)
    partner_offer = kit.offer(world["employer"], world["staff"])
    open_emp, open_staff = kit.employer()
    open_offer = kit.offer(open_emp, open_staff, title="Offre ouverte")
    without = kit.student(kit.school(codes=(E.PRIORITY_JOB_ACCESS,)))  # only the database is missing
    ids = lambda user: {r.offer.id for r in selectors.ranking(user, selectors.Filters(show_all=True)).rows}  # noqa
    assert ids(world["student"]) == {partner_offer.pk, open_offer.pk}
    assert ids(without) == {open_offer.pk}
    assert not selectors.can_see_offer(without, partner_offer)
    with pytest.raises(services.CareersError) as exc:
        services.apply(partner_offer, without, message="x", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 404


def test_programme_offers_need_the_apprenticeship_programme_entitlement(world):
    from careers.models import ApprenticeshipProgramme

    o = kit.offer(world["employer"], world["staff"], kind="apprenticeship", start_date=datetime.date(2027, 9, 1),
                  end_date=datetime.date(2028, 8, 31), expires_on=datetime.date(2027, 8, 1), pay_monthly=Decimal(850),
                  programme=ApprenticeshipProgramme.objects.get(), track="tech")
    without = kit.student(kit.school(codes=(E.INTERNSHIP_DATABASE, E.PRIORITY_JOB_ACCESS)))
    assert selectors.can_see_offer(world["student"], o) and not selectors.can_see_offer(without, o)


# --- rankings, bounded queries, the nightly recomputation -----------------------------------------------------------

def test_ranking_reads_a_bounded_number_of_queries_and_no_offer_row_when_warm(world):
    for i in range(5):
        kit.offer(world["employer"], world["staff"], title=f"Offre {i}")
    selectors.ranking(world["student"], day=kit.TODAY)  # cold: parses the facts
    with CaptureQueriesContext(connection) as warm:
        r = selectors.ranking(world["student"], day=kit.TODAY)
    for i in range(20):
        kit.offer(world["employer"], world["staff"], title=f"Plus {i}")
    selectors.ranking(world["student"], day=kit.TODAY)
    with CaptureQueriesContext(connection) as warm_more:
        r2 = selectors.ranking(world["student"], day=kit.TODAY)
    assert len(r.rows) == 5 and len(r2.rows) == 25
    assert len(warm) == len(warm_more) <= 20
    assert not any("careers_offer" in q["sql"] and "facts" in q["sql"] for q in warm.captured_queries)


def test_an_offer_change_is_seen_by_the_next_ranking(world):
    o = kit.offer(world["employer"], world["staff"])
    before = selectors.ranking(world["student"], day=kit.TODAY).rows[0].score
    services.save_offer(world["employer"], kit.data(requirements=(("Dante", 5, True, True),)), by=world["staff"],
                        offer=o, day=kit.TODAY)
    after = selectors.ranking(world["student"], day=kit.TODAY).rows[0].score
    assert after < before


def test_other_students_see_other_rankings(world):
    emp, staff = world["employer"], world["staff"]
    kit.offer(emp, staff)
    light = kit.offer(emp, staff, title="Pupitreur lumière", specialisation="lighting", sector="theatre",
                      requirements=(("DMX", 4, True, False),), genres=("theatre",))
    lighting_student = kit.student(world["school"], fits=False, domain="lighting")
    from lms.accounts import services as account_services

    p = account_services.get_or_create_profile(lighting_student)
    account_services.set_skill_level(p, "DMX", 4)
    assert selectors.ranking(world["student"], selectors.Filters(show_all=True)).rows[0].offer.title == \
        "Assistant Ingénieur FOH"
    assert selectors.ranking(lighting_student, selectors.Filters(show_all=True)).rows[0].offer.id == light.pk


def test_recompute_matches_keeps_each_students_top_in_chunks(world, django_assert_max_num_queries):
    for i in range(3):
        kit.offer(world["employer"], world["staff"], title=f"Offre {i}")
    students = [kit.student(world["school"]) for _ in range(4)] + [world["student"]]
    run = services.recompute_matches(chunk_size=2, top=2, day=kit.TODAY)
    assert (run.students, run.offers, run.pairs) == (5, 3, 15) and run.stored == 10 and run.peak_memory_kb > 0
    assert StoredMatch.objects.filter(student=students[0]).count() == 2
    again = services.recompute_matches(chunk_size=2, top=2, day=kit.TODAY)
    assert again.stored == 10 and StoredMatch.objects.count() == 10
    block = selectors.dashboard_block(world["student"], "en")
    assert len(block["top"]) == 2 and block["matches"] is None


def test_rates_are_read_from_the_tables_an_added_year_applies(world):
    from careers.models import InternshipRate

    InternshipRate.objects.create(valid_from=datetime.date(2027, 1, 1), hourly_ceiling=Decimal("31"),
                                  percent=Decimal(15), source="test")
    with pytest.raises(services.OfferRefused) as exc:
        services.save_offer(world["employer"], kit.data(pay_monthly=Decimal("690")), by=world["staff"], day=kit.TODAY)
    assert "4.65 € per hour" in str(exc.value.problems[0])


def test_matching_facts_of_the_student_come_from_every_app(world):
    from badges import services as badge_services
    from badges.models import Achievement

    ach = Achievement.objects.create(slug="rigging", name="Rigging")
    badge_services.issue_credential(world["student"], ach, notify=False)
    facts = selectors.student_facts(world["student"])
    assert facts.credentials == {ach.pk} and facts.fields >= {"sound"} and facts.postcode == "75020"
    assert facts.skills[matching.normalise("Pro Tools")] == 4 and facts.languages["english"] == 4

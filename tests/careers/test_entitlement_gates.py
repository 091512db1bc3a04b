"""The tier entitlements careers gates (issue 12, "every tier entitlement does something a school can see"):
priority access to job offers (the students of entitled schools see a new offer from the day it is published, the
others 7 days later: ranking, offer page, applying, the API, the nightly matching) and supervised internships (the
mid-term evaluation, its reminders, the call request and the follow-up page only for entitled schools), each with
and without, and the reason shown or answered."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from careers import followup, selectors, services
from careers.models import MidtermEvaluation, Offer, StoredMatch
from partnerships import entitlements as E
from partnerships.models import Entitlement
from tests.careers import kit
from tests.careers.test_followup import MIDPOINT, _input, world  # noqa: F401 - the follow-up's world fixture

pytestmark = pytest.mark.django_db


def _drop(school, code):
    """The school's tier stops granting ``code`` (tiers are data)."""
    school.partnerships.get().tier.entitlements.remove(Entitlement.objects.get(code=code))


# --- priority access to job offers ------------------------------------------------------------------------------

@pytest.fixture
def fresh(rates):
    """An offer published on kit.TODAY, a student whose school has priority access and one whose school has not."""
    emp, staff = kit.employer()
    offer = kit.offer(emp, staff)
    Offer.objects.filter(pk=offer.pk).update(
        published_at=timezone.make_aware(datetime.datetime.combine(kit.TODAY, datetime.time(9))),
        updated_at=timezone.now())
    selectors.forget_live_offers()
    with_priority = kit.student(kit.school())
    without = kit.student(kit.school(codes=(E.INTERNSHIP_DATABASE, E.APPRENTICESHIP_PROGRAMME)))
    return {"offer": Offer.objects.get(pk=offer.pk), "with": with_priority, "without": without}


def _ids(user, day=kit.TODAY):
    return {r.offer.id for r in selectors.ranking(user, selectors.Filters(show_all=True), day=day).rows}


def test_a_new_offer_is_seen_first_by_the_students_of_schools_with_priority_access(fresh):
    o = fresh["offer"]
    assert o.pk in _ids(fresh["with"])
    assert o.pk not in _ids(fresh["without"])
    assert selectors.ranking(fresh["without"], day=kit.TODAY).embargoed == 1
    assert selectors.ranking(fresh["with"], day=kit.TODAY).embargoed == 0
    six, seven = kit.TODAY + datetime.timedelta(days=6), kit.TODAY + datetime.timedelta(days=7)
    assert o.pk not in _ids(fresh["without"], six) and o.pk in _ids(fresh["without"], seven)
    from django.utils import translation

    with translation.override("en"):  # the entitlements table states the same window
        assert selectors.PRIORITY_ACCESS_DAYS == 7 and "7 days" in str(E.WHAT[E.PRIORITY_JOB_ACCESS][1])


def test_applying_before_the_day_is_a_403_with_the_date_then_it_opens(fresh):
    o = fresh["offer"]
    with pytest.raises(services.CareersError) as exc:
        services.apply(o, fresh["without"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 403 and "priority access" in exc.value.english and "2026-12-07" in exc.value.english
    assert not o.applications.exists()
    services.apply(o, fresh["with"], message="Bonjour", consent_parts=[], day=kit.TODAY)
    later = kit.TODAY + datetime.timedelta(days=7)
    services.apply(o, fresh["without"], message="Bonjour", consent_parts=[], day=later)
    assert o.applications.count() == 2


def test_pages_and_api_say_why(fresh, client, monkeypatch):
    o = fresh["offer"]
    client.force_login(fresh["without"])
    r = client.get(f"/careers/offers/{o.pk}/")
    assert r.status_code == 403 and "accès prioritaire" in r.content.decode()
    page = client.get("/careers/")
    assert page.status_code == 200 and 'data-testid="priority-embargo"' in page.content.decode()
    api = client.get(f"/api/v1/careers/offers/{o.pk}")
    assert api.status_code == 403 and "priority access" in api.json()["detail"]
    assert o.pk not in [x["id"] for x in client.get("/api/v1/careers/offers").json()["offers"]]
    client.force_login(fresh["with"])
    assert client.get(f"/careers/offers/{o.pk}/").status_code == 200
    assert client.get(f"/api/v1/careers/offers/{o.pk}").status_code == 200
    assert 'data-testid="priority-embargo"' not in client.get("/careers/").content.decode()


def test_an_offer_hidden_for_another_reason_stays_a_404(fresh):
    """The embargo is told only when it is the one reason: a partner employer's offer, hidden from a school without
    the internship database, is a plain 404 (no date), even in its first week."""
    student = kit.student(kit.school(codes=()))
    other = kit.school()
    services.mark_partner_employer(other, fresh["offer"].employer, by=kit.staff_of(other), since=kit.TODAY)
    assert selectors.embargo_of(student, fresh["offer"], kit.TODAY) is None
    with pytest.raises(services.CareersError) as exc:
        services.apply(fresh["offer"], student, message="Bonjour", consent_parts=[], day=kit.TODAY)
    assert exc.value.status == 404


def test_the_nightly_matching_respects_the_priority_window(fresh):
    o = fresh["offer"]
    services.recompute_matches(day=kit.TODAY, user_ids=[fresh["with"].pk, fresh["without"].pk])
    assert StoredMatch.objects.filter(student=fresh["with"], offer=o).exists()
    assert not StoredMatch.objects.filter(student=fresh["without"], offer=o).exists()
    services.recompute_matches(day=kit.TODAY + datetime.timedelta(days=7), user_ids=[fresh["without"].pk])
    assert StoredMatch.objects.filter(student=fresh["without"], offer=o).exists()


# --- supervised internships --------------------------------------------------------------------------------------

def test_without_supervision_no_midterm_evaluation_is_opened_and_with_it_one_is(world, django_capture_on_commit_callbacks):  # noqa: F811
    _drop(world["school"], E.SUPERVISED_INTERNSHIPS)
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.open_midterm_evaluations(MIDPOINT) == 0
    assert not MidtermEvaluation.objects.exists() and not mail.outbox
    world["school"].partnerships.get().tier.entitlements.add(Entitlement.objects.get(code=E.SUPERVISED_INTERNSHIPS))
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.open_midterm_evaluations(MIDPOINT) == 1
    assert MidtermEvaluation.objects.filter(agreement=world["agreement"]).exists()


def test_a_school_losing_supervision_stops_the_evaluation_reminders_and_calls(world, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        followup.open_midterm_evaluations(MIDPOINT)
    ev = MidtermEvaluation.objects.get()
    _drop(world["school"], E.SUPERVISED_INTERNSHIPS)
    with pytest.raises(services.CareersError) as exc:
        followup.submit_by_account(world["agreement"], _input(), by=world["staff"])
    assert exc.value.status == 403 and "supervised internships" in exc.value.english
    with pytest.raises(services.CareersError) as exc:
        followup.request_call(world["agreement"], by=world["referent"], note="Appel ?")
    assert exc.value.status == 403
    MidtermEvaluation.objects.filter(pk=ev.pk).update(sent_at=timezone.now() - datetime.timedelta(days=9))
    assert followup.send_midterm_reminders() == 0
    assert MidtermEvaluation.objects.get().status == "pending"


def test_follow_up_page_agreement_page_and_api_say_why(world, client):  # noqa: F811
    a = world["agreement"]
    client.force_login(world["student"])
    assert client.get(f"/careers/agreements/{a.pk}/follow-up/").status_code == 200
    ok = client.get(f"/api/v1/careers/agreements/{a.pk}/follow-up")
    assert ok.status_code == 200 and ok.json()["objectives"] == 2
    _drop(world["school"], E.SUPERVISED_INTERNSHIPS)
    r = client.get(f"/careers/agreements/{a.pk}/follow-up/")
    assert r.status_code == 403 and 'data-testid="not-supervised"' in r.content.decode()
    assert "stages supervisés" in r.content.decode()
    page = client.get(f"/careers/agreements/{a.pk}/")
    assert page.status_code == 200 and 'data-testid="not-supervised"' in page.content.decode()
    api = client.get(f"/api/v1/careers/agreements/{a.pk}/follow-up")
    assert api.status_code == 403 and "supervised internships" in api.json()["detail"]
    client.force_login(kit.student(kit.school()))  # not a party: 404, not the reason
    assert client.get(f"/api/v1/careers/agreements/{a.pk}/follow-up").status_code == 404


def test_the_entitlements_table_says_what_each_feature_unlocks(client):
    s = kit.school(codes=(E.PRIORITY_JOB_ACCESS,))
    staff = kit.staff_of(s)
    for code in (E.FREE_STUDENT_ACCESS, E.CURRICULUM_INTEGRATION, E.SUPERVISED_INTERNSHIPS):
        Entitlement.objects.get_or_create(code=code, defaults={"name": code})
    client.force_login(staff)
    r = client.get(f"/schools/{s.slug}/services/")
    html = r.content.decode()
    assert r.status_code == 200
    assert all(E.WHAT[c][0] == E.FEATURE for c in (E.FREE_STUDENT_ACCESS, E.CURRICULUM_INTEGRATION,
                                                    E.PRIORITY_JOB_ACCESS, E.SUPERVISED_INTERNSHIPS))
    assert "7 jours plus tard" in html  # priority access, in French (the default language)
    assert "évaluation de mi-parcours" in html  # supervised internships
    assert "0 €" in html  # free student access
    assert "toute la promotion" in html  # curriculum integration

"""Follow-up during the internship (careers/followup.py): the mid-term evaluation opened once at the midpoint by the
daily task and e-mailed to the tutor in their language, its weekly bounded reminders, the form through the link
(expired 410, another agreement 403, twice 409, bad rating 422) or an account, the referent's call request; the
student's contacts log; the follow-up page (bounded queries, who may read it)."""
import datetime
import html
import re

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careers import followup, selectors, services, tasks
from careers.models import (
    Agreement, Application, CallRequest, MidtermEvaluation, MidtermReminder, ProfessionalContact, TutorLink,
)
from tests.careers import kit
from tests.careers.test_agreements import terms

pytestmark = pytest.mark.django_db

MIDPOINT = datetime.date(2027, 6, 16)  # 2027-05-03 → 2027-07-30
DURING = datetime.date(2027, 6, 20)
TUTOR = "jean.martin@sonotec.example"


@pytest.fixture
def world(rates):
    s = kit.school()
    referent = kit.staff_of(s)
    emp, staff = kit.employer("Sonotec Live")
    offer = kit.offer(emp, staff)
    student = kit.student(s)
    app = services.apply(offer, student, message="Bonjour", consent_parts=["skills"], day=kit.TODAY)
    services.decide(app, by=staff, action="accept", day=kit.TODAY)
    agreement = services.create_agreement(Application.objects.get(pk=app.pk), by=referent)
    agreement = services.update_agreement(agreement, terms(), by=referent)
    services.sign_agreement(agreement, by=student, party="student")
    services.sign_agreement(agreement, by=staff, party="employer")
    services.sign_agreement(agreement, by=referent, party="school")
    mail.outbox.clear()
    return {"school": s, "referent": referent, "employer": emp, "staff": staff, "offer": offer, "student": student,
            "agreement": Agreement.objects.get(pk=agreement.pk)}


def _open(captured, day=MIDPOINT):
    with captured(execute=True):
        return followup.open_midterm_evaluations(day)


def _token() -> str:
    body = next(m.body for m in reversed(mail.outbox) if m.to == [TUTOR])
    return re.search(r"/midterm/tutor/([^/\s]+)/", body).group(1)


def _form(n=2, rating="acquired", **kw):
    data = {f"obj-{i}-rating": rating for i in range(n)}
    data.update({f"obj-{i}-comment": f"commentaire {i}" for i in range(n)})
    data.update(behaviour="acquired", behaviour_comment="Ponctuel", skills="in_progress", skills_comment="Progresse",
                name="Jean Martin")
    data.update(kw)
    return data


def _input(ratings=("acquired", "in_progress")):
    return followup.EvaluationInput(objectives=tuple((r, "") for r in ratings), behaviour=("acquired", ""),
                                    skills=("acquired", ""))


# --- the daily task ------------------------------------------------------------------------------------------------

def test_before_the_midpoint_nothing_is_created(world, django_capture_on_commit_callbacks):
    assert _open(django_capture_on_commit_callbacks, MIDPOINT - datetime.timedelta(days=1)) == 0
    assert not MidtermEvaluation.objects.exists() and not mail.outbox


def test_at_the_midpoint_the_evaluation_is_created_once_and_mailed_to_the_tutor_in_french(
        world, django_capture_on_commit_callbacks):
    assert _open(django_capture_on_commit_callbacks) == 1
    ev = MidtermEvaluation.objects.get(agreement=world["agreement"])
    assert ev.status == "pending" and ev.due_on == MIDPOINT and len(ev.objectives) == 2 and ev.language == "fr"
    tutor_mail = [m for m in mail.outbox if m.to == [TUTOR]]
    assert len(tutor_mail) == 1 and "Évaluation mi-parcours" in tutor_mail[0].subject
    assert f"/careers/agreements/{world['agreement'].pk}/midterm/tutor/" in tutor_mail[0].body
    link = TutorLink.objects.get(agreement=world["agreement"], action="evaluate")
    assert link.sent_to == TUTOR
    # idempotent: the same day, the next day, through the Celery task
    assert _open(django_capture_on_commit_callbacks) == 0
    assert _open(django_capture_on_commit_callbacks, MIDPOINT + datetime.timedelta(days=1)) == 0
    assert MidtermEvaluation.objects.count() == 1 and len([m for m in mail.outbox if m.to == [TUTOR]]) == 1


def test_the_database_refuses_a_second_evaluation_of_an_agreement(world, django_capture_on_commit_callbacks):
    from django.db import IntegrityError, transaction

    _open(django_capture_on_commit_callbacks)
    with pytest.raises(IntegrityError), transaction.atomic():
        MidtermEvaluation.objects.create(agreement=world["agreement"], due_on=MIDPOINT, sent_at=timezone.now())


def test_an_unsigned_or_ended_agreement_gets_no_evaluation(world, django_capture_on_commit_callbacks):
    Agreement.objects.filter(pk=world["agreement"].pk).update(status="draft")
    assert _open(django_capture_on_commit_callbacks) == 0
    Agreement.objects.filter(pk=world["agreement"].pk).update(status="signed")
    assert _open(django_capture_on_commit_callbacks, datetime.date(2027, 7, 31)) == 0
    assert _open(django_capture_on_commit_callbacks) == 1


def test_the_tutors_language_is_their_accounts(world, django_capture_on_commit_callbacks):
    from tests.factories import make_user

    make_user("employer", email=TUTOR, preferred_language="en")
    _open(django_capture_on_commit_callbacks)
    m = next(m for m in mail.outbox if m.to == [TUTOR])
    assert m.subject.startswith("Mid-term evaluation of") and "has reached its midpoint" in m.body


def test_the_beat_task_is_scheduled_daily_and_runs_both_steps(world, monkeypatch):
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["midterm-evaluations"]
    assert entry["task"] == "careers.tasks.midterm_evaluations"
    assert entry["schedule"].hour == {7} and len(entry["schedule"].day_of_month) == 31
    monkeypatch.setattr(selectors, "today", lambda: MIDPOINT)
    assert tasks.midterm_evaluations() == {"opened": 1, "reminded": 0}
    assert tasks.midterm_evaluations() == {"opened": 0, "reminded": 0}


def test_reminders_weekly_bounded_recorded_with_a_fresh_link(world, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    ev = MidtermEvaluation.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.send_midterm_reminders(ev.sent_at + datetime.timedelta(days=6)) == 0
        assert followup.send_midterm_reminders(ev.sent_at + datetime.timedelta(days=7)) == 1
        assert followup.send_midterm_reminders(ev.sent_at + datetime.timedelta(days=8)) == 0  # one a week
    assert len(mail.outbox) == 1 and "Rappel" in mail.outbox[0].subject
    for week in range(2, 10):
        with django_capture_on_commit_callbacks(execute=True):
            followup.send_midterm_reminders(ev.sent_at + datetime.timedelta(days=7 * week))
    ev.refresh_from_db()
    assert ev.reminders == 4 and MidtermReminder.objects.filter(evaluation=ev).count() == 4  # bounded
    assert TutorLink.objects.filter(action="evaluate").count() == 5  # the first and one per reminder
    assert len(mail.outbox) == 4


def test_no_reminder_once_submitted(world, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    ev = MidtermEvaluation.objects.get()
    followup.submit_by_link(_token(), world["agreement"].pk, _input(), name="Jean Martin")
    assert followup.send_midterm_reminders(ev.sent_at + datetime.timedelta(days=8)) == 0


# --- the form through the tutor's link -----------------------------------------------------------------------------

def test_the_tutor_submits_once_through_the_link(world, client, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    url = f"/careers/agreements/{world['agreement'].pk}/midterm/tutor/{_token()}/"
    page = client.get(url)
    text = html.unescape(page.content.decode())
    assert page.status_code == 200 and "Mixer la façade d'un concert seul" in text and "Acquis" in text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, _form(**{"obj-1-rating": "not_yet"}))
    assert r.status_code == 200 and "Merci, Jean Martin" in r.content.decode()
    ev = MidtermEvaluation.objects.get()
    assert ev.status == "submitted" and ev.via == "link" and ev.submitted_by is None
    assert [x["rating"] for x in ev.ratings] == ["acquired", "not_yet"] and ev.skills == "in_progress"
    told = {m.to[0] for m in mail.outbox}
    assert told == {world["student"].email, world["referent"].email}
    again = client.post(url, _form())
    assert again.status_code == 409 and "déjà été soumise" in again.content.decode()
    assert client.get(url).status_code == 409
    assert MidtermEvaluation.history.filter(id=ev.pk).count() == 2  # created, submitted


def test_a_bad_rating_is_refused_with_422_and_nothing_written(world, client, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    url = f"/careers/agreements/{world['agreement'].pk}/midterm/tutor/{_token()}/"
    r = client.post(url, _form(**{"obj-0-rating": "excellent"}))
    assert r.status_code == 422 and "Évaluez l'objectif 1" in html.unescape(r.content.decode())
    r = client.post(url, {k: v for k, v in _form().items() if k != "obj-1-rating" and k != "obj-1-comment"})
    assert r.status_code == 422 and "Évaluez chacun des 2 objectifs" in r.content.decode()
    r = client.post(url, _form(name=" "))
    assert r.status_code == 422
    assert MidtermEvaluation.objects.get().status == "pending"
    assert client.post(url, _form()).status_code == 200


def test_an_expired_link_is_410(world, client, monkeypatch, django_capture_on_commit_callbacks):
    import time

    _open(django_capture_on_commit_callbacks)
    url = f"/careers/agreements/{world['agreement'].pk}/midterm/tutor/{_token()}/"
    later = time.time() + services.TUTOR_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    r = client.post(url, _form())
    assert r.status_code == 410 and "expiré" in r.content.decode()
    assert MidtermEvaluation.objects.get().status == "pending"


def test_the_link_of_another_agreement_or_a_tampered_or_signing_link_is_refused(
        world, client, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    token = _token()
    other = kit.student(world["school"])
    offer2 = kit.offer(world["employer"], world["staff"], title="Régisseur", places=2)
    app2 = services.apply(offer2, other, message="Bonjour", consent_parts=[], day=kit.TODAY)
    services.decide(app2, by=world["staff"], action="accept", day=kit.TODAY)
    a2 = services.create_agreement(Application.objects.get(pk=app2.pk), by=world["referent"])
    r = client.post(f"/careers/agreements/{a2.pk}/midterm/tutor/{token}/", _form())
    assert r.status_code == 403 and "une autre convention" in r.content.decode()
    a = world["agreement"].pk
    assert client.get(f"/careers/agreements/{a}/midterm/tutor/{token[:-2]}xx/").status_code == 400
    link = TutorLink.objects.get(action="evaluate")
    sign_token = signing.dumps({"a": a, "l": link.pk, "act": "sign", "h": link.document_hash},
                               salt=services.TUTOR_LINK_SALT)
    assert client.get(f"/careers/agreements/{a}/midterm/tutor/{sign_token}/").status_code == 400
    # and the evaluation link does not sign the agreement
    assert client.get(f"/careers/agreements/tutor/{token}/").status_code == 400
    assert MidtermEvaluation.objects.get().status == "pending"


# --- the tutor with an account, the referent's call ----------------------------------------------------------------

def test_the_hosts_staff_see_pending_evaluations_and_submit_from_their_account(
        world, client, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    client.force_login(world["staff"])
    home = client.get("/careers/employer/").content.decode()
    assert "évaluation mi-parcours à remplir" in home and f"/careers/agreements/{world['agreement'].pk}/midterm/" in home
    url = f"/careers/agreements/{world['agreement'].pk}/midterm/"
    assert client.get(url).status_code == 200
    r = client.post(url, _form(**{"obj-0-rating": "bad"}))
    assert r.status_code == 422
    assert client.post(url, _form()).status_code == 302
    ev = MidtermEvaluation.objects.get()
    assert ev.via == "account" and ev.submitted_by == world["staff"]
    assert client.post(url, _form()).status_code == 409
    assert "évaluation mi-parcours à remplir" not in client.get("/careers/employer/").content.decode()
    with pytest.raises(services.CareersError) as exc:  # another employer's staff are not the host
        followup.submit_by_account(world["agreement"], _input(), by=kit.employer()[1])
    assert exc.value.status == 403


def test_the_referent_requests_a_call_the_tutor_and_the_student_are_told(
        world, client, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    followup.submit_by_link(_token(), world["agreement"].pk, _input(), name="Jean Martin")
    url = f"/careers/agreements/{world['agreement'].pk}/midterm/call/"
    client.force_login(world["student"])
    assert client.post(url, {"note": "x"}).status_code == 403
    client.force_login(world["referent"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"note": "Mardi 14 h ?"})
    assert r.status_code == 302
    call = CallRequest.objects.get()
    assert call.requested_by == world["referent"] and call.note == "Mardi 14 h ?"
    assert {m.to[0] for m in mail.outbox} == {world["student"].email, TUTOR}
    assert all("demande un appel" in m.subject for m in mail.outbox)
    assert client.post(url, {"note": "x" * 1001}).status_code == 422


# --- contacts -------------------------------------------------------------------------------------------------------

def _contact(**kw):
    base = dict(name="Léa Roux", role="Régisseuse générale", organisation="Le Trabendo",
                met_on=datetime.date(2026, 11, 20), how_met="event", email="lea@trabendo.example",
                linkedin_url="https://www.linkedin.com/in/learoux", on_profile=True)
    base.update(kw)
    return followup.ContactData(**base)


@pytest.mark.parametrize("kw,reason", [
    ({"name": " "}, "Write the name."), ({"organisation": ""}, "Write the organisation."),
    ({"email": "pas-une-adresse"}, "not valid"), ({"linkedin_url": "http://www.linkedin.com/in/x"}, "https"),
    ({"linkedin_url": "https://linkedin.com.evil.example/in/x"}, "linkedin.com"),
    ({"met_on": datetime.date(2026, 12, 1)}, "past date"), ({"how_met": "dream"}, "Unknown way"),
    ({"role": "r" * 121}, "longer than 120"),
])
def test_a_contact_with_bad_data_is_refused_422(world, kw, reason):
    with pytest.raises(services.CareersError) as exc:
        followup.save_contact(world["student"], _contact(**kw))
    assert exc.value.status == 422 and reason in exc.value.english
    assert not ProfessionalContact.objects.exists()


def test_contacts_are_the_students_alone(world, client):
    c = followup.save_contact(world["student"], _contact())
    assert followup.check_linkedin("https://fr.linkedin.com/in/x")
    other = kit.student(world["school"])
    client.force_login(other)
    assert client.get(f"/careers/contacts/{c.pk}/edit/").status_code == 404
    assert client.post(f"/careers/contacts/{c.pk}/delete/").status_code == 404
    assert "Léa Roux" not in client.get("/careers/contacts/").content.decode()
    with pytest.raises(services.CareersError) as exc:
        followup.save_contact(other, _contact(name="Volé"), contact=c)
    assert exc.value.status == 404
    client.force_login(world["referent"])
    assert client.get("/careers/contacts/").status_code == 403
    client.force_login(world["student"])
    r = client.post(f"/careers/contacts/{c.pk}/edit/", {"name": "Léa Roux", "role": "Directrice technique",
                                                        "organisation": "Le Trabendo", "how_met": "event",
                                                        "met_on": "2026-11-20", "linkedin_url": "javascript:alert(1)"})
    assert r.status_code == 422
    r = client.post(f"/careers/contacts/{c.pk}/edit/", {"name": "Léa Roux", "role": "Directrice technique",
                                                        "organisation": "Le Trabendo", "how_met": "event",
                                                        "met_on": "2026-11-20"})
    assert r.status_code == 302 and ProfessionalContact.objects.get().role == "Directrice technique"
    assert client.post(f"/careers/contacts/{c.pk}/delete/").status_code == 302
    assert not ProfessionalContact.objects.exists()


def test_a_contact_added_to_connections_shows_on_the_profile(world, client):
    followup.save_contact(world["student"], _contact())
    followup.save_contact(world["student"], _contact(name="Hors profil", on_profile=False))
    client.force_login(world["student"])
    r = client.post("/careers/contacts/", {"name": "Paul Girard", "role": "Backliner", "organisation": "Sonotec Live",
                                           "how_met": "internship", "met_on": "2026-11-25", "on_profile": "on"})
    assert r.status_code == 302 and ProfessionalContact.objects.count() == 3
    text = client.get("/profile/").content.decode()
    assert "2 contacts professionnels" in text and "Léa Roux" in text and "Hors profil" not in text


def test_personal_data_export_and_erasure_hold_the_contacts(world, django_capture_on_commit_callbacks):
    from careers import personal_data

    followup.save_contact(world["student"], _contact())
    _open(django_capture_on_commit_callbacks)
    data = personal_data.export(world["student"])
    assert data["professional_contacts"][0]["name"] == "Léa Roux" and len(data["midterm_evaluations"]) == 1
    done = personal_data.anonymise(world["student"])
    assert done["professional_contacts"] == 1 and not ProfessionalContact.objects.exists()
    assert MidtermEvaluation.objects.count() == 1  # the school's record stays


# --- the follow-up page ---------------------------------------------------------------------------------------------

def _snapshots(user):
    from lms.accounts.models import ReadinessSnapshot

    for month, score in [(datetime.date(2026, 9, 1), 33), (datetime.date(2027, 3, 1), 60),
                         (datetime.date(2027, 6, 1), 78)]:
        ReadinessSnapshot.objects.create(user=user, month=month, score=score)


def test_the_followup_figures_come_from_the_records(world, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    followup.submit_by_link(_token(), world["agreement"].pk, _input(("acquired", "in_progress")), name="Jean")
    for i, day in enumerate([datetime.date(2027, 5, 3), datetime.date(2027, 6, 1), datetime.date(2027, 6, 20)]):
        followup.save_contact(world["student"], _contact(name=f"C{i}", met_on=day), today=DURING)
    followup.save_contact(world["student"], _contact(name="Avant", met_on=datetime.date(2027, 4, 1)), today=DURING)
    _snapshots(world["student"])
    f = selectors.followup(world["agreement"], DURING)
    assert f["met"] == (1, 2) and f["submitted"]
    assert [c.name for c in f["contacts"]] == ["C2", "C1", "C0"]
    assert f["readiness"]["score"] == 78 and f["readiness"]["change"] == 45  # the brief's "78/100 (+45)"
    assert f["readiness"]["since"] == datetime.date(2026, 9, 1) and f["readiness"]["signed_change"] == "+45"
    f = selectors.followup(world["agreement"], datetime.date(2026, 11, 30))  # before the internship
    assert f["contacts"] == [] and f["met"] == (1, 2) and f["readiness"]["score"] == 33
    f = selectors.followup(world["agreement"], datetime.date(2027, 9, 20))  # a new academic year, no snapshot in it
    assert f["readiness"]["score"] == 78 and f["readiness"]["change"] is None and len(f["contacts"]) == 3


def test_the_followup_page_query_count_is_bounded(world, client, monkeypatch, django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    monkeypatch.setattr(selectors, "today", lambda: DURING)
    _snapshots(world["student"])
    client.force_login(world["student"])
    url = f"/careers/agreements/{world['agreement'].pk}/follow-up/"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = count()
    for i in range(25):
        followup.save_contact(world["student"], _contact(name=f"C{i}", met_on=datetime.date(2027, 5, 10)),
                              today=DURING)
    followup.submit_by_link(_token(), world["agreement"].pk, _input(), name="Jean")
    for _i in range(3):
        followup.request_call(world["agreement"], by=world["referent"], note="appel")
    many = count()
    assert many <= few + 1, (few, many)  # the call requests' query appears once there is an evaluation
    assert many <= 16


def test_the_followup_page_shows_the_figures_in_french_and_english(world, client, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    _open(django_capture_on_commit_callbacks)
    followup.submit_by_link(_token(), world["agreement"].pk, _input(("acquired", "acquired")), name="Jean Martin")
    monkeypatch.setattr(selectors, "today", lambda: DURING)
    followup.save_contact(world["student"], _contact(met_on=datetime.date(2027, 6, 2)), today=DURING)
    client.force_login(world["student"])
    url = f"/careers/agreements/{world['agreement'].pk}/follow-up/"
    fr = client.get(url).content.decode()
    assert "2/2" in fr and "objectifs atteints" in fr and "Léa Roux" in fr and "Acquis" in fr
    en = client.get("/en" + url).content.decode()
    assert "objectives met" in en and "contact made during the internship" in en
    assert f"/careers/agreements/{world['agreement'].pk}/follow-up/" in client.get("/student/").content.decode()
    assert "/follow-up/" in client.get(f"/careers/agreements/{world['agreement'].pk}/").content.decode()


def test_who_reads_the_followup_page(world, client):
    url = f"/careers/agreements/{world['agreement'].pk}/follow-up/"
    other_school = kit.school()
    attackers = {"another school's staff": (kit.staff_of(other_school), 404),
                 "another student of the same school": (kit.student(world["school"]), 404),
                 "another school's student": (kit.student(other_school), 404),
                 "another employer": (kit.employer()[1], 404),
                 "the host's staff": (world["staff"], 403)}
    for who, (user, status) in attackers.items():
        client.force_login(user)
        r = client.get(url)
        assert r.status_code == status, who
        assert world["student"].last_name not in r.content.decode(), who
        assert client.post(f"/careers/agreements/{world['agreement'].pk}/midterm/call/").status_code in (403, 404)
    for user in (world["student"], world["referent"], kit.staff_of(world["school"])):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302

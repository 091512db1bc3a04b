"""High 3: school staff could pull any account into their cohort and read its data.

Reproduced on the old main: staff of school B enrolled a student of school A and an employer account into
a B cohort (form and CSV import), then exported that student's marks; the employer silently became a
student; the import preview told whether an e-mail had an account. Now: only students of the cohort's own
school join at once; everyone else joins by accepting an e-mailed, single-use, expiring invitation; the
preview reads the same whatever the account; memberships and invitations keep their history."""
import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lms.accounts.models import User
from partnerships import services
from partnerships.models import CohortInvitation, CohortMembership
from tests.dashboards.conftest import fake_selectors  # noqa: F401  (fixture)
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_of_a(cohort_a):
    # a name of its own: the factory's random names once gave the school B staff member the same last name, and the
    # dashboard's header (the staff member's name) then "showed" the student's
    user = make_user("student", email="lea.femis@example.test", first_name="Léa", last_name="Quintanilha-Orsoni")
    CohortMembership.objects.create(cohort=cohort_a, user=user)
    return user


@pytest.fixture
def employer():
    return make_user("employer", email="boss@sonotec.test")


def _upload(client, cohort, text):
    return client.post(reverse("partnerships:cohort_import", args=[cohort.pk]),
                       {"file": SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")})


def _confirm(client, cohort, token, capture):
    with capture(execute=True):
        return client.post(reverse("partnerships:cohort_import_confirm", args=[cohort.pk]), {"token": token})


def _link(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0).split("127.0.0.1:8000")[-1]


def test_form_does_not_pull_another_schools_student_or_an_employer(client, staff_b, cohort_b, student_of_a, employer,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(staff_b)
    url = reverse("partnerships:cohort_enrol", args=[cohort_b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": student_of_a.email})
        client.post(url, {"email": "BOSS@sonotec.test", "first_name": "X"})
    assert not CohortMembership.objects.filter(cohort=cohort_b).exists()
    assert set(CohortInvitation.objects.filter(cohort=cohort_b, status="pending").values_list("email", flat=True)) == {
        student_of_a.email, employer.email}
    employer.refresh_from_db()
    assert set(employer.groups.values_list("name", flat=True)) == {"employer"}  # did not become a student
    assert sorted(m.to[0] for m in mail.outbox) == sorted([student_of_a.email, employer.email])


def test_csv_import_does_not_pull_them_either_and_the_export_shows_nothing_of_them(
        client, staff_b, cohort_b, student_of_a, employer, fake_selectors, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(staff_b)
    r = _upload(client, cohort_b, f"email,first_name,last_name\n{student_of_a.email},L,F\n{employer.email},B,S\n")
    _confirm(client, cohort_b, r.context["token"], django_capture_on_commit_callbacks)
    assert not CohortMembership.objects.filter(cohort=cohort_b).exists()
    export = reverse("school_dashboard_csv", args=[cohort_b.programme.school.slug])
    body = b"".join(client.get(export + "?table=students").streaming_content).decode()
    assert student_of_a.email not in body and len(list(csv.reader(io.StringIO(body)))) == 1  # header only
    page = client.get(reverse("school_dashboard", args=[cohort_b.programme.school.slug])).content.decode()
    assert student_of_a.email not in page and student_of_a.last_name not in page
    # the cohort page lists the pending address (what the school typed), nothing of the account
    detail = client.get(reverse("partnerships:cohort_detail", args=[cohort_b.pk])).content.decode()
    assert student_of_a.email in detail and student_of_a.get_display_name() not in detail
    # once the student accepts, they are the school's student too (positive control: the export can show them)
    message = next(m for m in mail.outbox if m.to == [student_of_a.email])
    client.force_login(student_of_a)
    assert client.post(_link(message), {"action": "accept"}).status_code == 302
    client.force_login(staff_b)
    body = b"".join(client.get(export + "?table=students").streaming_content).decode()
    assert student_of_a.email in body


def test_preview_reads_the_same_whatever_the_account(client, staff_b, cohort_b, student_of_a, employer):
    own = make_user("student", email="own@example.test")
    CohortMembership.objects.create(cohort=cohort_b, user=own)
    inactive = make_user("student", email="gone@example.test", is_active=False)
    client.force_login(staff_b)
    emails = [student_of_a.email, employer.email, "nobody@example.test", own.email, inactive.email, "fs@x.test"]
    make_user("flowstage_staff", email="fs@x.test")
    r = _upload(client, cohort_b, "email,first_name,last_name\n" + "".join(f"{e},A,B\n" for e in emails))
    assert r.status_code == 200 and "token" in r.context
    cells = re.findall(r"<tr>\s*<td class=\"num\">\d+</td><td>[^<]*</td><td>A</td><td>B</td>\s*<td>(.*?)</td>",
                       r.content.decode(), re.S)
    assert len(cells) == len(emails) and len(set(cells)) == 1, cells
    assert {row.status for row in r.context["rows"]} == {"ready"}


def test_students_of_the_school_join_at_once_with_history(client, staff_a, cohort_a, school_a,
                                                          django_capture_on_commit_callbacks):
    from partnerships.models import Cohort

    other_cohort = Cohort.objects.create(programme=cohort_a.programme, graduation_year=2028)
    own = [make_user("student", email=f"own{i}@example.test") for i in range(3)]
    for u in own:
        CohortMembership.objects.create(cohort=cohort_a, user=u)
    client.force_login(staff_a)
    r = _upload(client, other_cohort, "email,first_name,last_name\n" + "".join(f"{u.email},,\n" for u in own)
                + "new.person@example.test,,\n")
    _confirm(client, other_cohort, r.context["token"], django_capture_on_commit_callbacks)
    members = CohortMembership.objects.filter(cohort=other_cohort)
    assert set(members.values_list("user__email", flat=True)) == {u.email for u in own}
    # django-simple-history: every membership made by the bulk import has its history row, by the staff member
    history = CohortMembership.history.filter(cohort_id=other_cohort.pk)
    assert history.count() == 3 and set(history.values_list("history_user_id", flat=True)) == {staff_a.pk}
    assert CohortInvitation.history.filter(email="new.person@example.test", history_type="+").count() == 1
    assert not User.objects.filter(email="new.person@example.test").exists()  # created only on acceptance


def test_a_student_also_in_another_school_is_invited(client, staff_a, cohort_a, cohort_b,
                                                    django_capture_on_commit_callbacks):
    both = make_user("student", email="both@example.test")
    CohortMembership.objects.create(cohort=cohort_b, user=both)
    teacher_a = make_user("teacher", email="teacher@example.test")
    from partnerships.models import Cohort

    c2 = Cohort.objects.create(programme=cohort_a.programme, graduation_year=2029)
    CohortMembership.objects.create(cohort=cohort_a, user=teacher_a)  # has another role: invited
    CohortMembership.objects.create(cohort=cohort_a, user=both)
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_rows(c2, [services.Row(1, both.email, "", ""), services.Row(2, teacher_a.email, "", "")],
                            by=staff_a)
    assert not CohortMembership.objects.filter(cohort=c2).exists()
    assert CohortInvitation.objects.filter(cohort=c2, status="pending").count() == 2


def test_invitation_accept_is_single_use_and_audited(client, staff_b, cohort_b, employer,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_student(cohort_b, employer.email, by=staff_b)
    link = _link(mail.outbox[-1])
    # anonymous: asked to sign in as the invited address; another account cannot accept it
    r = client.get(link)
    assert r.status_code == 200 and "boss@sonotec.test" in r.content.decode()
    intruder = make_user("student")
    client.force_login(intruder)
    client.post(link, {"action": "accept"})
    assert not CohortMembership.objects.filter(cohort=cohort_b).exists()
    client.force_login(employer)
    r = client.get(link)
    assert "student role" in r.content.decode() or "rôle étudiant" in r.content.decode()
    assert client.post(link, {"action": "accept"}).status_code == 302
    assert CohortMembership.objects.filter(cohort=cohort_b, user=employer).exists()
    assert set(employer.groups.values_list("name", flat=True)) == {"employer", "student"}
    inv = CohortInvitation.objects.get(cohort=cohort_b)
    assert inv.status == "accepted" and inv.user == employer and inv.responded_at
    assert list(inv.history.order_by("history_date").values_list("status", flat=True))[-1] == "accepted"
    assert CohortMembership.history.filter(user_id=employer.pk, history_type="+").count() == 1
    # single use
    assert client.get(link).status_code == 410
    assert client.post(link, {"action": "accept"}).status_code == 410


def test_new_person_creates_the_account_on_acceptance(client, staff_b, cohort_b, django_capture_on_commit_callbacks):
    client.force_login(staff_b)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partnerships:cohort_enrol", args=[cohort_b.pk]),
                    {"email": "Nina@Example.test", "first_name": "Nina"})
    link = _link(mail.outbox[-1])
    client.logout()
    r = client.get(link)
    assert r.status_code == 200 and r.context["form"].initial["first_name"] == "Nina"
    r = client.post(link, {"action": "accept", "first_name": "Nina", "last_name": "Roy",
                           "password1": "short", "password2": "short"})
    assert r.status_code == 200 and r.context["form"].errors and not User.objects.filter(email="nina@example.test").exists()
    r = client.post(link, {"action": "accept", "first_name": "Nina", "last_name": "Roy",
                           "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    assert r.status_code == 302
    nina = User.objects.get(email="nina@example.test")
    assert nina.check_password(TEST_PASSWORD) and set(nina.groups.values_list("name", flat=True)) == {"student"}
    assert CohortMembership.objects.filter(cohort=cohort_b, user=nina).exists()
    assert client.session["_auth_user_id"] == str(nina.pk)  # signed in


def test_decline_expiry_renewal_and_withdrawal(client, staff_b, cohort_b, student_of_a,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_student(cohort_b, student_of_a.email, by=staff_b)
    first = _link(mail.outbox[-1])
    # inviting again renews the invitation: the old link stops working, the new one works
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_student(cohort_b, student_of_a.email, by=staff_b)
    second = _link(mail.outbox[-1])
    assert client.get(first).status_code == 410 and client.get(second).status_code == 200
    assert CohortInvitation.objects.filter(cohort=cohort_b).count() == 1
    assert client.post(second, {"action": "decline"}).status_code == 302  # declining needs no sign-in
    assert CohortInvitation.objects.get(cohort=cohort_b).status == "declined"
    assert client.get(second).status_code == 410
    # expiry
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_student(cohort_b, student_of_a.email, by=staff_b)
    third = _link(mail.outbox[-1])
    CohortInvitation.objects.filter(status="pending").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(student_of_a)
    assert client.post(third, {"action": "accept"}).status_code == 410
    assert not CohortMembership.objects.filter(cohort=cohort_b).exists()
    # withdrawal by the school
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_student(cohort_b, student_of_a.email, by=staff_b)
    fourth = _link(mail.outbox[-1])
    inv = CohortInvitation.objects.get(status="pending")
    client.force_login(staff_b)
    client.post(reverse("partnerships:invitation_revoke", args=[cohort_b.pk, inv.pk]))
    assert client.get(fourth).status_code == 410
    assert client.get("/schools/invitations/not-a-token/").status_code == 410


def test_invitation_email_is_in_the_invitees_language(staff_b, cohort_b, student_of_a,
                                                      django_capture_on_commit_callbacks):
    student_of_a.preferred_language = "en"
    student_of_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_student(cohort_b, student_of_a.email, by=staff_b)
        services.enrol_student(cohort_b, "someone.new@example.test", by=staff_b)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "invites you" in by_to[student_of_a.email].subject
    assert "vous invite" in by_to["someone.new@example.test"].subject
    assert "/en/schools/invitations/" in by_to[student_of_a.email].body


def test_invitations_are_sent_by_the_outbox_sweep_when_the_broker_was_down(staff_b, cohort_b, broker_down, settings,
                                                                          django_capture_on_commit_callbacks):
    """Redis down while staff invite: the invitation is not lost (lms/queue.py's outbox); the sweep sends it once."""
    from lms import queue

    settings.QUEUE_SWEEP_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_to_cohort(cohort_b, [services.Row(1, "nina@example.test", "Nina", "Roy")],
                                         by=staff_b) == 1
    assert mail.outbox == []
    queue.sweep()
    queue.sweep()
    assert [m.to for m in mail.outbox] == [["nina@example.test"]]

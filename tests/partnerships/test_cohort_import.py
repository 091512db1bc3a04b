"""Cohort enrolment by form and CSV (preview, all or nothing, encodings, limits) and school scoping."""
import time

import pytest
from django.core import mail
from django.urls import reverse

from lms.accounts.models import User
from partnerships.csv_import import MAX_ROWS, ImportRefused, parse
from partnerships.models import CohortMembership
from tests.factories import make_user



@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


GOOD = "email;first_name;last_name\nalice@example.test;Alice;Martin\nBOB@Example.test;Bob;Durand\n"


def test_parse_semicolon_and_comma_and_french_headers():
    rows, enc = parse(GOOD.encode())
    assert [(r.email, r.first_name) for r in rows] == [("alice@example.test", "Alice"), ("bob@example.test", "Bob")]
    rows, _ = parse("E-mail,Prénom,Nom\nx@example.test,Élodie,Noël\n".encode("utf-8-sig"))
    assert rows[0].first_name == "Élodie" and not rows[0].errors


def test_latin1_cp1252_export_is_accepted():
    data = "email;prénom;nom\nzoe@example.test;Zoé;Lefèvre – Œuvre\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows, enc = parse(data)
    assert enc == "cp1252"
    assert (rows[0].first_name, rows[0].last_name) == ("Zoé", "Lefèvre – Œuvre")
    rows, enc = parse("email;prénom;nom\nz@example.test;Zoé;Ç\n".encode("latin-1"))
    assert rows[0].first_name == "Zoé"


def test_utf8_bom_is_accepted():
    rows, enc = parse(("\ufeff" + GOOD).encode("utf-8"))
    assert enc == "utf-8-sig" and rows[0].email == "alice@example.test"


def test_missing_column_is_a_clear_error():
    with pytest.raises(ImportRefused, match="Missing column.*last_name"):
        parse(b"email;first_name\na@example.test;A\n")


def test_duplicate_and_invalid_emails_are_row_errors():
    rows, _ = parse(b"email,first_name,last_name\na@example.test,A,A\nA@EXAMPLE.TEST,B,B\nnot-an-email,C,C\n,D,D\n")
    assert rows[0].errors == []
    assert "Duplicate" in rows[1].errors[0] and "line 2" in rows[1].errors[0]
    assert "not a valid" in rows[2].errors[0]
    assert "missing" in rows[3].errors[0]


def test_50000_rows_are_refused_quickly_with_the_limit():
    data = ("email,first_name,last_name\n" + "".join(f"s{i}@example.test,S,{i}\n" for i in range(50_000))).encode()
    start = time.perf_counter()
    with pytest.raises(ImportRefused) as exc:
        parse(data, max_bytes=10 * 1024 * 1024)
    assert "50000" in str(exc.value) and str(MAX_ROWS) in str(exc.value)
    with pytest.raises(ImportRefused, match="too large"):
        parse(data * 2)
    assert time.perf_counter() - start < 2


def test_empty_and_header_only_files():
    with pytest.raises(ImportRefused):
        parse(b"")
    with pytest.raises(ImportRefused, match="no student"):
        parse(b"email,first_name,last_name\n")


# --- HTTP ------------------------------------------------------------------------------------------

def _upload(client, cohort, content: bytes, name="students.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("partnerships:cohort_import", args=[cohort.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.mark.django_db
def test_preview_then_confirm_enrols_own_students_and_invites_the_others(client, staff_a, cohort_a,
                                                                        django_capture_on_commit_callbacks):
    from partnerships.models import Cohort, CohortInvitation

    existing = make_user("student", email="bob@example.test")
    CohortMembership.objects.create(cohort=Cohort.objects.create(programme=cohort_a.programme, graduation_year=2030),
                                    user=existing)
    client.force_login(staff_a)
    r = _upload(client, cohort_a, GOOD.encode())
    assert r.status_code == 200
    assert not CohortMembership.objects.filter(cohort=cohort_a).exists()  # preview writes nothing
    body = r.content.decode()
    assert "alice@example.test" in body and r.context["ready"] == 2
    token = r.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("partnerships:cohort_import_confirm", args=[cohort_a.pk]), {"token": token})
    assert r.status_code == 302
    # Bob is a student of this school: enrolled at once; Alice is invited (no account made for her yet)
    assert set(CohortMembership.objects.filter(cohort=cohort_a).values_list("user__email", flat=True)) == {
        "bob@example.test"}
    assert not User.objects.filter(email="alice@example.test").exists()
    assert CohortInvitation.objects.get(cohort=cohort_a).email == "alice@example.test"
    assert [m.to for m in mail.outbox] == [["alice@example.test"]]
    assert "/schools/invitations/" in mail.outbox[0].body
    # confirming twice does nothing more
    r = client.post(reverse("partnerships:cohort_import_confirm", args=[cohort_a.pk]), {"token": token})
    assert CohortMembership.objects.filter(cohort=cohort_a).count() == 1
    assert CohortInvitation.objects.filter(cohort=cohort_a).count() == 1


@pytest.mark.django_db
def test_file_with_errors_imports_nothing(client, staff_a, cohort_a):
    client.force_login(staff_a)
    r = _upload(client, cohort_a, b"email,first_name,last_name\na@example.test,A,A\na@example.test,B,B\n")
    assert r.status_code == 200 and "token" not in r.context
    assert "Duplicate" in r.content.decode() or "Doublon" in r.content.decode()
    assert not User.objects.filter(email="a@example.test").exists()
    r = _upload(client, cohort_a, b"mail;nom\nx@example.test;X\n")
    assert r.status_code == 200 and r.context["form"].errors["file"]
    assert not CohortMembership.objects.exists()


@pytest.mark.django_db
def test_bulk_import_of_the_row_limit_is_fast_and_bounded(client, staff_a, cohort_a, django_assert_max_num_queries,
                                                          django_capture_on_commit_callbacks):
    n = MAX_ROWS
    data = ("email,first_name,last_name\n" + "".join(f"s{i}@example.test,S,N{i}\n" for i in range(n))).encode()
    client.force_login(staff_a)
    start = time.perf_counter()
    r = _upload(client, cohort_a, data)
    token = r.context["token"]
    # batches: SQLite binds at most 999 values per statement, so 5,000 invitations and their history rows
    # take about 150 INSERTs; a bounded number, not one per row
    with django_assert_max_num_queries(200), django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("partnerships:cohort_import_confirm", args=[cohort_a.pk]), {"token": token})
    from partnerships.models import CohortInvitation

    assert CohortInvitation.objects.filter(cohort=cohort_a, status="pending").count() == n
    assert CohortInvitation.history.filter(cohort_id=cohort_a.pk).count() == n
    assert time.perf_counter() - start < 60


@pytest.mark.django_db
def test_enrol_form(client, staff_a, cohort_a, django_capture_on_commit_callbacks):
    from partnerships.models import CohortInvitation

    client.force_login(staff_a)
    url = reverse("partnerships:cohort_enrol", args=[cohort_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"email": "New@Example.test", "first_name": "Nina", "last_name": "Roy"})
    assert r.status_code == 302
    assert CohortInvitation.objects.get().email == "new@example.test"
    assert len(mail.outbox) == 1
    r = client.post(url, {"email": "not an address"})
    assert r.status_code == 200 and r.context["form"].errors["email"]


@pytest.mark.django_db
def test_school_staff_see_only_their_school(client, staff_a, staff_b, cohort_a, cohort_b):
    client.force_login(staff_a)
    r = client.get(reverse("partnerships:cohorts"))
    assert r.status_code == 200 and [c.pk for c in r.context["cohorts"]] == [cohort_a.pk]
    for name in ("cohort_detail", "cohort_enrol", "cohort_import"):
        assert client.get(reverse(f"partnerships:{name}", args=[cohort_b.pk])).status_code == 403
        assert client.get(reverse(f"partnerships:{name}", args=[cohort_a.pk])).status_code == 200
    assert _upload(client, cohort_b, GOOD.encode()).status_code == 403
    assert client.get(reverse("partnerships:school_detail", args=[cohort_b.programme.school.slug])).status_code == 403
    student = make_user("student")
    client.force_login(student)
    assert client.get(reverse("partnerships:cohorts")).status_code == 403


@pytest.mark.django_db
def test_school_page_shows_tier_history(client, staff_a, partnership_a, tiers):
    from partnerships import services

    services.change_tier(partnership_a, tiers["strategic"], reason="upgrade: Strategic")
    client.force_login(staff_a)
    r = client.get(reverse("partnerships:school_detail", args=[partnership_a.school.slug]))
    assert r.status_code == 200
    kinds = [e["kind"] for e in r.context["tier_history"]]
    assert "upgrade" in kinds and "created" in kinds
    assert "Strategic" in r.content.decode()


@pytest.mark.django_db
def test_flowstage_staff_move_a_partnership_and_invalid_is_a_message(client, partnership_a, fs_staff, staff_a):
    url = reverse("partnerships:partnership_transition", args=[partnership_a.pk])
    client.force_login(staff_a)
    assert client.post(url, {"target": "renewal_due"}).status_code == 403
    client.force_login(fs_staff)
    r = client.post(url, {"target": "pilot"}, follow=True)
    assert r.status_code == 200
    partnership_a.refresh_from_db()
    assert partnership_a.status == "active"
    client.post(url, {"target": "renewal_due"})
    partnership_a.refresh_from_db()
    assert partnership_a.status == "renewal_due"


def test_a_field_longer_than_the_csv_limit_is_a_row_error_not_a_500():
    huge = "x" * 140_000  # > csv.field_size_limit() (131,072): csv.Error on that row
    rows, _enc = parse(f"email,first_name,last_name\na@example.test,A,B\nb@example.test,{huge},C\nc@example.test,C,D\n"
                       .encode())
    assert [r.email for r in rows] == ["a@example.test", "", "c@example.test"]
    assert not rows[0].errors and not rows[2].errors
    assert "131,072" in rows[1].errors[0] and rows[1].line == 3
    with pytest.raises(ImportRefused):  # in the header line: the whole file is refused, with the reason
        parse(f"email,first_name,{huge}\na@example.test,A,B\n".encode())


@pytest.mark.django_db
def test_a_huge_field_in_the_uploaded_file_gives_a_row_report(client, staff_a, cohort_a):
    client.force_login(staff_a)
    r = _upload(client, cohort_a, ("email,first_name,last_name\n" + "a@example.test," + "y" * 140_000 + ",B\n").encode())
    assert r.status_code == 200 and "token" not in r.context and len(r.context["errors"]) == 1

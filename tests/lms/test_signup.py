"""Sign-up of students and employers: clear errors, nothing saved half-way."""
import pytest

from lms.accounts import roles
from lms.accounts.models import StudentProfile, User
from partnerships.models import Employer
from tests.factories import make_user

pytestmark = pytest.mark.django_db
GOOD = "Un-mot-de-passe-solide-42"


def student_data(**over):
    data = {"first_name": "Léa", "last_name": "Roux", "email": "lea.roux@example.test",
            "password1": GOOD, "password2": GOOD}
    data.update(over)
    return data


def test_signup_choice_page_links_both(client):
    html = client.get("/accounts/signup/").content.decode()
    assert "/accounts/signup/student/" in html and "/accounts/signup/employer/" in html
    assert client.get("/en/accounts/signup/").status_code == 200


def test_student_signup_creates_user_role_profile_and_logs_in(client):
    resp = client.post("/accounts/signup/student/", student_data(email="Lea.Roux@Example.TEST"))
    assert resp.status_code == 302
    user = User.objects.get(email="lea.roux@example.test")
    assert roles.has_role(user, roles.STUDENT)
    assert StudentProfile.objects.filter(user=user).exists()
    assert client.get("/dashboard/").status_code == 302  # logged in, sent to the student dashboard


def test_signup_taken_email_case_insensitive(client):
    make_user("student", email="taken@example.test")
    resp = client.post("/accounts/signup/student/", student_data(email="TAKEN@example.test"))
    assert resp.status_code == 200
    assert "An account already uses this e-mail address" in resp.content.decode() or \
        "Un compte utilise déjà cette adresse" in resp.content.decode()
    assert User.objects.filter(email__iexact="taken@example.test").count() == 1


@pytest.mark.parametrize("password", ["short1", "password123", "1234567890123", "lea.roux@example"])
def test_signup_weak_password_refused(client, password):
    resp = client.post("/en/accounts/signup/student/", student_data(password1=password, password2=password))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "field--error" in html and "errorlist" in html
    assert not User.objects.filter(email="lea.roux@example.test").exists()


def test_signup_passwords_must_match(client):
    resp = client.post("/en/accounts/signup/student/", student_data(password2=GOOD + "x"))
    assert "The two passwords differ." in resp.content.decode()
    assert not User.objects.exists()


def test_signup_missing_fields_and_bad_email(client):
    resp = client.post("/en/accounts/signup/student/", {"email": "not-an-email"})
    assert resp.status_code == 200
    assert "Enter a valid email address." in resp.content.decode()
    assert not User.objects.exists()


def test_employer_signup_creates_employer(client):
    resp = client.post("/accounts/signup/employer/", {**student_data(email="rh@scene.test"), "company": "Scène Nationale"})
    assert resp.status_code == 302
    user = User.objects.get(email="rh@scene.test")
    assert roles.has_role(user, roles.EMPLOYER)
    assert not StudentProfile.objects.filter(user=user).exists()
    employer = Employer.objects.get(name="Scène Nationale")
    assert employer.slug == "scene-nationale"
    assert list(employer.members.all()) == [user]


def test_employer_signup_joins_existing_employer_with_an_address_of_its_domain(client):
    existing = Employer.objects.create(name="Sonotec Live", slug="sonotec-live", website="https://www.sono.test/")
    client.post("/accounts/signup/employer/", {**student_data(email="a@sono.test"), "company": "  sonotec   LIVE "})
    assert Employer.objects.count() == 1
    assert existing.members.filter(email="a@sono.test").exists()


def test_employer_signup_cannot_join_existing_employer_from_another_domain(client):
    existing = Employer.objects.create(name="Sonotec Live", slug="sonotec-live", website="https://sono.test")
    resp = client.post("/accounts/signup/employer/", {**student_data(email="intruder@gmail.test"),
                                                      "company": "Sonotec Live"})
    assert resp.status_code == 200
    assert "already has an account" in resp.content.decode() or "a déjà un compte" in resp.content.decode()
    assert not existing.members.exists()
    assert not User.objects.filter(email="intruder@gmail.test").exists()  # nothing saved half-way


def test_employer_signup_with_taken_email_creates_no_employer(client):
    make_user(email="dup@example.test")
    resp = client.post("/accounts/signup/employer/", {**student_data(email="dup@example.test"), "company": "New Co"})
    assert resp.status_code == 200
    assert not Employer.objects.filter(name="New Co").exists()


def test_employer_signup_rolls_back_when_employer_creation_fails(client, monkeypatch):
    from partnerships import services

    def boom(user, name):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "join_employer", boom)
    with pytest.raises(RuntimeError):
        client.post("/accounts/signup/employer/", {**student_data(email="x@co.test"), "company": "Co"})
    assert not User.objects.filter(email="x@co.test").exists()


def test_signed_in_user_is_sent_away_from_signup(client, student):
    client.force_login(student)
    assert client.get("/accounts/signup/student/").status_code == 302

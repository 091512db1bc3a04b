"""Personal data (issue 10, Low): a student downloads everything held about them (JSON and a readable page), asks
for erasure; Flow Stage's staff carry it out or refuse it; erasure anonymises account, profile, attempts and
marks, keeps what must be kept, and leaves issued credentials verifiable. Every step is audited. Through HTTP."""
import json
from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from badges.models import Credential
from exams.models import Accommodation, Attempt, Registration
from lms.accounts import personal_data
from lms.accounts.models import ApiToken, ErasureRequest, PortfolioItem, StudentProfile, User
from partnerships.models import CohortMembership
from tests.badges.badges_testkit import issue
from tests.exams import helpers as h
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

SECRET_BIO = "Je mixe depuis 2019 au Petit Bain, appelez-moi au 06 12 34 56 78"


@pytest.fixture
def holder(celery_eager_badges):
    """A student with a profile, a cohort, a certification attempt with an accommodation, a credential,
    career preferences and an API token."""
    from careers.models import CareerProfile

    cert = h.make_certification(types=("numeric",), practical=False)
    school = h.entitled_school("Privacy")
    user = h.sound_student(school, email="camille.roux@example.test")
    user.first_name, user.last_name = "Camille", "Roux"
    user.save()
    profile = h.give_profile(user)
    profile.bio = SECRET_BIO
    profile.save()
    h.services.register(cert, user)
    Accommodation.objects.create(user=user, extra_minutes=30, reason="Dyslexie (certificat médical)")
    attempt = h.services.start_attempt(cert.exam, user)
    h.all_right(attempt)
    h.services.submit_attempt(attempt)
    CareerProfile.objects.create(user=user, city="Montreuil", postcode="93100")
    issue(user)
    ApiToken.issue(user)
    return user


@pytest.fixture
def celery_eager_badges():
    from lms.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def _login(client, user):
    client.force_login(user)


# --- export ---------------------------------------------------------------------------------------------------
def test_every_app_registers_its_section():
    assert [s.key for s in personal_data.sections()] == [
        "account", "partnerships", "courses", "exams", "badges", "careers"]
    assert all(str(s.retained) for s in personal_data.sections())


def test_json_export_holds_everything_and_no_secret(client, holder):
    _login(client, holder)
    resp = client.get("/accounts/my-data/export.json")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/json"
    assert "attachment" in resp["Content-Disposition"]
    assert "no-store" in resp["Cache-Control"]
    data = json.loads(resp.content)
    assert data["format"] == personal_data.FORMAT
    sections = {s["key"]: s["data"] for s in data["sections"]}
    assert sections["account"]["account"]["email"] == "camille.roux@example.test"
    assert sections["account"]["profile"]["bio"] == SECRET_BIO
    assert sections["account"]["profile"]["portfolioitem"]
    assert sections["partnerships"]["cohort_memberships"][0]["graduation_year"] == 2027
    assert sections["exams"]["registrations"][0]["fee"] == "149.00"  # Decimal as a string, never a float
    assert sections["exams"]["accommodations"][0]["extra_minutes"] == 30
    assert sections["exams"]["attempts"][0]["answers"]  # closed: its answers are there
    assert len(sections["badges"]) == 1 and "signed_document" in sections["badges"][0]
    assert sections["careers"]["career_profile"]["city"] == "Montreuil"
    raw = resp.content.decode()
    assert holder.password not in raw and "pbkdf2" not in raw
    assert '"password"' not in raw and '"key_hash"' not in raw and '"seed"' not in raw


def test_export_of_an_open_attempt_carries_no_answer_or_order(client):
    cert = h.make_certification(types=("single", "ordering"), practical=False)
    student = h.registered_student(cert)
    attempt = h.services.start_attempt(cert.exam, student)
    _login(client, student)
    data = json.loads(client.get("/accounts/my-data/export.json").content)
    exams = next(s["data"] for s in data["sections"] if s["key"] == "exams")
    assert exams["attempts"][0]["id"] == attempt.pk
    assert "answers" not in exams["attempts"][0]
    assert "option_order" not in json.dumps(data) and '"seed"' not in json.dumps(data)


def test_export_is_only_ones_own(client, holder):
    other = make_user("student")
    _login(client, other)
    raw = client.get("/accounts/my-data/export.json").content.decode()
    assert "camille.roux" not in raw and SECRET_BIO not in raw


def test_export_needs_sign_in(client):
    for url in ("/accounts/my-data/", "/accounts/my-data/export.json", "/accounts/my-data/export/"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


@pytest.mark.parametrize("prefix,words", [
    ("", ["Mes données personnelles", "Télécharger (JSON)", "Demander l'effacement"]),
    ("/en", ["My personal data", "Download (JSON)", "Ask for erasure"]),
])
def test_my_data_page_in_both_languages(client, holder, prefix, words):
    _login(client, holder)
    html = client.get(f"{prefix}/accounts/my-data/").content.decode()
    for w in words:
        assert w in html
    assert "style=" not in html.split("<body", 1)[1] and "<script>" not in html


@pytest.mark.parametrize("prefix,heading", [("", "Tout ce que Flow Stage Academy détient sur vous"),
                                             ("/en", "Everything Flow Stage Academy holds about you")])
def test_readable_export_page(client, holder, prefix, heading):
    _login(client, holder)
    resp = client.get(f"{prefix}/accounts/my-data/export/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert heading in html
    assert "Petit Bain" in html and "Montreuil" in html and "camille.roux@example.test" in html


# --- erasure --------------------------------------------------------------------------------------------------
def _ask(client, user, reason="Je quitte la formation"):
    _login(client, user)
    return client.post("/accounts/my-data/erase/", {"confirm": "yes", "reason": reason})


def test_asking_needs_the_confirmation_box(client, holder):
    _login(client, holder)
    resp = client.post("/accounts/my-data/erase/", {"reason": "x"}, follow=True)
    assert not ErasureRequest.objects.exists()
    assert "Cochez la case" in resp.content.decode()


def test_student_asks_twice_one_pending_request(client, holder):
    assert _ask(client, holder).status_code == 302
    resp = _ask(client, holder)
    assert ErasureRequest.objects.filter(user=holder).count() == 1
    req = ErasureRequest.objects.get()
    assert req.status == "pending" and req.reason == "Je quitte la formation"
    assert req.history.first().history_user == holder  # asked: audited, by whom
    page = client.get(resp["Location"]).content.decode()
    assert "en cours de traitement" in page


@pytest.mark.parametrize("who", ["student", "school_staff", "teacher", "examiner", "employer"])
def test_only_flowstage_staff_see_and_decide(client, holder, who):
    _ask(client, holder)
    req = ErasureRequest.objects.get()
    _login(client, make_user(who))
    assert client.get("/accounts/erasure-requests/").status_code == 403
    assert client.post(f"/accounts/erasure-requests/{req.pk}/", {"action": "erase"}).status_code == 403
    req.refresh_from_db()
    assert req.status == "pending"


def test_staff_carry_out_erasure(client, holder, fs_staff):
    _ask(client, holder)
    req = ErasureRequest.objects.get()
    credential = Credential.objects.get(user=holder)
    signed_before = credential.signed_json
    marks_before = Attempt.objects.get(user=holder).final_pct
    profile_id = holder.student_profile.pk

    _login(client, fs_staff)
    listing = client.get("/accounts/erasure-requests/").content.decode()
    assert "camille.roux@example.test" in listing and "Je quitte la formation" in listing
    resp = client.post(f"/accounts/erasure-requests/{req.pk}/", {"action": "erase", "note": "Identité vérifiée"})
    assert resp.status_code == 302

    holder.refresh_from_db()
    # the account: anonymised, unusable
    assert holder.email == f"erased-{holder.pk}@erased.invalid"
    assert (holder.first_name, holder.last_name, holder.display_name) == ("", "", "")
    assert not holder.is_active and not holder.has_usable_password()
    assert not holder.groups.exists() and not ApiToken.objects.filter(user=holder).exists()
    signin = client.__class__().post("/accounts/login/", {"username": "camille.roux@example.test",
                                                           "password": TEST_PASSWORD})
    assert signin.status_code == 200  # the form again, not the redirect of a successful sign-in
    # the profile and its history: gone
    assert not StudentProfile.objects.filter(user=holder).exists()
    assert not PortfolioItem.objects.exists()
    assert not StudentProfile.history.filter(id=profile_id).exists()
    assert SECRET_BIO not in json.dumps(personal_data.export(holder), ensure_ascii=False)
    # sensitive exam data gone, the records kept under the anonymous account
    assert not Accommodation.objects.filter(user=holder).exists()
    assert not Accommodation.history.exists()
    assert Registration.objects.get(user=holder).fee == Decimal("149.00")
    assert Attempt.objects.get(user=holder).final_pct == marks_before
    assert CohortMembership.objects.filter(user=holder).exists()
    # the credential: unchanged (still verifiable), its public page without the name
    credential.refresh_from_db()
    assert credential.signed_json == signed_before
    assert credential.privacy == Credential.Privacy.MINIMAL
    assert "Camille" not in signed_before and "camille.roux" not in signed_before  # only a salted hash
    verdict = client.post("/api/v1/credentials/verify", data=signed_before, content_type="application/json")
    assert verdict.status_code == 200 and verdict.json()["verdict"] == "VALID"
    public = client.get(f"/en/verify/{credential.pk}/").content.decode()
    assert "Camille" not in public and "Roux" not in public
    # audited: asked by the person, carried out by the staff member, what was done
    req.refresh_from_db()
    assert req.status == "done" and req.decided_by == fs_staff and req.staff_note == "Identité vérifiée"
    assert req.summary["account"]["profile"] == 1 and req.summary["exams"]["accommodations"] == 1
    steps = [(v.status, v.history_user, v.history_change_reason) for v in req.history.order_by("history_date")]
    assert steps == [("pending", holder, "requested"), ("done", fs_staff, "carried out")]


def test_erasure_runs_all_or_nothing(client, holder, fs_staff, monkeypatch):
    _ask(client, holder)
    req = ErasureRequest.objects.get()

    def broken(user):
        raise RuntimeError("disk full")

    sections = personal_data._REGISTRY.copy()
    monkeypatch.setitem(personal_data._REGISTRY, "courses", personal_data.Section(
        key="courses", title="x", export=lambda u: {}, anonymise=broken, order=20))
    from lms.accounts import services

    with pytest.raises(RuntimeError):
        services.carry_out_erasure(req, fs_staff)
    holder.refresh_from_db()
    assert holder.email == "camille.roux@example.test"  # nothing half-erased
    assert StudentProfile.objects.filter(user=holder).exists()
    assert Accommodation.objects.filter(user=holder).exists()  # erased by exams (before courses), rolled back
    req.refresh_from_db()
    assert req.status == "pending"
    assert sections.keys() == personal_data._REGISTRY.keys()


def test_staff_refuse_with_a_reason_the_person_reads(client, holder, fs_staff):
    _ask(client, holder)
    req = ErasureRequest.objects.get()
    _login(client, fs_staff)
    resp = client.post(f"/accounts/erasure-requests/{req.pk}/", {"action": "refuse", "note": ""}, follow=True)
    assert "Indiquez pourquoi" in resp.content.decode()
    req.refresh_from_db()
    assert req.status == "pending"
    client.post(f"/accounts/erasure-requests/{req.pk}/", {"action": "refuse", "note": "Litige de paiement en cours"})
    req.refresh_from_db()
    assert req.status == "refused" and req.decided_by == fs_staff
    # deciding twice is refused
    resp = client.post(f"/accounts/erasure-requests/{req.pk}/", {"action": "erase"}, follow=True)
    assert "déjà été tranchée" in resp.content.decode()
    holder.refresh_from_db()
    assert holder.is_active
    _login(client, holder)
    assert "Litige de paiement en cours" in client.get("/accounts/my-data/").content.decode()


def test_staff_cannot_decide_their_own_request(client, fs_staff):
    _ask(client, fs_staff)
    req = ErasureRequest.objects.get()
    client.post(f"/accounts/erasure-requests/{req.pk}/", {"action": "erase"})
    req.refresh_from_db()
    assert req.status == "pending"


def test_unknown_or_huge_request_id_is_404(client, fs_staff):
    _login(client, fs_staff)
    assert client.post("/accounts/erasure-requests/99999/", {"action": "erase"}).status_code == 404
    assert client.post("/accounts/erasure-requests/18446744073709551616/", {"action": "erase"}).status_code == 404


def test_staff_page_in_english(client, fs_staff, holder):
    _ask(client, holder)
    _login(client, fs_staff)
    html = client.get("/en/accounts/erasure-requests/").content.decode()
    assert "Erasure requests" in html and "Erase now" in html


# --- deletion of a credential holder: erasure, not a ProtectedError -------------------------------------------
def test_deleting_a_credential_holder_is_refused_with_erasure_offered(client, holder, django_user_model):
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=holder.pk).delete()  # the database protects the records
    admin = django_user_model.objects.create_superuser(email="root@example.test", password=TEST_PASSWORD)
    _login(client, admin)
    resp = client.post("/django-admin/accounts/user/", {
        "action": "erase_personal_data", "_selected_action": [holder.pk]}, follow=True)
    assert resp.status_code == 200
    holder.refresh_from_db()
    assert holder.email.endswith("@erased.invalid")
    req = ErasureRequest.objects.get(user=holder)
    assert req.status == "done" and req.decided_by == admin
    assert Credential.objects.filter(user=holder).exists()
    # the admin's delete page for such a user points to erasure instead of failing
    other = make_user("student")
    issue(other)
    page = client.get(f"/django-admin/accounts/user/{other.pk}/delete/", follow=True)
    assert page.status_code == 200


def test_wagtail_delete_of_a_credential_holder_is_not_a_500(client, holder, django_user_model):
    from django.urls import reverse

    admin = django_user_model.objects.create_superuser(email="root2@example.test", password=TEST_PASSWORD)
    _login(client, admin)
    client.raise_request_exception = False
    url = reverse("wagtailusers_users:delete", args=[holder.pk])
    assert client.get(url).status_code == 302  # told at once, before confirming
    resp = client.post(url)  # was a 500 (ProtectedError)
    assert resp.status_code == 302, resp.status_code
    assert resp["Location"].startswith("/django-admin/accounts/user/?q=")
    assert User.objects.filter(pk=holder.pk).exists()
    page = client.get(resp["Location"]).content.decode()
    assert "ne peut pas être supprimé" in page and "erase_personal_data" in page
    # a person without protected records is still deleted normally
    plain = make_user("student")
    assert client.post(reverse("wagtailusers_users:delete", args=[plain.pk])).status_code == 302
    assert not User.objects.filter(pk=plain.pk).exists()


@pytest.mark.parametrize("role", ["student", "teacher", "employer", "school_staff"])
def test_every_signed_in_person_finds_their_data_from_the_footer(client, role):
    """The download and erasure page is linked from every page's footer for whoever is signed in (not only students
    and employers), and not from the main menu, which it crowded."""
    client.force_login(make_user(role))
    html = client.get("/badges/verify/").content.decode()
    footer = html[html.index('<footer'):]
    assert 'data-testid="footer-my-data"' in footer and "/accounts/my-data/" in footer
    assert "/accounts/my-data/" not in html[:html.index('<footer')]


def test_a_staged_question_file_is_in_the_export_and_erased(client, fs_staff):
    """A teacher's question file waiting between the import preview and its confirmation is theirs: exported, and
    deleted by erasure (it is not a school record)."""
    from exams import services as exam_services
    from exams.models import QuestionCategory, StagedImport
    from lms.accounts import services

    teacher = make_user("teacher")
    category = QuestionCategory.objects.create(name="Mixage (brouillon)")
    exam_services.stage_import(teacher, "gift", category, "fr", "::Q1:: Le fader sert à ? {=doser ~couper}")
    exported = personal_data.export(teacher)
    staged = next(s["data"]["staged_imports"] for s in exported["sections"] if s["key"] == "exams")
    assert staged and "Le fader sert" in json.dumps(staged, ensure_ascii=False)
    req = services.request_erasure(teacher, "")
    services.carry_out_erasure(req, fs_staff)
    assert not StagedImport.objects.filter(user=teacher).exists()

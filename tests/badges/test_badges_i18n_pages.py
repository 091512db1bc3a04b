"""Achievement names in the reader's language everywhere a person reads them: the holder's list, the student
profile and the school dashboard (through the selectors), the staff list, search, forms and bulk pages, the
upload page, the JSON API, and the e-mail sent on issuance (in the recipient's preferred language).

French at /, English under /en/; an achievement without a French name shows its (signed) name to everyone."""
import html
import json
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from badges import selectors, services
from badges.models import Achievement, BulkIssuance, Credential
from badges_testkit import celery_eager, issue, make_achievement  # noqa: F401 (fixtures)
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]

EN, FR = "Stage Lighting Safety", "Sécurité de l’éclairage scénique"
ONLY_EN = "Rigging Basics"  # an achievement the platform has no French name for


def _text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return html.unescape(resp.content.decode())


@pytest.fixture
def lighting():
    return make_achievement(slug="lighting", name=EN, name_fr=FR, description="Rigging and electrical safety.",
                            description_fr="Accroche et sécurité électrique.")


@pytest.fixture
def rigging():
    return make_achievement(slug="rigging", name=ONLY_EN)


def _assert_french(page: str):
    assert FR in page and EN not in page and ONLY_EN in page


def _assert_english(page: str):
    assert EN in page and FR not in page and ONLY_EN in page


# ------------------------------------------------------------------------------------ holder, profile, dashboard
def test_my_badges_list(client, student, lighting, rigging):
    issue(student, lighting), issue(student, rigging)
    client.force_login(student)
    _assert_french(_text(client.get("/badges/mine/")))
    _assert_english(_text(client.get("/en/badges/mine/")))


def test_holder_page_linkedin_link_uses_the_page_name(client, student, lighting):
    cred = issue(student, lighting)
    client.force_login(student)
    assert f"name={quote(FR.replace(' ', '+'), safe='+')}" in _text(client.get(f"/badges/{cred.pk}/"))
    assert "name=Stage+Lighting+Safety" in _text(client.get(f"/en/badges/{cred.pk}/"))


def test_selectors_follow_the_active_language_or_lang(student, lighting, rigging, django_assert_num_queries):
    issue(student, lighting), issue(student, rigging)
    other = make_user("student")
    with translation.override("fr"):
        with django_assert_num_queries(1):
            rows = selectors.credentials_for_user(student)
        with django_assert_num_queries(1):
            by_user = selectors.credentials_by_user([student.pk, other.pk])
        english = selectors.credentials_for_user(student, lang="en")
    assert sorted(r["name"] for r in rows) == sorted(r["achievement"] for r in rows) == [ONLY_EN, FR]
    assert sorted(r["name"] for r in by_user[student.pk]) == [ONLY_EN, FR] and by_user[other.pk] == []
    assert sorted(r["name"] for r in english) == [ONLY_EN, EN]
    with translation.override("en"):
        assert sorted(r["name"] for r in selectors.credentials_for_user(student)) == [ONLY_EN, EN]
        assert sorted(r["name"] for r in selectors.credentials_for_user(student, "fr")) == [ONLY_EN, FR]


def test_student_profile(client, student, lighting, rigging):
    issue(student, lighting), issue(student, rigging)
    client.force_login(student)
    certifications = re.compile(r"(?s)<h2[^>]*>\s*(?:Certifications)\s*</h2>(.*?)</ul>")
    _assert_french(certifications.search(_text(client.get("/profile/"))).group(1))
    _assert_english(certifications.search(_text(client.get("/en/profile/"))).group(1))


def test_school_dashboard_badge_column(client, student, lighting):
    from partnerships.models import Cohort, CohortMembership, Programme, School, SchoolMember

    school = School.objects.create(name="École A", slug="ecole-a", city="Paris", category="sound")
    cohort = Cohort.objects.create(programme=Programme.objects.create(school=school, name="Son", domain="sound",
                                                                      degree_level=3), graduation_year=2027)
    CohortMembership.objects.create(cohort=cohort, user=student)
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=school, user=staff, role="staff")
    issue(student, lighting)
    client.force_login(staff)
    column = re.compile(r'<span class="badge-line" title="([^"]*)"')
    for lang, name in (("fr", FR), ("en", EN)):
        with translation.override(lang):  # reverse: /school-dashboard/… in French, /en/school-dashboard/… in English
            url = reverse("school_dashboard", args=[school.slug])
        assert url.startswith("/en/") == (lang == "en")
        assert column.findall(_text(client.get(url))) == [name]


def test_api_mine_in_the_clients_language(client, student, lighting):
    issue(student, lighting)
    client.force_login(student)
    fr = client.get("/api/v1/credentials/mine", HTTP_ACCEPT_LANGUAGE="fr").json()
    en = client.get("/api/v1/credentials/mine", HTTP_ACCEPT_LANGUAGE="en").json()
    assert fr["language"] == "fr" and [c["name"] for c in fr["credentials"]] == [FR]
    assert en["language"] == "en" and [c["name"] for c in en["credentials"]] == [EN]


# ------------------------------------------------------------------------------------ staff pages
def test_staff_list_forms_and_jobs(client, fs_staff, lighting, rigging):
    issue(achievement=lighting), issue(achievement=rigging)
    BulkIssuance.objects.create(achievement=lighting, created_by=fs_staff, recipients=[], total=0)
    client.force_login(fs_staff)
    page, en = _text(client.get("/badges/staff/")), _text(client.get("/en/badges/staff/"))
    _assert_french(page)
    _assert_english(en)
    options = re.compile(r'<option value="\d+"[^>]*>([^<]+)</option>')
    # both achievement selectors (single and bulk issuance), ordered by the name the reader sees
    assert [o for o in options.findall(page) if o in (FR, EN, ONLY_EN)] == [ONLY_EN, FR] * 2
    assert [o for o in options.findall(en) if o in (FR, EN, ONLY_EN)] == [ONLY_EN, EN] * 2
    jobs = re.compile(r'href="[^"]*/badges/staff/bulk/\d+/">([^<]*) — ')
    assert jobs.findall(page) == [FR] and jobs.findall(en) == [EN]


def test_achievement_choices_are_ordered_by_the_readers_name():
    make_achievement(slug="a", name="Audio Engineer", name_fr="Technicien son")
    make_achievement(slug="b", name="Boom Operator", name_fr="Perchiste")
    assert [a.slug for a in selectors.achievement_choices("fr")] == ["b", "a"]
    assert [a.slug for a in selectors.achievement_choices("en")] == ["a", "b"]


@pytest.mark.parametrize("query", ["éclairage", "Lighting"])
def test_staff_search_finds_either_name(client, fs_staff, lighting, rigging, query):
    issue(achievement=lighting), issue(achievement=rigging)
    client.force_login(fs_staff)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", _text(client.get("/badges/staff/", {"q": query})), re.S)
    assert len(rows) == 1 and FR in rows[0] and EN not in rows[0]


def test_bulk_page_and_progress(client, fs_staff, lighting):
    job = BulkIssuance.objects.create(achievement=lighting, created_by=fs_staff, recipients=[], total=2, issued=1,
                                      failed=1, status=BulkIssuance.Status.RUNNING)
    client.force_login(fs_staff)
    page = _text(client.get(f"/badges/staff/bulk/{job.pk}/"))
    en = _text(client.get(f"/en/badges/staff/bulk/{job.pk}/"))
    assert f"Émission groupée : {FR}</h1>" in page and EN not in page
    assert "en échec" in page and '<span data-field="status_label">En cours</span>' in page
    assert f"Bulk issuance: {EN}</h1>" in en and FR not in en
    assert " failed " in en and '<span data-field="status_label">Running</span>' in en
    # the script updates the status from the progress JSON: a label in the page's language, not the code
    assert client.get(f"/badges/staff/bulk/{job.pk}/progress.json").json()["status_label"] == "En cours"
    assert client.get(f"/en/badges/staff/bulk/{job.pk}/progress.json").json()["status_label"] == "Running"


def test_bulk_script_writes_the_label():
    from pathlib import Path

    import badges

    script = (Path(badges.__file__).parent / "static/badges/bulk.js").read_text(encoding="utf-8")
    fields = re.search(r"\[([^\]]*)\]\.forEach\(function \(k\) \{ field\(k, d\[k\]\); \}\)", script).group(1)
    assert '"status_label"' in fields and '"status"' not in fields


# ------------------------------------------------------------------------------------ upload page
def test_upload_page_names_our_achievement_in_french(client, lighting):
    cred = issue(achievement=lighting)
    title = re.compile(r'<strong class="plain-title">([^<]*)</strong>')
    assert title.findall(_text(client.post("/badges/verify/", {"text": cred.signed_json}))) == [FR]
    assert title.findall(_text(client.post("/en/badges/verify/", {"text": cred.signed_json}))) == [EN]
    # renamed since: the signed name, not a translation of another text
    Achievement.objects.filter(pk=lighting.pk).update(name="Stage Lighting Safety II", name_fr="Sécurité II")
    assert title.findall(_text(client.post("/badges/verify/", {"text": cred.signed_json}))) == [EN]


def test_upload_page_keeps_a_foreign_name(client, lighting):
    doc = json.loads(issue(achievement=lighting).signed_json)
    doc["credentialSubject"]["achievement"]["id"] = "https://elsewhere.example/achievements/lighting"
    # (altered, so INVALID: its name is only what the file claims)
    claim = re.compile(r'<p class="small muted" id="plain-claim">Le fichier se présente comme « ([^<]*) », délivré')
    assert claim.findall(_text(client.post("/badges/verify/", {"text": json.dumps(doc)}))) == [EN]


# ------------------------------------------------------------------------------------ e-mail on issuance
def _issue_and_mail(user, achievement, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        cred = services.issue_credential(user, achievement).credential
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    return cred, mailoutbox[0]


@pytest.mark.parametrize("page_language", ["fr", "en"])
def test_email_to_a_french_recipient(lighting, mailoutbox, django_capture_on_commit_callbacks, page_language):
    user = make_user("student", preferred_language="fr")
    with translation.override(page_language):  # whoever issues, from whichever page: the recipient's language
        cred, mail = _issue_and_mail(user, lighting, django_capture_on_commit_callbacks, mailoutbox)
    assert mail.subject == f"Votre badge : {FR}"
    assert f"Félicitations ! Flow Stage Academy vous a délivré le badge « {FR} »." in mail.body
    assert f"{services.base_url()}/badges/{cred.pk}/\n" in mail.body  # the French page
    assert f"Lien public de vérification : {services.short_url(cred.short_id)}" in mail.body
    with translation.override("fr"):
        until = date_format(timezone.localtime(cred.valid_until), "DATE_FORMAT")
    assert f"Le badge est valable jusqu’au {until}." in mail.body
    assert EN not in mail.subject + mail.body and "Congratulations" not in mail.body


@pytest.mark.parametrize("page_language", ["fr", "en"])
def test_email_to_an_english_recipient(lighting, mailoutbox, django_capture_on_commit_callbacks, page_language):
    user = make_user("student", preferred_language="en")
    with translation.override(page_language):
        cred, mail = _issue_and_mail(user, lighting, django_capture_on_commit_callbacks, mailoutbox)
    assert mail.subject == f"Your badge: {EN}"
    assert f"Congratulations! Flow Stage Academy has issued you the badge “{EN}”." in mail.body
    assert f"{services.base_url()}/en/badges/{cred.pk}/\n" in mail.body
    with translation.override("en"):
        until = date_format(timezone.localtime(cred.valid_until), "DATE_FORMAT")
    assert f"The badge is valid until {until}." in mail.body
    assert FR not in mail.subject + mail.body and "Félicitations" not in mail.body


def test_email_without_french_name_or_expiry(rigging, mailoutbox, django_capture_on_commit_callbacks):
    Achievement.objects.filter(pk=rigging.pk).update(validity_days=0)
    rigging.refresh_from_db()
    user = make_user("student", preferred_language="fr")
    _cred, mail = _issue_and_mail(user, rigging, django_capture_on_commit_callbacks, mailoutbox)
    assert mail.subject == f"Votre badge : {ONLY_EN}" and "valable jusqu" not in mail.body


def test_email_language_falls_back_to_french(lighting, mailoutbox, django_capture_on_commit_callbacks):
    user = make_user("student")
    type(user).objects.filter(pk=user.pk).update(preferred_language="de")
    user.refresh_from_db()
    with translation.override("en"):
        _cred, mail = _issue_and_mail(user, lighting, django_capture_on_commit_callbacks, mailoutbox)
    assert mail.subject == f"Votre badge : {FR}"


def test_email_after_a_rename_names_what_was_signed(lighting, mailoutbox):
    user = make_user("student", preferred_language="fr")
    cred = issue(user, lighting)
    Achievement.objects.filter(pk=lighting.pk).update(name="Renamed", name_fr="Renommé")
    services.notify_holder(cred.pk)
    assert mailoutbox[0].subject == f"Votre badge : {EN}"
    assert Credential.objects.get(pk=cred.pk).texts("fr")["name"] == EN


def test_recipient_language():
    assert services.recipient_language(make_user(preferred_language="en")) == "en"
    assert services.recipient_language(make_user(preferred_language="fr")) == "fr"
    assert services.recipient_language(object()) == "fr"

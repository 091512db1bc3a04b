"""Student profile: services, pages, permissions and bad input (each a clear message, nothing saved)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from lms.accounts import selectors, services
from lms.accounts.models import (
    AcademicProject,
    Connection,
    PeerReview,
    PortfolioItem,
    ReadinessSnapshot,
    StudentProfile,
    TargetRole,
    TechnicalSkill,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def mgmt(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def career_post(**over):
    data = {"mobility": "national", "mobility_notes": "", "salary_min": "600", "salary_max": "900",
            **mgmt("role", 1), "role-0-title": "Assistant FOH", **mgmt("sect"), **mgmt("avail"), **mgmt("ment")}
    data.update(over)
    return data


@pytest.fixture
def profile(student):
    return services.get_or_create_profile(student)


# --- access ------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/profile/", "/profile/edit/", "/profile/edit/skills/", "/profile/readiness/",
                                 "/student/", "/en/profile/edit/career/"])
def test_anonymous_is_sent_to_login(client, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_non_student_gets_403(client, teacher):
    client.force_login(teacher)
    assert client.get("/profile/edit/").status_code == 403
    assert client.get("/student/").status_code == 403


def test_dashboard_sends_students_to_their_dashboard(client, student):
    client.force_login(student)
    resp = client.get("/dashboard/")
    assert resp.status_code == 302 and resp["Location"].endswith("/student/")


@pytest.mark.parametrize("lang", ["", "/en"])
def test_every_student_page_renders(client, student, lang):
    client.force_login(student)
    for url in ["/student/", "/profile/", "/profile/edit/", "/profile/readiness/"] + [
            f"/profile/edit/{s}/" for s in ("about", "academic", "skills", "portfolio", "career", "experience",
                                            "visibility")]:
        resp = client.get(lang + url)
        assert resp.status_code == 200, url
    assert client.get(lang + "/profile/edit/nope/").status_code == 404


def test_private_profile_is_404_for_others(client, profile):
    url = f"/p/{profile.public_id}/"
    other = make_user("student")
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(profile.user)
    assert client.get(url).status_code == 200  # the owner previews it


def test_public_profile_shows_only_what_is_public(client, profile):
    StudentProfile.objects.filter(pk=profile.pk).update(
        is_public=True, public_skills=False, headline="Sound engineer", salary_min=Decimal("700"),
        salary_max=Decimal("900"))
    services.set_skill_level(profile, "Secret skill", 3)
    TargetRole.objects.create(profile=profile, title="FOH assistant")
    html = client.get(f"/en/p/{profile.public_id}/").content.decode()
    assert "Sound engineer" in html and "FOH assistant" in html
    assert "Secret skill" not in html  # skills hidden
    assert "700" not in html  # pay expectations are never public
    assert "Job-readiness score" not in html  # off by default


def test_unknown_public_id_is_404(client):
    assert client.get("/p/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- editing sections -------------------------------------------------------------------------
def test_edit_about_saves(client, profile):
    client.force_login(profile.user)
    resp = client.post("/profile/edit/about/", {"headline": "Ingé son", "looking_for": "Stage live", "bio": ""})
    assert resp.status_code == 302
    profile.refresh_from_db()
    assert profile.headline == "Ingé son"


def test_add_edit_delete_rows(client, profile):
    client.force_login(profile.user)
    data = {**mgmt("tech", 1), "tech-0-name": "Mixage façade", "tech-0-level": "2", **mgmt("soft")}
    assert client.post("/profile/edit/skills/", data).status_code == 302
    skill = TechnicalSkill.objects.get(profile=profile)
    data = {**mgmt("tech", 1, 1), "tech-0-id": skill.pk, "tech-0-name": "Mixage façade", "tech-0-level": "4",
            **mgmt("soft")}
    assert client.post("/profile/edit/skills/", data).status_code == 302
    skill.refresh_from_db()
    assert skill.level == 4
    assert skill.history.count() == 2
    data.update({"tech-0-DELETE": "on"})
    assert client.post("/profile/edit/skills/", data).status_code == 302
    assert not TechnicalSkill.objects.filter(profile=profile).exists()


def test_student_cannot_edit_another_students_rows(client, profile):
    victim_skill = services.set_skill_level(profile, "FOH", 2)
    intruder = make_user("student")
    client.force_login(intruder)
    data = {**mgmt("tech", 1, 1), "tech-0-id": victim_skill.pk, "tech-0-name": "Hacked", "tech-0-level": "5",
            **mgmt("soft")}
    client.post("/profile/edit/skills/", data)  # a row id outside one's own profile is ignored
    victim_skill.refresh_from_db()
    assert (victim_skill.name, victim_skill.level) == ("FOH", 2)
    data["tech-0-DELETE"] = "on"
    client.post("/profile/edit/skills/", data)
    assert TechnicalSkill.objects.filter(pk=victim_skill.pk).exists()
    assert TechnicalSkill.objects.count() == 1  # and nothing was created for the intruder either


def test_salary_min_above_max_is_refused_and_nothing_saved(client, profile):
    client.force_login(profile.user)
    resp = client.post("/en/profile/edit/career/", career_post(salary_min="1200", salary_max="800"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "The upper bound must be at least the lower bound." in html
    assert "Nothing was saved" in html
    profile.refresh_from_db()
    assert profile.salary_min is None and profile.mobility == ""
    assert not TargetRole.objects.filter(profile=profile).exists()  # the valid row of the same page neither


def test_salary_constraint_in_database(profile):
    profile.salary_min, profile.salary_max = Decimal("900"), Decimal("100")
    with pytest.raises(IntegrityError), transaction.atomic():
        profile.save()


def test_salary_range_saved_when_valid(client, profile):
    client.force_login(profile.user)
    assert client.post("/profile/edit/career/", career_post()).status_code == 302
    profile.refresh_from_db()
    assert (profile.salary_min, profile.salary_max) == (Decimal("600"), Decimal("900"))
    assert TargetRole.objects.filter(profile=profile).count() == 1


def academic_post(**rows):
    data = {"gpa": "", "gpa_scale": "20", **mgmt("spec"), **mgmt("lang"), **mgmt("acad", 1),
            "acad-0-title": "Concert", "acad-0-year": "2025", "acad-0-url": "", "acad-0-description": ""}
    data.update(rows)
    return data


def test_year_1850_is_refused(client, profile):
    client.force_login(profile.user)
    resp = client.post("/en/profile/edit/academic/", academic_post(**{"acad-0-year": "1850"}))
    assert resp.status_code == 200
    assert "Enter a year between 1950 and 2100." in resp.content.decode()
    assert not AcademicProject.objects.exists()


def test_gpa_above_scale_refused(client, profile):
    client.force_login(profile.user)
    resp = client.post("/en/profile/edit/academic/", academic_post(gpa="3.5", gpa_scale="4"))
    assert resp.status_code == 302
    resp = client.post("/en/profile/edit/academic/", academic_post(gpa="21", gpa_scale="20"))
    assert "cannot be above 20" in resp.content.decode()
    profile.refresh_from_db()
    assert profile.gpa == Decimal("3.5")


def portfolio_post(**over):
    data = {**mgmt("port", 1), "port-0-title": "Live", "port-0-role": "FOH", "port-0-year": "2026",
            "port-0-link": "https://example.org/live", "port-0-description": ""}
    data.update(over)
    return data


def test_portfolio_link_must_be_a_url(client, profile):
    client.force_login(profile.user)
    resp = client.post("/en/profile/edit/portfolio/", portfolio_post(**{"port-0-link": "not a url"}))
    assert resp.status_code == 200
    assert "Enter a valid URL." in resp.content.decode()
    assert not PortfolioItem.objects.exists()


def test_portfolio_year_1850_refused(client, profile):
    client.force_login(profile.user)
    resp = client.post("/en/profile/edit/portfolio/", portfolio_post(**{"port-0-year": "1850"}))
    assert "Enter a year between 1950 and 2100." in resp.content.decode()
    assert not PortfolioItem.objects.exists()


def test_portfolio_oversized_upload_refused(client, profile, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024  # keep the test light: 1 MB limit, 1 MB + 1 byte file
    client.force_login(profile.user)
    big = SimpleUploadedFile("mix.wav", b"\0" * (1024 * 1024 + 1), content_type="audio/wav")
    resp = client.post("/en/profile/edit/portfolio/", portfolio_post(**{"port-0-file": big}))
    assert resp.status_code == 200
    assert "the limit is 1.0" in resp.content.decode()
    assert not PortfolioItem.objects.exists()


def test_portfolio_default_limit_is_20_mb(client, profile):
    client.force_login(profile.user)
    big = SimpleUploadedFile("mix.wav", b"\0" * (20 * 1024 * 1024 + 1), content_type="audio/wav")
    resp = client.post("/en/profile/edit/portfolio/", portfolio_post(**{"port-0-file": big}))
    assert "the limit is 20.0" in resp.content.decode()
    assert not PortfolioItem.objects.exists()


def test_portfolio_bad_extension_refused_and_good_file_saved(client, profile):
    client.force_login(profile.user)
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    resp = client.post("/en/profile/edit/portfolio/", portfolio_post(**{"port-0-file": exe}))
    assert "File extension “exe” is not allowed." in resp.content.decode()
    pdf = SimpleUploadedFile("dossier.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post("/en/profile/edit/portfolio/", portfolio_post(**{"port-0-file": pdf})).status_code == 302
    item = PortfolioItem.objects.get()
    assert item.file.name.endswith(".pdf")


def test_availability_end_before_start_refused(client, profile):
    client.force_login(profile.user)
    data = career_post(**{**mgmt("avail", 1), "avail-0-start": "2027-07-31", "avail-0-end": "2027-05-01",
                          "avail-0-note": ""})
    resp = client.post("/en/profile/edit/career/", data)
    assert "The end date must be on or after the start date." in resp.content.decode()


# --- services and selectors -------------------------------------------------------------------
def test_set_skill_level_records_history_for_the_chart(profile):
    services.set_skill_level(profile, "FOH", 2)
    services.set_skill_level(profile, "foh", 2)  # same level, same skill (case-insensitive): no new point
    services.set_skill_level(profile, "FOH", 4)
    [(name, points)] = selectors.skill_history(profile)
    assert name == "FOH" and [lvl for _d, lvl in points] == [2, 4]
    with pytest.raises(ValidationError):
        services.set_skill_level(profile, "FOH", 6)


def test_profile_page_chart_changes_with_a_level(client, profile):
    services.set_skill_level(profile, "FOH", 2)
    client.force_login(profile.user)
    before = client.get("/profile/").content.decode()
    assert 'id="skill-chart"' in before
    services.set_skill_level(profile, "FOH", 5)
    after = client.get("/profile/").content.decode()
    chart = lambda html: html[html.index('id="skill-chart"'):html.index("</figure>", html.index('id="skill-chart"'))]  # noqa: E731
    assert chart(before) != chart(after)


def test_peer_review_rules(profile):
    reviewer = make_user("teacher")
    services.leave_peer_review(student=profile.user, reviewer=reviewer, rating=4, text="Bien")
    services.leave_peer_review(student=profile.user, reviewer=reviewer, rating=5, text="Très bien")
    assert PeerReview.objects.get().rating == 5  # one per reviewer
    with pytest.raises(ValidationError):
        services.leave_peer_review(student=profile.user, reviewer=profile.user, rating=5, text="Moi")
    with pytest.raises(ValidationError):
        services.leave_peer_review(student=profile.user, reviewer=reviewer, rating=0, text="x")


def test_peer_review_db_constraints(profile):
    with pytest.raises(IntegrityError), transaction.atomic():
        PeerReview.objects.create(student=profile.user, reviewer=profile.user, rating=3, text="x")


def test_review_and_connect_over_http(client, profile):
    StudentProfile.objects.filter(pk=profile.pk).update(is_public=True)
    other = make_user("student")
    client.force_login(other)
    url = f"/en/p/{profile.public_id}/"
    client.post(url + "review/", {"rating": "4", "text": "Great teammate"})
    assert PeerReview.objects.filter(student=profile.user, reviewer=other, rating=4).exists()
    client.post(url + "connect/")
    assert selectors.are_connected(profile.user.pk, other.pk)
    assert "Great teammate" in client.get(url).content.decode()
    client.post(url + "connect/", {"action": "disconnect"})
    assert not Connection.objects.exists()
    # the owner cannot review themselves
    client.force_login(profile.user)
    resp = client.post(url + "review/", {"rating": "5", "text": "Me"}, follow=True)
    assert "You cannot review yourself." in resp.content.decode()
    assert PeerReview.objects.count() == 1


def test_connection_is_stored_once_and_not_with_self(profile):
    other = make_user("student")
    services.connect(profile.user, other)
    services.connect(other, profile.user)
    assert Connection.objects.count() == 1
    assert selectors.connection_count(profile.user.pk) == 1
    with pytest.raises(ValidationError):
        services.connect(other, other)


def test_completeness_counts_the_checklist(profile):
    data = selectors.profile_data(profile)
    empty = selectors.completeness(data)
    assert empty["filled"] == 0 and empty["total"] == len(selectors.CHECKLIST)
    profile.headline = "x"
    profile.save()
    services.set_skill_level(profile, "A", 1)
    services.set_skill_level(profile, "B", 1)
    services.set_skill_level(profile, "C", 1)
    assert selectors.completeness(selectors.profile_data(profile))["filled"] == 2


def test_profile_data_queries_are_bounded(profile, django_assert_max_num_queries):
    for i in range(8):
        services.set_skill_level(profile, f"skill {i}", 3)
        PortfolioItem.objects.create(profile=profile, title=f"p{i}", year=2025)
    with django_assert_max_num_queries(14):
        selectors.profile_data(profile)


def test_gather_queries_are_bounded(profile, django_assert_max_num_queries):
    from lms.readiness_inputs import gather

    for i in range(6):
        services.set_skill_level(profile, f"skill {i}", 3)
    with django_assert_max_num_queries(40):
        inputs = gather(profile.user)
    assert len(inputs.technical_levels) == 6


# --- readiness pages, snapshots, task -------------------------------------------------------------
def test_readiness_page_shows_components_and_trend(client, profile):
    services.record_readiness_snapshot(profile.user, datetime.date(2026, 1, 1), Decimal("10"), {})
    services.set_skill_level(profile, "FOH", 5)
    client.force_login(profile.user)
    html = client.get("/en/profile/readiness/").content.decode()
    for label in ("Profile completeness", "Technical skills", "Practical experience", "Portfolio", "Weight", "Points"):
        assert label in html
    assert "since January 2026" in html


def test_snapshot_task_is_idempotent(profile):
    from lms.tasks import snapshot_job_readiness

    make_user("teacher")  # not a student: no snapshot
    assert snapshot_job_readiness.delay("2026-03-15").get() == 1
    assert snapshot_job_readiness.delay("2026-03-02").get() == 1
    snap = ReadinessSnapshot.objects.get()
    assert snap.month == datetime.date(2026, 3, 1)
    assert set(snap.components) >= {"profile", "skills", "experience"}


def test_record_snapshot_constraints(profile):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadinessSnapshot.objects.create(user=profile.user, month=datetime.date(2026, 1, 1), score=Decimal("101"))


@pytest.mark.demo
def test_demo_marie_has_a_full_profile_and_a_trend(django_db_blocker):
    from django.core.management import call_command

    from lms.readiness import trend

    call_command("seed_demo")
    marie = StudentProfile.objects.get(user__email="marie.dubois@demo.flowstage.test")
    data = selectors.profile_data(marie)
    assert {"Pro Tools", "Logic Pro"} <= {s.software for s in data.software_skills}
    assert len(data.portfolio) >= 4 and data.internships and data.availability
    assert data.availability[0].start.month == 5 and data.availability[0].end.month == 7
    series = selectors.skill_history(marie)
    assert all(len(points) >= 2 for _n, points in series)
    t = trend(selectors.readiness_snapshots(marie.user))
    assert t["months"] == 12 and t["delta"] > 20


def test_admin_pages_of_profiles(client, profile):
    admin_user = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    services.set_skill_level(profile, "FOH", 3)
    for url in ["/django-admin/accounts/user/", "/django-admin/accounts/studentprofile/",
                f"/django-admin/accounts/studentprofile/{profile.pk}/change/",
                f"/django-admin/accounts/studentprofile/{profile.pk}/history/",
                "/django-admin/accounts/readinesssnapshot/", "/django-admin/accounts/user/add/"]:
        assert client.get(url).status_code == 200, url


def test_student_dashboard_composes_each_apps_block(client, student):
    from lms import views_profile

    assert [t for t, _build in views_profile.STUDENT_DASHBOARD_BLOCKS] == [
        "courses/blocks/student_dashboard.html", "exams/blocks/student_dashboard.html",
        "badges/blocks/student_dashboard.html", "careers/blocks/student_dashboard.html"]
    client.force_login(student)
    html = client.get("/en/student/").content.decode()
    for block in ("courses", "exams", "badges", "careers"):
        assert f'data-block="{block}"' in html, block
    assert "Profile completeness" in html and "Job-readiness score" in html


def test_readiness_chart_ends_at_the_score_shown(client, student, profile):
    import re

    from django.utils import timezone

    from lms import readiness_inputs

    today = timezone.localdate()
    month = today.replace(day=1)
    last_month = (month - datetime.timedelta(days=1)).replace(day=1)
    ReadinessSnapshot.objects.create(user=student, month=last_month, score=Decimal("52"))
    ReadinessSnapshot.objects.create(user=student, month=month, score=Decimal("91"))  # older than today's score
    score = readiness_inputs.readiness_for(student).rounded
    client.force_login(student)
    html = client.get("/profile/readiness/").content.decode()
    titles = re.findall(r"<circle [^>]*><title>([^<]*)</title></circle>", html)
    assert titles[-1] == f"aujourd’hui: {score}/100" and len(titles) == 2
    assert f"{score}/100" in html

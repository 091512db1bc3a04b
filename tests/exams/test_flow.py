"""The exam flow through services, HTTP pages and the JSON API, with the abuse cases."""
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from exams import grading, selectors, services
from exams.models import Attempt, AttemptQuestion, Exam, PrerequisiteExemption, Question, Registration
from exams.signals import certification_passed
from tests.confirming import post_confirmed
from tests.exams import helpers as h
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    return h.make_certification()


@pytest.fixture
def candidate(cert):
    return h.registered_student(cert)


@pytest.fixture
def fs_examiner(db):
    from tests.factories import make_user

    return make_user("flowstage_staff")


@pytest.fixture
def passed_events():
    events = []

    def receiver(sender, attempt, **kw):
        events.append(attempt.pk)

    certification_passed.connect(receiver, weak=False)
    yield events
    certification_passed.disconnect(receiver)


def put_answer(client, headers, attempt, aq_id, response):
    return client.put(f"/api/v1/exams/attempts/{attempt.pk}/answers/{aq_id}",
                      data=json.dumps({"response": response}), content_type="application/json", **headers)


def levels_for(rubric, picks):
    crit = list(rubric.criteria.order_by("position"))
    return {str(c.pk): str(c.levels.order_by("position")[i].pk) for c, i in zip(crit, picks)}


# --- Registration --------------------------------------------------------------------------------

def test_registration_records_fee_and_prerequisites(cert, candidate):
    reg = Registration.objects.get(user=candidate, certification=cert)
    assert reg.fee == Decimal("149.00")
    assert [p["code"] for p in reg.prerequisites] == ["curriculum", "experience", "software", "portfolio"]
    assert all(p["met"] for p in reg.prerequisites)


def test_registration_refused_without_entitlement(cert):
    school = h.entitled_school("Sans certification", entitled=False)
    user = h.sound_student(school)
    h.give_profile(user)
    with pytest.raises(services.ExamError) as exc:
        services.register(cert, user)
    assert exc.value.status == 403
    assert not Registration.objects.filter(user=user).exists()


def test_registration_refused_with_missing_prerequisites_then_exemption(cert):
    school = h.entitled_school("Cinéma school")
    user = h.sound_student(school, domain="cinema")
    h.give_profile(user, months=1)
    with pytest.raises(services.ExamError) as exc:
        services.register(cert, user)
    assert "cinema" in exc.value.message or "audio" in exc.value.message
    staff = h.make_user("flowstage_staff")
    services.grant_exemption(cert, user, "curriculum", "Sound option validated by the jury", staff)
    services.grant_exemption(cert, user, "experience", "Festival crew work attested", staff)
    reg = services.register(cert, user)
    assert {p["code"] for p in reg.prerequisites if p["exempted"]} == {"curriculum", "experience"}
    assert PrerequisiteExemption.objects.filter(user=user).count() == 2


def test_registration_page_shows_met_and_missing(client, cert):
    school = h.entitled_school("Page school")
    user = h.sound_student(school)
    h.give_profile(user, projects=2)
    client.force_login(user)
    page = client.get(reverse("exams:certification", kwargs={"code": cert.code})).content.decode()
    assert page.count("pill--ok") >= 3 and "pill--bad" in page
    assert "2 documented projects, 5 required" in page
    resp = client.post(reverse("exams:certification", kwargs={"code": cert.code}))
    assert resp.status_code == 302 and not Registration.objects.filter(user=user).exists()


def test_register_through_page(client, cert):
    user = h.sound_student(h.entitled_school("Reg school"))
    h.give_profile(user)
    client.force_login(user)
    post_confirmed(client, reverse("exams:certification", kwargs={"code": cert.code}))
    assert Registration.objects.get(user=user).fee == Decimal("149.00")
    assert client.get(reverse("exams:certifications")).status_code == 200


def test_unregistered_cannot_start(cert):
    user = h.sound_student(h.entitled_school("Unreg"))
    with pytest.raises(services.ExamError, match="Register"):
        services.start_attempt(cert.exam, user)


# --- Taking --------------------------------------------------------------------------------------

def test_start_is_reproducible_and_keeps_versions(cert, candidate):
    attempt = services.start_attempt(cert.exam, candidate)
    assert services.start_attempt(cert.exam, candidate).pk == attempt.pk  # resume, not a second attempt
    rows = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position"))
    assert len(rows) == 7
    # Editing a used question creates a new version; the attempt keeps the old one.
    q = rows[0].version.question
    old_version = rows[0].version
    q.text_fr = "Texte corrigé"
    q.save()
    assert q.version == old_version.number + 1
    rows[0].refresh_from_db()
    assert rows[0].version_id == old_version.pk
    # Editing an unused version edits it in place.
    q.text_fr = "Encore corrigé"
    q.save()
    assert q.version == old_version.number + 1


def test_one_open_attempt_db_constraint(cert, candidate):
    a = services.start_attempt(cert.exam, candidate)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(exam=cert.exam, user=candidate, number=2, seed=1, deadline=a.deadline)


def test_full_flow_http_and_api(client, api_token, cert, candidate, examiner, fs_examiner, passed_events,
                                django_capture_on_commit_callbacks):
    headers = api_token(candidate)
    r = client.post(f"/api/v1/exams/{cert.exam.pk}/attempts", **headers)
    assert r.status_code == 200, r.content
    attempt = Attempt.objects.get(pk=r.json()["id"])
    data = client.get(f"/api/v1/exams/attempts/{attempt.pk}", **headers).json()
    assert len(data["questions"]) == 7
    raw = json.dumps(data)
    assert "fraction" not in raw and "Explication secrète" not in raw and "Front of house" not in raw
    # Answer everything right through the API (theory 100 %).
    for q in data["questions"]:
        aq = AttemptQuestion.objects.select_related("attempt", "version").get(pk=q["id"])
        right = h.as_client(aq, grading.right_response(aq.version.qtype, aq.version.key))  # the attempt's ids
        r = put_answer(client, headers, attempt, q["id"], right)
        assert r.status_code == 200 and r.json()["changed"] is True
    # Unchanged answer: acknowledged, not rewritten.
    r = put_answer(client, headers, attempt, q["id"], right)
    assert r.json()["changed"] is False
    # The HTML page keeps the answers and never shows the key or feedback.
    client.force_login(candidate)
    page = client.get(reverse("exams:take", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert "checked" in page and "Explication secrète" not in page and "fraction" not in page
    assert 'aria-live="polite"' in page
    assert client.get(f"/api/v1/exams/attempts/{attempt.pk}/result", **headers).status_code == 409
    # Submit twice (two tabs): one grading.
    r1 = client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", **headers)
    r2 = client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", **headers)
    assert r1.status_code == r2.status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING and attempt.theory_pct == 100
    # Examiner queue → rubric → sign off: 100 × 0.6 + 62.5 × 0.4 = 85.
    from partnerships.models import SchoolMember

    school = selectors_school(candidate)
    SchoolMember.objects.create(school=school, user=examiner, role="examiner")
    client.force_login(examiner)
    queue = client.get(reverse("exams:examiner_queue")).content.decode()
    assert candidate.get_display_name() in queue
    rubric = cert.exam.rubric
    form = {f"level-{c}": lv for c, lv in levels_for(rubric, [2, 1, 2]).items()}  # 30 + 10 + 15 = 55 / 80
    form["sign_off"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        resp = post_confirmed(client, reverse("exams:assess", kwargs={"attempt_id": attempt.pk}), form)
    assert resp.status_code == 302
    attempt.refresh_from_db()
    assert attempt.practical_pct == Decimal("68.75")
    assert attempt.final_pct == Decimal("87.5") and attempt.passed
    assert passed_events == [attempt.pk]
    # Student result page: breakdown and the review (now the key may show).
    client.force_login(candidate)
    page = client.get(f"/en/exams/attempts/{attempt.pk}/result/").content.decode()
    assert "87.5" in page and "68.8" in page and "Explication secrète" in page
    res = client.get(f"/api/v1/exams/attempts/{attempt.pk}/result", **headers).json()
    assert res["passed"] is True and Decimal(res["final_pct"]) == Decimal("87.5")


def selectors_school(user):
    from partnerships.selectors import student_school

    return student_school(user)


def test_no_js_form_post_saves_and_submits(client, cert, candidate):
    attempt = services.start_attempt(cert.exam, candidate)
    client.force_login(candidate)
    questions = selectors.attempt_questions(attempt, "fr")
    form = {}
    for q in questions:
        aq = AttemptQuestion.objects.select_related("attempt", "version").get(pk=q["id"])
        right = h.as_client(aq, grading.right_response(aq.version.qtype, aq.version.key))  # the attempt's ids
        name = f"q-{q['id']}"
        if q["type"] == "single":
            form[name] = right["choice"]
        elif q["type"] == "multiple":
            form[name] = right["choices"]
        elif q["type"] == "truefalse":
            form[name] = "true"
        elif q["type"] == "numeric":
            form[name] = right["value"]
        elif q["type"] == "short":
            form[name] = "  front OF house "
        elif q["type"] == "matching":
            for left in q["left"]:
                form[f"{name}-{left['id']}"] = right["pairs"][left["id"]]
        elif q["type"] == "ordering":
            for i, item in enumerate(right["order"], start=1):
                form[f"{name}-{i}"] = item
    form["submit"] = "1"
    resp = post_confirmed(client, reverse("exams:take", kwargs={"attempt_id": attempt.pk}), form)
    assert resp.status_code == 302
    attempt.refresh_from_db()
    assert attempt.theory_pct == 100 and attempt.status == Attempt.Status.AWAITING


# --- Abuse ---------------------------------------------------------------------------------------

def test_abuse_cases(client, api_token, cert, candidate):
    headers = api_token(candidate)
    attempt = services.start_attempt(cert.exam, candidate)
    aq = AttemptQuestion.objects.select_related("version").filter(attempt=attempt, version__qtype="single").get()
    short = AttemptQuestion.objects.filter(attempt=attempt, version__qtype="short").get()
    # Question not in the attempt.
    other_cert = h.make_certification(types=("single",))
    other_user = h.registered_student(other_cert)
    other_attempt = services.start_attempt(other_cert.exam, other_user)
    foreign_aq = AttemptQuestion.objects.get(attempt=other_attempt)
    assert put_answer(client, headers, attempt, foreign_aq.pk, {"choice": "a"}).status_code == 404
    # Another student's attempt.
    assert put_answer(client, headers, other_attempt, foreign_aq.pk, {"choice": "a"}).status_code == 404
    assert client.get(f"/api/v1/exams/attempts/{other_attempt.pk}", **headers).status_code == 404
    client.force_login(candidate)
    assert client.get(reverse("exams:take", kwargs={"attempt_id": other_attempt.pk})).status_code == 403
    # Tampered choice id.
    r = put_answer(client, headers, attempt, aq.pk, {"choice": "zzz"})
    assert r.status_code == 422 and "unknown choice" in r.json()["detail"]
    # 1 MB short answer.
    r = put_answer(client, headers, attempt, short.pk, {"text": "x" * 1_000_000})
    assert r.status_code == 422 and "too long" in r.json()["detail"]
    assert AttemptQuestion.objects.get(pk=short.pk).response is None
    # After submission.
    services.submit_attempt(attempt)
    r = put_answer(client, headers, attempt, aq.pk, {"choice": "a"})
    assert r.status_code == 409
    assert AttemptQuestion.objects.get(pk=aq.pk).response is None


def test_after_deadline_closed_by_server_with_saved_answers(client, api_token, cert, candidate):
    headers = api_token(candidate)
    attempt = services.start_attempt(cert.exam, candidate)
    aq = AttemptQuestion.objects.select_related("attempt", "version").filter(attempt=attempt,
                                                                             version__qtype="single").get()
    a, b = h.as_client(aq, {"choice": "a"}), h.as_client(aq, {"choice": "b"})  # as the client names them
    assert put_answer(client, headers, attempt, aq.pk, a).status_code == 200
    # Within the grace period: still accepted.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=10))
    assert put_answer(client, headers, attempt, aq.pk, b).status_code == 200
    # Past deadline + grace: refused, attempt closed with what was saved.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=31))
    r = put_answer(client, headers, attempt, aq.pk, a)
    assert r.status_code == 409
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING and attempt.closed_by_server
    assert AttemptQuestion.objects.get(pk=aq.pk).response == {"choice": "b"}


def test_celery_task_closes_expired_attempts(cert, candidate):
    from exams.tasks import close_expired_attempts

    attempt = services.start_attempt(cert.exam, candidate)
    assert close_expired_attempts() == 0
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    assert close_expired_attempts.delay().get() == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING and attempt.closed_by_server
    assert close_expired_attempts() == 0  # idempotent


def test_accommodation_moves_deadline(cert, candidate):
    from exams.models import Accommodation

    Accommodation.objects.create(user=candidate, extra_minutes=20)
    attempt = services.start_attempt(cert.exam, candidate)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=cert.exam.time_limit_minutes + 20)
    assert attempt.hard_deadline - attempt.deadline == timedelta(seconds=30)


def test_max_attempts_waiting_period_and_window(cert, candidate):
    exam = cert.exam
    exam.max_attempts, exam.wait_between_attempts = 2, timedelta(days=7)
    exam.save()
    a = services.start_attempt(exam, candidate)
    services.submit_attempt(a)
    with pytest.raises(services.ExamError, match="try again"):
        services.start_attempt(exam, candidate)
    later = timezone.now() + timedelta(days=8)
    b = services.start_attempt(exam, candidate, now=later)
    services.submit_attempt(b, now=later)
    with pytest.raises(services.ExamError, match="all 2 attempts"):
        services.start_attempt(exam, candidate, now=later + timedelta(days=30))
    exam.available_until = timezone.now() - timedelta(days=1)
    exam.save()
    assert "closed" in services.start_check(exam, candidate)


# --- Practical, signal ---------------------------------------------------------------------------

def _awaiting(cert, candidate, theory_right=True):
    attempt = services.start_attempt(cert.exam, candidate)
    if theory_right:
        h.all_right(attempt)
    return services.submit_attempt(attempt)


def test_rubric_scores_out_of_range_refused(cert, candidate, fs_examiner):
    attempt = _awaiting(cert, candidate)
    rubric = cert.exam.rubric
    c1, c2 = list(rubric.criteria.order_by("position"))[:2]
    foreign_level = c2.levels.first().pk
    with pytest.raises(services.ExamError, match="out of range") as exc:
        services.score_practical(attempt, fs_examiner, {str(c1.pk): str(foreign_level)})
    assert exc.value.status == 422
    with pytest.raises(services.ExamError, match="Unknown"):
        services.score_practical(attempt, fs_examiner, {"999999": "1"})
    with pytest.raises(services.ExamError, match="every criterion"):
        services.score_practical(attempt, fs_examiner, {str(c1.pk): str(c1.levels.first().pk)}, sign_off=True)
    assert not attempt.assessments.exists()


def test_rubric_form_error_http(client, cert, candidate, fs_examiner):
    attempt = _awaiting(cert, candidate)
    client.force_login(fs_examiner)
    c1 = cert.exam.rubric.criteria.first()
    resp = client.post(reverse("exams:assess", kwargs={"attempt_id": attempt.pk}),
                       {f"level-{c1.pk}": "987654", "sign_off": "1"})
    assert resp.status_code == 422 and "alert--error" in resp.content.decode()


def test_signal_once_and_not_for_failure(cert, candidate, fs_examiner, passed_events, django_capture_on_commit_callbacks):
    attempt = _awaiting(cert, candidate)
    with django_capture_on_commit_callbacks(execute=True):
        services.score_practical(attempt, fs_examiner, levels_for(cert.exam.rubric, [3, 3, 3]), sign_off=True)
    assert passed_events == [attempt.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_attempt(attempt)  # idempotent: nothing new
    assert passed_events == [attempt.pk]
    # A failed attempt sends nothing.
    other = h.registered_student(cert)
    failed = _awaiting(cert, other, theory_right=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.score_practical(failed, fs_examiner, levels_for(cert.exam.rubric, [0, 0, 0]), sign_off=True)
    failed.refresh_from_db()
    assert failed.passed is False and passed_events == [attempt.pk]


def test_signal_not_sent_when_transaction_rolls_back(cert, candidate, fs_examiner, passed_events):
    attempt = _awaiting(cert, candidate)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.score_practical(attempt, fs_examiner, levels_for(cert.exam.rubric, [3, 3, 3]), sign_off=True)
        raise RuntimeError("boom")
    assert passed_events == []


def test_second_examiner_mean(cert, candidate, fs_examiner, examiner):
    from partnerships.models import SchoolMember

    SchoolMember.objects.create(school=selectors_school(candidate), user=examiner, role="examiner")
    attempt = _awaiting(cert, candidate)
    services.request_second_examiner(attempt, fs_examiner)
    services.score_practical(attempt, fs_examiner, levels_for(cert.exam.rubric, [3, 3, 3]), sign_off=True)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING
    assert [a.queue_role for a in selectors.examiner_queue(examiner)] == [2]
    services.score_practical(attempt, examiner, levels_for(cert.exam.rubric, [1, 1, 1]), sign_off=True)
    attempt.refresh_from_db()
    assert attempt.practical_pct == Decimal(75)  # mean of 100 and 50
    assert attempt.final_pct == Decimal(90)


def test_examiner_of_other_school_cannot_assess(client, cert, candidate, examiner):
    attempt = _awaiting(cert, candidate)
    client.force_login(examiner)
    assert client.get(reverse("exams:assess", kwargs={"attempt_id": attempt.pk})).status_code == 403
    assert selectors.examiner_queue(examiner) == []


def test_student_cannot_open_examiner_queue(client, candidate):
    client.force_login(candidate)
    assert client.get(reverse("exams:examiner_queue")).status_code == 403


# --- Weights -------------------------------------------------------------------------------------

def test_weights_not_summing_to_100_form_error(cert):
    from django.core.exceptions import ValidationError

    exam = cert.exam
    exam.theory_weight, exam.practical_weight = Decimal(60), Decimal(30)
    with pytest.raises(ValidationError, match="sum to 100"):
        exam.full_clean()


def test_weights_admin_form_error(client, cert):
    from tests.factories import make_user

    admin = make_user(None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:exams_exam_change", args=[cert.exam.pk])
    assert client.get(url).status_code == 200
    data = {"title_fr": "Examen", "title_en": "", "slug": cert.exam.slug, "instructions_fr": "", "instructions_en": "",
            "theory_weight": "60", "practical_weight": "30", "pass_mark": "75", "rubric": cert.exam.rubric_id,
            "time_limit_minutes": "60", "max_attempts": "3", "wait_between_attempts": "0", "grace_seconds": "30",
            "fixed_questions-TOTAL_FORMS": "0", "fixed_questions-INITIAL_FORMS": "0",
            "random_draws-TOTAL_FORMS": "0", "random_draws-INITIAL_FORMS": "0"}
    resp = client.post(url, data)
    assert resp.status_code == 200 and "sum to 100" in resp.content.decode()
    cert.exam.refresh_from_db()
    assert cert.exam.practical_weight == 40


def test_used_rubric_is_locked_and_new_version_copies(cert, candidate, fs_examiner):
    rubric = cert.exam.rubric
    assert not rubric.is_locked
    attempt = _awaiting(cert, candidate)
    services.score_practical(attempt, fs_examiner, levels_for(rubric, [3, 3, 3]))
    assert rubric.is_locked
    v2 = services.new_rubric_version(rubric)
    assert v2.version == rubric.version + 1 and v2.family == rubric.family
    assert v2.max_points() == rubric.max_points() == Decimal(80)
    assert not v2.is_locked


def test_french_pages_and_messages(client, cert):
    from django.utils import translation

    user = h.sound_student(h.entitled_school("FR school"))
    h.give_profile(user, projects=2)
    client.force_login(user)
    page = client.get(f"/exams/certifications/{cert.code}/").content.decode()
    assert "Prérequis" in page and "2 projets documentés, 5 requis" in page
    with translation.override("fr"), pytest.raises(services.ExamError, match="Inscrivez-vous"):
        services.start_attempt(cert.exam, user)


def test_the_api_answers_in_the_clients_language(client, cert, candidate, api_token):
    """/api/ is language-neutral: Accept-Language decides (French by default), not the site's URL rule."""
    headers = api_token(candidate)
    attempt = services.start_attempt(cert.exam, candidate)
    aq = AttemptQuestion.objects.filter(attempt=attempt).first()
    services.submit_attempt(attempt)
    french = put_answer(client, headers, attempt, aq.pk, {"value": True})
    english = put_answer(client, dict(headers, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"), attempt, aq.pk, {"value": True})
    assert french.status_code == english.status_code == 409
    assert french.json()["detail"] == "Cette tentative est close ; les réponses ne peuvent plus être modifiées."
    assert english.json()["detail"] == "This attempt is closed; answers can no longer be changed."
    client.force_login(candidate)
    page = client.get("/exams/certifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and '<html lang="fr">' in page.content.decode()  # pages follow their URL

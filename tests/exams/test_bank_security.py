"""Issue 10, High 2 and High 4, as an attacker tries them.

High 2: certification banks are Flow Stage's alone. A partner school's teacher, examiner or staff member
neither sees, edits, previews nor exports a category a certification exam draws from (or one flagged
Flow Stage only); schools keep full use of their own banks and of Flow Stage's other shared categories;
an examiner sees a certification question only inside an attempt assigned to them, after it closes.

High 4: the result page of an attempt is scoped by the same rule as its assessment page
(`exams.selectors.may_examine`)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from exams import selectors, services
from exams.formats import gift, moodlexml
from exams.models import Attempt, ExamRandomDraw, Question, QuestionCategory
from partnerships.models import SchoolMember
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SECRET = "Quelle fréquence de coupure pour le sub"  # a certification question's text
SECRET_RIGHT = "Quatre-vingts hertz"  # its right answer
SECRET_WRONG = "Deux kilohertz"


def _question(category, text, right, wrong):
    q = Question(category=category, qtype="single", text_fr=text, feedback_fr=f"Corrigé : {right}",
                 points=Decimal(1), key={"choices": [{"id": "a", "text_fr": right, "fraction": "100"},
                                                     {"id": "b", "text_fr": wrong, "fraction": "0"}]})
    q.full_clean()
    q.save()
    return q


@pytest.fixture
def bank():
    """The Flow Stage Ready exam draws from a shared category (as in the demo) and fixes one question of
    another; Flow Stage also shares a general category and prepares a reserved one; school A has its own."""
    cert = h.make_certification(practical=True)  # its fixed questions live in a shared category
    drawn = QuestionCategory.objects.create(name="FSR — Son live")
    for i in range(3):
        _question(drawn, f"{SECRET} {i} ?", SECRET_RIGHT, SECRET_WRONG)
    ExamRandomDraw.objects.create(exam=cert.exam, category=drawn, count=2)
    fixed_cat = cert.exam.fixed_questions.first().question.category
    general = QuestionCategory.objects.create(name="Culture générale")
    _question(general, "Qui a inventé le microphone dynamique ?", "Shure", "Neumann")
    reserved = QuestionCategory.objects.create(name="FSR 2027 (en préparation)", flowstage_only=True)
    _question(reserved, "Question réservée ?", "Réponse réservée", "Autre")
    school = h.entitled_school("School A")
    own = QuestionCategory.objects.create(name="Mixage (école A)", school=school)
    _question(own, "Question de l'école A ?", "Réponse de l'école A", "Autre")
    people = {}
    for role in ("teacher", "examiner", "school_staff"):
        people[role] = make_user(role)
        SchoolMember.objects.create(school=school, user=people[role], role={"school_staff": SchoolMember.Role.STAFF}.get(role, role))
    return {"cert": cert, "drawn": drawn, "fixed": fixed_cat, "general": general, "reserved": reserved,
            "own": own, "school": school, "people": people, "admin": make_user("flowstage_staff")}


SCHOOL_ROLES = ("teacher", "examiner", "school_staff")


@pytest.mark.parametrize("role", SCHOOL_ROLES)
@pytest.mark.parametrize("fmt", ["xml", "gift"])
def test_school_export_of_the_whole_bank_leaves_out_the_certification(client, bank, role, fmt):
    """The attack of the issue: `/exams/bank/export/xml/` gave a school the certification's questions and key."""
    client.force_login(bank["people"][role])
    resp = client.get(reverse("exams:export_bank", kwargs={"fmt": fmt}))
    assert resp.status_code == 200
    text = resp.content.decode()
    parsed = (moodlexml.parse if fmt == "xml" else gift.parse)(text)
    assert {q.category for q in parsed.questions} == {"Culture générale", "Mixage (école A)"}
    for secret in (SECRET, SECRET_RIGHT, SECRET_WRONG, "Réponse réservée", "Question single", "Front of house",
                   bank["drawn"].name, bank["fixed"].name):
        assert secret not in text


@pytest.mark.parametrize("role", SCHOOL_ROLES)
def test_school_cannot_export_a_certification_category_by_id(client, bank, role):
    client.force_login(bank["people"][role])
    for cat in (bank["drawn"], bank["fixed"], bank["reserved"]):
        for fmt in ("xml", "gift"):
            url = reverse("exams:export", kwargs={"category_id": cat.pk, "fmt": fmt})
            assert client.get(url).status_code == 404
        url = reverse("exams:export_bank", kwargs={"fmt": "xml"})
        assert client.get(url, {"category": [bank["own"].pk, cat.pk]}).status_code == 404
    ok = client.get(reverse("exams:export", kwargs={"category_id": bank["general"].pk, "fmt": "xml"}))
    assert ok.status_code == 200 and "microphone dynamique" in ok.content.decode()


def test_bank_administrator_sees_and_exports_every_category(client, bank):
    assert set(services.categories_for(bank["admin"])) >= {bank["drawn"], bank["fixed"], bank["reserved"]}
    client.force_login(bank["admin"])
    text = client.get(reverse("exams:export_bank", kwargs={"fmt": "xml"})).content.decode()
    assert SECRET in text and SECRET_RIGHT in text and "Réponse réservée" in text
    url = reverse("exams:export", kwargs={"category_id": bank["drawn"].pk, "fmt": "gift"})
    assert SECRET_RIGHT in client.get(url).content.decode()


@pytest.mark.parametrize("role", SCHOOL_ROLES)
def test_scoping_rule(bank, role):
    user = bank["people"][role]
    assert set(services.categories_for(user)) == {bank["general"], bank["own"]}
    assert set(services.categories_for(user, write=True)) == {bank["own"]}
    assert not services.questions_for(user).filter(category__in=[bank["drawn"], bank["fixed"],
                                                                 bank["reserved"]]).exists()
    # A school's own category stays the school's even if (wrongly) drawn from: nobody outside Flow Stage
    # sees a category once a certification uses it, and the model refuses the mix in the first place.
    draw = ExamRandomDraw(exam=bank["cert"].exam, category=bank["own"], count=1)
    with pytest.raises(ValidationError):
        draw.full_clean()


def test_flowstage_only_is_for_flow_stage_categories(bank):
    cat = QuestionCategory(name="Privée", school=bank["school"], flowstage_only=True)
    with pytest.raises(ValidationError):
        cat.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        cat.save()


@pytest.mark.parametrize("role", SCHOOL_ROLES)
def test_wagtail_bank_hides_certification_questions(client, bank, role):
    client.force_login(bank["people"][role])
    secret = Question.objects.filter(category=bank["drawn"]).first()
    general = Question.objects.get(category=bank["general"])
    own = Question.objects.get(category=bank["own"])
    html = client.get("/admin/snippets/exams/question/").content.decode()
    assert SECRET not in html and f"/admin/snippets/exams/question/edit/{secret.pk}/" not in html
    assert f"/admin/snippets/exams/question/edit/{own.pk}/" in html and "microphone dynamique" in html
    cats = client.get("/admin/snippets/exams/questioncategory/").content.decode()
    assert bank["drawn"].name not in cats and bank["reserved"].name not in cats and bank["own"].name in cats
    for url in (f"/admin/snippets/exams/question/edit/{secret.pk}/",
                f"/admin/snippets/exams/question/delete/{secret.pk}/",
                f"/admin/snippets/exams/questioncategory/edit/{bank['drawn'].pk}/",
                f"/admin/snippets/exams/questioncategory/edit/{bank['reserved'].pk}/"):
        resp = client.get(url)
        assert resp.status_code in (302, 403, 404), url
        assert SECRET_RIGHT not in resp.content.decode()
    # Schools keep full use of their own bank.
    assert client.get(f"/admin/snippets/exams/question/edit/{own.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/exams/question/edit/{general.pk}/").status_code in (302, 403, 404)
    # The category field of a question offers no certification bank.
    form = client.get(f"/admin/snippets/exams/question/edit/{own.pk}/").content.decode()
    assert f'value="{bank["drawn"].pk}"' not in form and f'value="{bank["reserved"].pk}"' not in form


def test_wagtail_chooser_hides_certification_questions(client, bank):
    client.force_login(bank["people"]["teacher"])
    for url in ("/admin/snippets/choose/exams/question/", "/admin/snippets/exams/question/chooser/",
                "/admin/snippets/exams/question/chooser/results/?q=fr%C3%A9quence"):
        resp = client.get(url)
        assert resp.status_code in (200, 302, 403, 404), url
        assert SECRET not in resp.content.decode(), url


@pytest.mark.parametrize("role", SCHOOL_ROLES)
def test_import_page_offers_no_certification_bank(client, bank, role):
    client.force_login(bank["people"][role])
    page = client.get(reverse("exams:import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert bank["drawn"].name not in html and bank["reserved"].name not in html and bank["own"].name in html
    resp = client.post(reverse("exams:import"), {"fmt": "gift", "category": bank["drawn"].pk, "language": "fr",
                                                 "source": "::Q:: Deux et deux ? {=quatre ~cinq}", "confirm": "1"})
    assert resp.status_code == 422
    assert Question.objects.filter(category=bank["drawn"]).count() == 3


def test_categories_an_import_creates_beside_a_certification_bank_stay_flow_stages(bank):
    parsed = gift.parse("$CATEGORY: $course$/top/FSR — Studio\n\n::Q:: Deux et deux ? {=quatre ~cinq}\n")
    services.import_questions(parsed, bank["drawn"], bank["admin"])
    created = QuestionCategory.objects.get(name="FSR — Studio")
    assert created.school is None and created.flowstage_only
    assert created not in services.categories_for(bank["people"]["teacher"])
    # Beside a general shared category, a new one is shared as before.
    parsed = gift.parse("$CATEGORY: $course$/top/Culture 2\n\n::Q:: Trois et trois ? {=six ~sept}\n")
    services.import_questions(parsed, bank["general"], bank["admin"])
    assert QuestionCategory.objects.get(name="Culture 2") in services.categories_for(bank["people"]["teacher"])


# --- An examiner sees a certification question only inside an attempt assigned to them, once closed ----

@pytest.fixture
def attempt_of_school_a(bank):
    student = h.registered_student(bank["cert"], school=bank["school"])
    attempt = services.start_attempt(bank["cert"].exam, student)
    return attempt, student


def _texts_of(attempt):
    return [aq.version.text_fr for aq in attempt.questions.select_related("version")]


def test_examiner_sees_questions_only_in_an_assigned_closed_attempt(client, bank, attempt_of_school_a):
    attempt, _student = attempt_of_school_a
    examiner = bank["people"]["examiner"]
    client.force_login(examiner)
    assess = reverse("exams:assess", kwargs={"attempt_id": attempt.pk})
    result = reverse("exams:result", kwargs={"attempt_id": attempt.pk})
    # While the attempt runs: nothing.
    assert client.get(assess).status_code == 403
    assert client.get(result).status_code in (403, 404)
    services.submit_attempt(attempt)
    page = client.get(assess)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(t in html for t in _texts_of(attempt))


# --- High 4: the result page is scoped as the assessment page ------------------------------------------

@pytest.fixture
def awaiting(bank, attempt_of_school_a):
    attempt, student = attempt_of_school_a
    h.all_right(attempt)
    return services.submit_attempt(attempt), student


def _can_read(client, user, attempt):
    """Whether `user` reads the attempt's result page; it must answer as its assessment page and the rule."""
    client.force_login(user)
    result = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk}))
    assess = client.get(reverse("exams:assess", kwargs={"attempt_id": attempt.pk}))
    allowed = selectors.may_examine(user, attempt)
    assert (result.status_code == 200) is allowed and (assess.status_code == 200) is allowed
    if not allowed:
        assert result.status_code == assess.status_code == 403
        assert "Explication secrète" not in result.content.decode()
    return allowed


def test_result_page_scoped_like_the_assessment_page(client, bank, awaiting):
    attempt, student = awaiting
    other_school = h.entitled_school("School B")
    stranger = make_user("examiner")
    SchoolMember.objects.create(school=other_school, user=stranger, role="examiner")
    lone_examiner = make_user("examiner")  # the examiner role, no school
    assigned = bank["people"]["examiner"]
    colleague = make_user("examiner")
    SchoolMember.objects.create(school=bank["school"], user=colleague, role="examiner")
    other_student = h.registered_student(bank["cert"])
    # The attack: an examiner of another school read every answer, the key and the feedback.
    assert not _can_read(client, stranger, attempt)
    assert not _can_read(client, lone_examiner, attempt)
    for role in ("teacher", "school_staff"):
        assert not _can_read(client, bank["people"][role], attempt)
    assert not _can_read(client, other_student, attempt)
    # Waiting for an examiner: the school's examiners may take it (it is in their queue).
    assert _can_read(client, assigned, attempt)
    # The assigned examiner holds it (a draft): it is theirs, no longer their colleague's.
    services.score_practical(attempt, assigned, h_levels(attempt, [3, 3, 3]))
    assert not _can_read(client, colleague, attempt)
    assert _can_read(client, assigned, attempt)
    assert _can_read(client, bank["admin"], attempt)
    page = client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).content.decode()
    assert "Explication secrète" in page  # the examiner and staff see the review in full
    # Signed off and graded: still the assigned examiner's, never the colleague's or a stranger's.
    services.score_practical(attempt, assigned, h_levels(attempt, [3, 3, 3]), sign_off=True)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert _can_read(client, assigned, attempt)
    assert not _can_read(client, colleague, attempt) and not _can_read(client, stranger, attempt)
    # The student reads their own result only.
    client.force_login(student)
    assert client.get(reverse("exams:result", kwargs={"attempt_id": attempt.pk})).status_code == 200
    mine = services.start_attempt(bank["cert"].exam, other_student)
    services.submit_attempt(mine)
    assert client.get(reverse("exams:result", kwargs={"attempt_id": mine.pk})).status_code == 403


def test_examiner_queue_and_rule_agree(bank, awaiting):
    attempt, _student = awaiting
    assigned = bank["people"]["examiner"]
    assert [a.pk for a in selectors.examiner_queue(assigned)] == [attempt.pk]
    assert selectors.may_examine(assigned, attempt)
    assert not selectors.may_examine(attempt.user, attempt)


def h_levels(attempt, picks):
    crit = list(attempt.exam.rubric.criteria.order_by("position"))
    return {str(c.pk): str(c.levels.order_by("position")[i].pk) for c, i in zip(crit, picks)}


def test_demo_bank_export_by_a_school_teacher_leaves_out_every_certification_question(client):
    """The issue's reproduction on the demo bank: the Flow Stage Ready exam draws from shared categories."""
    from exams import demo

    cats = demo.seed_bank()
    demo.seed_certification(cats, demo.seed_rubric())
    # Not the flag that protects them: the exam drawing from them does.
    QuestionCategory.objects.filter(pk__in=[c.pk for c in cats.values()]).update(flowstage_only=False)
    school = h.entitled_school("Demo-like school")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    QuestionCategory.objects.create(name="Ma banque", school=school)
    client.force_login(teacher)
    for fmt in ("xml", "gift"):
        resp = client.get(reverse("exams:export_bank", kwargs={"fmt": fmt}))
        assert resp.status_code == 200
        text = resp.content.decode()
        assert (moodlexml.parse if fmt == "xml" else gift.parse)(text).questions == []  # the school's bank is empty
        for name in cats:
            assert name not in text
        for q in Question.objects.filter(category__in=cats.values()):
            assert q.text_fr[:40] not in text and q.text_en[:40] not in text
    assert not services.categories_for(teacher).filter(pk__in=[c.pk for c in cats.values()]).exists()

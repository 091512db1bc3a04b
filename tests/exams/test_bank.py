"""Question bank: per-school scoping, import (preview, all-or-nothing), export, regrade with audit."""
from decimal import Decimal

import pytest
from django.urls import reverse

from exams import services
from exams.models import Attempt, AttemptQuestion, Question, QuestionCategory, RegradeAudit
from exams.signals import certification_passed
from partnerships.models import SchoolMember
from tests.exams import helpers as h
from tests.exams.test_formats import BAD_GIFT, GIFT, XML
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_teacher():
    school = h.entitled_school("Bank school")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    cat = QuestionCategory.objects.create(name="Mine", school=school)
    return school, teacher, cat


def test_scoping_teacher_sees_own_school_and_shared(school_teacher):
    school, teacher, mine = school_teacher
    shared = QuestionCategory.objects.create(name="Shared")
    other = QuestionCategory.objects.create(name="Other", school=h.entitled_school("Other school"))
    assert set(services.categories_for(teacher)) == {mine, shared}
    assert set(services.categories_for(teacher, write=True)) == {mine}
    assert other not in services.categories_for(teacher)
    assert not services.categories_for(make_user("student")).exists()


def test_import_preview_then_confirm(client, school_teacher):
    _school, teacher, cat = school_teacher
    client.force_login(teacher)
    url = reverse("exams:import")
    data = {"fmt": "gift", "category": cat.pk, "language": "fr", "source": GIFT}
    page = client.post(url, {**data, "preview": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "9 questions parsed" in html and "Délai pour 34 m" in html
    # The file starts with `$CATEGORY: $course$/top/Son live`: a new category of the teacher's school.
    assert "The import will create 1 category" in html and html.count('data-status="new"') == 9
    assert Question.objects.count() == 0 and not QuestionCategory.objects.filter(name="Son live").exists()
    resp = client.post(url, {**data, "confirm": "1"})
    assert resp.status_code == 302
    son_live = QuestionCategory.objects.get(name="Son live")
    assert son_live.school == cat.school
    assert Question.objects.filter(category=son_live).count() == 9
    assert not Question.objects.filter(category=cat).exists()
    q = Question.objects.get(name="Délai")
    assert q.text_fr.startswith("Délai") and q.text_en == "" and q.version == 1


def test_import_with_rejections_is_all_or_nothing(client, school_teacher):
    _school, teacher, cat = school_teacher
    client.force_login(teacher)
    data = {"fmt": "gift", "category": cat.pk, "language": "fr", "source": BAD_GIFT}
    page = client.post(reverse("exams:import"), {**data, "preview": "1"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "essay questions" in html and "missing closing brace" in html and "6 blocks rejected" in html
    resp = client.post(reverse("exams:import"), {**data, "confirm": "1"})
    assert resp.status_code == 422
    assert Question.objects.count() == 0


def test_import_into_foreign_category_refused(client, school_teacher):
    _school, teacher, _cat = school_teacher
    other = QuestionCategory.objects.create(name="Other", school=h.entitled_school("Foreign"))
    client.force_login(teacher)
    resp = client.post(reverse("exams:import"), {"fmt": "gift", "category": other.pk, "language": "fr",
                                                 "source": GIFT, "confirm": "1"})
    assert resp.status_code == 422  # not a valid choice for this teacher
    assert Question.objects.count() == 0


def test_student_cannot_import(client):
    client.force_login(make_user("student"))
    assert client.get(reverse("exams:import")).status_code == 403


def test_xml_import_and_export_both_formats_round_trip(client, school_teacher):
    from exams.formats import gift, moodlexml

    _school, teacher, cat = school_teacher
    client.force_login(teacher)
    resp = client.post(reverse("exams:import"), {"fmt": "xml", "category": cat.pk, "language": "en",
                                                 "source": XML.replace('<question type="essay"><name><text>Essay</text></name><questiontext><text>Racontez</text></questiontext></question>', ""),
                                                 "confirm": "1"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    cat = QuestionCategory.objects.get(name="Studio", school=cat.school)  # the file's category line
    assert Question.objects.filter(category=cat).count() == 7
    xml = client.get(reverse("exams:export", kwargs={"category_id": cat.pk, "fmt": "xml"}) + "?lang=en")
    assert xml.status_code == 200
    exported = moodlexml.parse(xml.content.decode())
    original = moodlexml.parse(XML).questions
    assert [q.comparable()[1:9] for q in exported.questions] == [q.comparable()[1:9] for q in original]
    gift_text = client.get(reverse("exams:export", kwargs={"category_id": cat.pk, "fmt": "gift"}) + "?lang=en")
    assert gift.parse(gift_text.content.decode()).rejected == []
    # A teacher of another school cannot export this category.
    stranger = make_user("teacher")
    client.force_login(stranger)
    assert client.get(reverse("exams:export", kwargs={"category_id": cat.pk, "fmt": "xml"})).status_code == 404


def test_regrade_dry_run_then_apply_with_audit(client, django_capture_on_commit_callbacks):
    cert = h.make_certification(types=("single", "truefalse"), practical=False)
    staff = make_user("flowstage_staff")
    events = []
    certification_passed.connect(lambda sender, attempt, **kw: events.append(attempt.pk), weak=False,
                                 dispatch_uid="regrade-test")
    try:
        students = [h.registered_student(cert) for _ in range(3)]
        attempts = []
        for i, s in enumerate(students):
            a = services.start_attempt(cert.exam, s)
            tf = AttemptQuestion.objects.get(attempt=a, version__qtype="truefalse")
            single = AttemptQuestion.objects.get(attempt=a, version__qtype="single")
            h.save(a, single, {"choice": "a"})
            h.save(a, tf, {"value": i != 0})  # student 0 answers False
            attempts.append(services.submit_attempt(a))
        before = {a.pk: Attempt.objects.get(pk=a.pk).final_pct for a in attempts}
        assert before[attempts[0].pk] == 50 and before[attempts[1].pk] == 100
        # The key was wrong: the right answer is False.
        q = Question.objects.get(qtype="truefalse", category__in=[cert.exam.fixed_questions.first().question.category])
        q.key = {"answer": False}
        q.save()
        assert q.version == 2
        client.force_login(staff)
        url = reverse("exams:regrade", kwargs={"question_id": q.pk})
        page = client.get(url).content.decode()
        assert "newly passed" in page
        assert {a.pk: Attempt.objects.get(pk=a.pk).final_pct for a in attempts} == before  # dry run wrote nothing
        assert not RegradeAudit.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url)
        assert resp.status_code == 200
        after = {a.pk: Attempt.objects.get(pk=a.pk) for a in attempts}
        assert after[attempts[0].pk].final_pct == 100 and after[attempts[0].pk].passed
        assert after[attempts[1].pk].final_pct == 50 and not after[attempts[1].pk].passed
        audits = RegradeAudit.objects.all()
        assert audits.count() == 3 and all(a.by == staff for a in audits)
        first = audits.get(attempt=attempts[0])
        assert first.before["passed"] is False and first.after["passed"] is True
        assert events == [attempts[0].pk]  # newly passed → signal; already-passed ones not re-sent
        # Attempts keep the version they showed.
        assert AttemptQuestion.objects.filter(version__question=q, version__number=1).count() == 3
        # Running it again changes nothing.
        assert services.regrade_question(q, staff, dry_run=True) == []
    finally:
        certification_passed.disconnect(dispatch_uid="regrade-test")


def test_regrade_forbidden_for_teacher(client, school_teacher):
    _s, teacher, cat = school_teacher
    q = h.make_question(cat)
    client.force_login(teacher)
    assert client.get(reverse("exams:regrade", kwargs={"question_id": q.pk})).status_code == 403


def test_question_points_decimal(school_teacher):
    _s, _t, cat = school_teacher
    q = h.make_question(cat, points="2.5")
    assert q.current_version.points == Decimal("2.5")


def test_wagtail_admin_bank_is_scoped(client, school_teacher):
    _school, teacher, mine = school_teacher
    shared = QuestionCategory.objects.create(name="Shared")
    foreign = QuestionCategory.objects.create(name="Foreign", school=h.entitled_school("Foreign admin"))
    q_mine, q_shared, q_foreign = h.make_question(mine), h.make_question(shared, "truefalse"), h.make_question(foreign, "numeric")
    client.force_login(teacher)
    index = client.get("/admin/snippets/exams/question/")
    assert index.status_code == 200
    html = index.content.decode()
    assert f"/admin/snippets/exams/question/edit/{q_mine.pk}/" in html
    assert f"/admin/snippets/exams/question/edit/{q_foreign.pk}/" not in html
    assert client.get(f"/admin/snippets/exams/question/edit/{q_mine.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/exams/question/edit/{q_foreign.pk}/").status_code in (302, 403, 404)
    assert client.get(f"/admin/snippets/exams/question/edit/{q_shared.pk}/").status_code in (302, 403, 404)
    # Editing one's own question through the admin keeps versioning.
    form = client.get(f"/admin/snippets/exams/question/edit/{q_mine.pk}/").content.decode()
    assert f'value="{foreign.pk}"' not in form

"""What one bank import may hold (issue 10, Low): the size before parsing, the number of blocks while
parsing, the preview paged and kept server-side until it is confirmed, the import all-or-nothing."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exams import services
from exams.formats import MAX_QUESTIONS, MAX_SOURCE_BYTES, gift, moodlexml
from exams.models import STAGED_IMPORT_LIFETIME, STAGED_IMPORTS_PER_USER, Question, QuestionCategory, StagedImport
from exams.views_bank import PAGE_SIZE
from partnerships.models import SchoolMember
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _gift(n, start=0):
    return "\n\n".join(f"::Q{i}:: Question {i} ? {{=oui ~non}}" for i in range(start, start + n))


def _xml(n):
    body = "".join(f'<question type="truefalse"><name><text>Q{i}</text></name><questiontext><text>Q{i} ?</text>'
                   f'</questiontext><answer fraction="100"><text>true</text></answer>'
                   f'<answer fraction="0"><text>false</text></answer></question>' for i in range(n))
    return f'<?xml version="1.0"?><quiz>{body}</quiz>'


@pytest.fixture
def teacher_cat():
    school = h.entitled_school("Limits school")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    return teacher, QuestionCategory.objects.create(name="Mine", school=school)


def _data(cat, source, fmt="gift", **extra):
    return {"fmt": fmt, "category": cat.pk, "language": "fr", "source": source, **extra}


# --- The parsers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("parse, make", [(gift.parse, _gift), (moodlexml.parse, _xml)])
def test_the_parsers_stop_at_the_question_cap_and_say_so(parse, make):
    at_cap = parse(make(MAX_QUESTIONS))
    assert len(at_cap.questions) == MAX_QUESTIONS and not at_cap.rejected and not at_cap.truncated
    over = parse(make(MAX_QUESTIONS + 500))
    assert over.truncated and len(over.questions) == MAX_QUESTIONS
    assert len(over.rejected) == 1 and str(MAX_QUESTIONS) in over.rejected[0].reason
    assert "reading stopped" in over.rejected[0].reason


def test_broken_blocks_count_towards_the_cap():
    """A file of broken blocks costs no more than one of questions: each block counts."""
    source = "\n\n".join("Pas de réponse ici" for _ in range(MAX_QUESTIONS * 3))
    result = gift.parse(source)
    assert result.truncated and len(result.rejected) == MAX_QUESTIONS + 1 and not result.questions


@pytest.mark.parametrize("parse", [gift.parse, moodlexml.parse])
def test_the_parsers_refuse_a_source_over_the_size_limit_unread(parse):
    result = parse("x" * (MAX_SOURCE_BYTES + 1))
    assert result.truncated and not result.questions and len(result.rejected) == 1
    assert str(MAX_SOURCE_BYTES) in result.rejected[0].reason
    # Counted in UTF-8 bytes, not characters.
    assert parse("é" * (MAX_SOURCE_BYTES // 2 + 1)).truncated


def test_points_the_model_cannot_hold_are_refused_per_row():
    xml = _xml(1).replace("</name>", "</name><defaultgrade>0.005</defaultgrade>", 1)
    result = moodlexml.parse(xml)
    assert not result.questions and "two decimals" in result.rejected[0].reason
    big = moodlexml.parse(_xml(1).replace("</name>", "</name><defaultgrade>1000000</defaultgrade>", 1))
    assert not big.questions and "99999.99" in big.rejected[0].reason


# --- The page ------------------------------------------------------------------------------------

def test_an_upload_over_the_size_limit_is_refused_before_reading(client, teacher_cat):
    teacher, cat = teacher_cat
    client.force_login(teacher)
    upload = SimpleUploadedFile("big.gift.txt", b"x" * (MAX_SOURCE_BYTES + 1))
    data = _data(cat, "")
    data["upload"] = upload
    resp = client.post(reverse("exams:import"), data)
    assert resp.status_code == 413
    assert "2 Mo" in resp.content.decode() or "2 MB" in resp.content.decode()
    assert not StagedImport.objects.exists()


def test_a_paste_over_the_limit_in_utf8_bytes_is_a_413_not_a_500(client, teacher_cat):
    """Under the form's limit in characters, over the limit in bytes: refused, nothing staged."""
    teacher, cat = teacher_cat
    client.force_login(teacher)
    resp = client.post(reverse("exams:import"), _data(cat, "é" * (MAX_SOURCE_BYTES // 2 + 1), preview="1"))
    assert resp.status_code == 413 and not StagedImport.objects.exists()


def test_too_many_questions_is_a_413_naming_the_limit_and_imports_nothing(client, teacher_cat):
    teacher, cat = teacher_cat
    client.force_login(teacher)
    source = _gift(MAX_QUESTIONS + 1)
    resp = client.post(reverse("exams:import"), _data(cat, source, preview="1"))
    assert resp.status_code == 413
    html = resp.content.decode()
    assert "2000" in html and 'id="confirm-import"' not in html
    resp = client.post(reverse("exams:import"), _data(cat, source, confirm="1"))
    assert resp.status_code == 413 and Question.objects.count() == 0


def _staged_url(resp):
    m = re.search(r'action="(/[^"]*/exams/bank/import/\d+/)"', resp.content.decode())
    assert m, "no confirmation form"
    return m.group(1)


def test_the_preview_is_paged_and_the_staged_file_is_imported_in_one_go(client, teacher_cat):
    teacher, cat = teacher_cat
    client.force_login(teacher)
    n = PAGE_SIZE * 2 + 7
    resp = client.post(reverse("exams:import"), _data(cat, _gift(n), preview="1"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert html.count('class="import-category"') == PAGE_SIZE and "Q0" in html and f"Q{PAGE_SIZE}<" not in html
    staged = StagedImport.objects.get()
    assert staged.user == teacher and staged.category == cat
    url = _staged_url(resp)
    last = client.get(url, {"page": 3})
    assert last.status_code == 200
    body = last.content.decode()
    assert body.count('class="import-category"') == 7 and f"Q{n - 1}<" in body and "Q0<" not in body
    assert Question.objects.count() == 0
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302 and Question.objects.filter(category=cat).count() == n
    assert not StagedImport.objects.exists()
    assert client.post(url, {"confirm": "1"}).status_code == 404  # imported once, not twice
    assert Question.objects.count() == n


def test_refused_blocks_are_paged_with_their_reasons(client, teacher_cat):
    teacher, cat = teacher_cat
    client.force_login(teacher)
    source = _gift(3) + "\n\n" + "\n\n".join(f"Sans bloc {i}" for i in range(PAGE_SIZE + 5))
    resp = client.post(reverse("exams:import"), _data(cat, source, preview="1"))
    assert resp.status_code == 422
    html = resp.content.decode()
    rejected = html.split('id="rejected"')[1].split("</table>")[0]
    assert rejected.count("<tr>") == PAGE_SIZE + 1  # the head row + one page
    assert 'id="confirm-import"' not in html
    second = client.get(_staged_link(html), {"rpage": 2})
    table = second.content.decode().split('id="rejected"')[1].split("</table>")[0]
    assert table.count("<tr>") == 5 + 1 and "Sans bloc" in table
    assert second.status_code == 422


def _staged_link(html):
    m = re.search(r'href="(/[^"]*/exams/bank/import/\d+/)\?', html)
    assert m, "no pager"
    return m.group(1)


def test_a_staged_file_is_its_owners_alone_and_bounded(client, teacher_cat):
    teacher, cat = teacher_cat
    client.force_login(teacher)
    for i in range(STAGED_IMPORTS_PER_USER + 2):
        client.post(reverse("exams:import"), _data(cat, _gift(1, start=i), preview="1"))
    assert StagedImport.objects.filter(user=teacher).count() == STAGED_IMPORTS_PER_USER
    newest = StagedImport.objects.latest("pk")
    assert f"Q{STAGED_IMPORTS_PER_USER + 1}" in newest.source
    other = make_user("teacher")
    SchoolMember.objects.create(school=cat.school, user=other, role="teacher")
    client.force_login(other)
    url = reverse("exams:import_staged", kwargs={"staged_id": newest.pk})
    assert client.get(url).status_code == 404 and client.post(url, {"confirm": "1"}).status_code == 404
    client.force_login(teacher)
    StagedImport.objects.filter(pk=newest.pk).update(created_at=timezone.now() - STAGED_IMPORT_LIFETIME * 2)
    assert client.post(url, {"confirm": "1"}).status_code == 404  # expired
    assert Question.objects.count() == 0


def test_a_row_refused_while_importing_leaves_nothing_half_written(client, teacher_cat, monkeypatch):
    """The staged file imports in one transaction: a row the model refuses (here: checks bypassed) is a
    422 naming its line, with no question and no category of the file written."""
    teacher, cat = teacher_cat
    client.force_login(teacher)
    source = "$CATEGORY: $course$/top/Nouvelle\n\n" + _gift(5) + "\n\n::Q-bad:: Trop de points ? {=oui ~non}"
    resp = client.post(reverse("exams:import"), _data(cat, source, preview="1"))
    assert resp.status_code == 200
    url = _staged_url(resp)
    real = Question.full_clean

    def refusing(self, *args, **kwargs):
        if self.name == "Q-bad":
            self.points = 10 ** 9
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Question, "full_clean", refusing)
    resp = client.post(url, {"confirm": "1"})
    assert resp.status_code == 422
    assert "11" in resp.content.decode()  # the line of the refused question
    assert Question.objects.count() == 0 and not QuestionCategory.objects.filter(name="Nouvelle").exists()
    assert StagedImport.objects.count() == 1  # still there to fix and retry


def test_a_file_with_a_refused_row_is_not_imported(client, teacher_cat):
    teacher, cat = teacher_cat
    client.force_login(teacher)
    source = _gift(4) + "\n\n::Bad:: Points ? {}"
    resp = client.post(reverse("exams:import"), _data(cat, source, confirm="1"))
    assert resp.status_code == 422 and Question.objects.count() == 0
    staged = services.stage_import(teacher, "gift", cat, "fr", source)
    with pytest.raises(services.ExamError):
        services.import_staged(staged, teacher)
    assert Question.objects.count() == 0


def test_the_bulk_import_writes_what_saving_each_question_would(teacher_cat, django_assert_max_num_queries):
    """Version 1 of each question (what an attempt draws) and Wagtail's reference index (the category's
    usage), in a bounded number of queries per question."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from exams.models import QuestionVersion

    teacher, cat = teacher_cat
    parsed = gift.parse(_gift(60))
    with django_assert_max_num_queries(60 * 2 + 20):
        created = services.import_questions(parsed, cat, teacher, "fr")
    assert len(created) == 60 and all(q.pk and q.version == 1 for q in created)
    for q in Question.objects.filter(category=cat):
        v = QuestionVersion.objects.get(question=q)
        assert v.number == 1 and all(getattr(v, f) == getattr(q, f) for f in Question.CONTENT_FIELDS)
    refs = ReferenceIndex.objects.filter(content_type=ContentType.objects.get_for_model(Question),
                                         to_content_type=ContentType.objects.get_for_model(QuestionCategory),
                                         to_object_id=str(cat.pk))
    assert refs.count() == 60

"""Course and lesson titles in the reader's language on the teachers' and school staff's pages (issue 15,
item 6): /en/learning/grading/, the marks pages and /en/learning/cohorts/enrol/ show the English translation
when there is one, the French title otherwise."""
import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from courses import services
from partnerships.models import Cohort, Programme, SchoolMember
from tests.courses.factories import lessons_of, make_course, make_school
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _translate(page, title):
    en = Locale.objects.get(language_code="en")
    copy = page.copy_for_translation(en, copy_parents=True)
    copy.title = title
    copy.save_revision().publish()
    for p in copy.get_ancestors().filter(depth__gt=2, alias_of__isnull=True, live=False):
        p.specific.save_revision().publish()
    return copy


@pytest.fixture
def courses():
    services.ensure_catalogue()
    course = make_course(title="Mixage façade live", n_units=1, lessons_per_unit=1)
    french_only = make_course(title="Cours seulement en français", n_units=1, lessons_per_unit=1)
    _translate(course, "Live front-of-house mixing")
    unit = course.get_children().first().specific
    _translate(unit, "Semester 1")
    en_lesson = _translate(lessons_of(course)[0], "Gain staging")
    for block in en_lesson.body:  # the English assignment (the translation copy keeps the block's id)
        if block.block_type == "assignment":
            block.value["title"] = "Submission file"
    en_lesson.save_revision().publish()
    return course, french_only


def _en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def _fr(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


def test_grading_and_marks_pages_in_english(client, student, fs_staff, courses):
    course, french_only = courses
    lesson = lessons_of(course)[0]
    services.self_enrol(student, course)
    block_id = next(iter(services.assignment_blocks(lesson)))
    services.submit_assignment(student, lesson, block_id, url="https://example.org/dossier")
    client.force_login(fs_staff)
    en = client.get(_en("courses:grading")).content.decode()
    assert "Live front-of-house mixing" in en and "Gain staging" in en
    assert "Mixage façade live" not in en and "Leçon 1.1" not in en
    assert "<strong>Submission file</strong>" in en and "<strong>Rendu</strong>" not in en
    assert "Cours seulement en français" in en  # no translation: the French title
    fr = client.get(_fr("courses:grading")).content.decode()
    assert "Mixage façade live" in fr and "Live front-of-house mixing" not in fr and "Leçon 1.1" in fr
    assert "<strong>Rendu</strong>" in fr
    assert "Live front-of-house mixing" in client.get(_en("courses:course_marks", course.pk)).content.decode()
    assert "Live front-of-house mixing" in client.get(_en("courses:marks_history", course.pk)).content.decode()
    assert "Mixage façade live" in client.get(_fr("courses:course_marks", course.pk)).content.decode()


def test_cohort_enrolment_choices_in_english(client, courses):
    course, french_only = courses
    school = make_school()
    Cohort.objects.create(programme=Programme.objects.create(school=school, name="Son", domain="sound",
                                                             degree_level=3), graduation_year=2027)
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=school, user=staff, role="staff")
    client.force_login(staff)
    en = client.get("/en/learning/cohorts/enrol/").content.decode()
    assert f'<option value="{course.pk}">Live front-of-house mixing' in en and "Mixage façade live" not in en
    assert f'<option value="{french_only.pk}">Cours seulement en français' in en
    fr = client.get("/learning/cohorts/enrol/").content.decode()
    assert f'<option value="{course.pk}">Mixage façade live' in fr
    # the choice still enrols into the French source course
    r = client.post("/en/learning/cohorts/enrol/", {"cohort": Cohort.objects.get().pk, "course": course.pk})
    assert r.status_code == 302

"""Bounded-query reads of the courses app: the pages' helpers and the contracts other apps call.

No function here runs a number of queries that grows with courses, units, lessons or students.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractYear

from lms import scoring

from . import page_cache, services
from .models import (
    AssessmentComponent,
    ComponentMark,
    CoursePage,
    CreditRecord,
    Enrolment,
    LessonCompletion,
    LessonPage,
    Submission,
    UnitPage,
)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
STEP = CoursePage.steplen


def pct(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return min(HUNDRED, part * HUNDRED / whole).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------------------
# Course outline with progress
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonInfo:
    """What an outline needs of a lesson (cacheable, no Page instance)."""

    pk: int
    title: str
    url: str
    hours: Decimal
    translation_key: object
    path: str


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    title: str
    intro: str
    path: str


@dataclass
class LessonRow:
    lesson: LessonInfo
    done: bool = False

    @property
    def hours(self):
        return self.lesson.hours


@dataclass
class UnitRow:
    unit: UnitInfo
    lessons: list[LessonRow] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((r.lesson.hours for r in self.lessons), ZERO)

    @property
    def done_hours(self) -> Decimal:
        return sum((r.lesson.hours for r in self.lessons if r.done), ZERO)

    @property
    def progress(self) -> Decimal:
        return pct(self.done_hours, self.hours)


@dataclass
class Outline:
    units: list[UnitRow]

    @property
    def lessons(self) -> list[LessonRow]:
        return [lr for u in self.units for lr in u.lessons]

    @property
    def hours(self) -> Decimal:
        return sum((u.hours for u in self.units), ZERO)

    @property
    def done_hours(self) -> Decimal:
        return sum((u.done_hours for u in self.units), ZERO)

    @property
    def progress(self) -> Decimal:
        return pct(self.done_hours, self.hours)

    def next_undone(self):
        for lr in self.lessons:
            if not lr.done:
                return lr.lesson
        return None


def _outline_data(path, translation_key, request, live_only):
    """[(UnitInfo, [LessonInfo…])…] of a course: 2 queries, then cached (per course and content version)."""
    key = None
    if live_only:
        key = page_cache.key("outline", path, translation_key, request=request)
        data = page_cache.fetch(key, request)
        if data is not None:
            return data
    units_qs = UnitPage.objects.filter(path__startswith=path, depth=len(path) // STEP + 1)
    lessons_qs = LessonPage.objects.filter(path__startswith=path).defer("body")
    if live_only:
        units_qs, lessons_qs = units_qs.live(), lessons_qs.live()
    units = {u.path: (UnitInfo(u.pk, u.title, u.intro, u.path), []) for u in units_qs.order_by("order", "path")}
    for lesson in lessons_qs.order_by("path"):
        entry = units.get(lesson.path[: STEP * (lesson.depth - 1)])
        if entry is not None:
            entry[1].append(LessonInfo(lesson.pk, lesson.title, lesson.get_url(request) or "", lesson.hours,
                                       lesson.translation_key, lesson.path))
    data = list(units.values())
    if key:
        page_cache.store(key, data, request)
    return data


def course_outline(course, done_keys=frozenset(), live_only=True, request=None) -> Outline:
    """Units and lessons of a course (cached), lessons flagged done by translation key."""
    return Outline([UnitRow(u, [LessonRow(lp, lp.translation_key in done_keys) for lp in lessons])
                    for u, lessons in _outline_data(course.path, course.translation_key, request, live_only)])


@dataclass(frozen=True)
class CourseInfo:
    """What the course and lesson pages need of a course (cacheable): the page in the reader's locale, and
    its source-locale (French) original, which enrolments and learning records point at."""

    pk: int
    title: str
    url: str
    path: str
    translation_key: object
    locale_id: int
    source_pk: int
    source_path: str


def _course_info(path, request) -> CourseInfo:
    key = page_cache.key("courseinfo", path, request=request)
    info = page_cache.fetch(key, request)
    if info is None:
        fields = ("id", "title", "path", "depth", "url_path", "translation_key", "locale_id")
        c = CoursePage.objects.only(*fields).get(path=path)
        source = services.canonical(c)
        info = CourseInfo(c.pk, c.title, c.get_url(request) or "", c.path, c.translation_key, c.locale_id,
                          source.pk, source.path)
        page_cache.store(key, info, request)
    return info


def course_info(course, request=None) -> CourseInfo:
    return _course_info(course.path, request)


def course_info_of_lesson(lesson, request=None) -> CourseInfo:
    return _course_info(lesson.path[: STEP * (lesson.depth - 2)], request)


def source_lessons(course: CourseInfo, request=None) -> dict[int, object]:
    """{lesson id: translation key} of the live lessons of the course's source-locale original (cached)."""
    return {lesson.pk: lesson.translation_key
            for _unit, lessons in _outline_data(course.source_path, course.translation_key, request, True)
            for lesson in lessons}


@dataclass(frozen=True)
class LearnerState:
    """A student's enrolment in one course, as the course and lesson pages need it. Lessons are named by
    translation key, so the state reads the same in every language."""

    enrolment_id: int
    last_lesson_id: int | None  # the source-locale lesson
    last_lesson_key: object
    done_keys: frozenset


def _learner_rows(user_id: int, course_id: int) -> list[tuple]:
    """(enrolment id, last lesson id, a completed lesson id or None) rows of one enrolment.

    Read on every lesson and course page view, so it is written in SQL: the ORM spends more time building
    this two-table join than the database spends answering it (tests/courses/test_page_cache.py)."""
    quote = connection.ops.quote_name
    enrolment, completion = quote(Enrolment._meta.db_table), quote(LessonCompletion._meta.db_table)
    sql = (f"SELECT e.id, e.last_lesson_id, c.lesson_id FROM {enrolment} e "
           f"LEFT OUTER JOIN {completion} c ON c.enrolment_id = e.id WHERE e.user_id = %s AND e.course_id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, course_id])
        return cursor.fetchall()


def learner_state(user, course: CourseInfo, request=None) -> LearnerState | None:
    """The user's enrolment in ``course`` with the lessons done: one two-table query (enrolment and its
    completions, by the source course's id); lesson ids become translation keys through the cached
    outline of the source course."""
    if not user.is_authenticated:
        return None
    rows = _learner_rows(user.pk, course.source_pk)
    if not rows:
        return None
    keys = source_lessons(course, request)
    pk, last_id, _done = rows[0]
    return LearnerState(pk, last_id, keys.get(last_id), frozenset(keys[r[2]] for r in rows if r[2] in keys))


def first_unfinished_keys(enrolments, request=None) -> dict[int, object]:
    """{enrolment id: translation key of the first live lesson not completed yet, in course order} for a few
    enrolments (one student's; ``course`` selected): where "Resume" leads. One query for the completions, the
    outlines from their cache. An enrolment with every lesson done is left out."""
    enrolments = list(enrolments)
    done = defaultdict(set)
    for enrolment_id, lesson_id in LessonCompletion.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments]).values_list("enrolment_id", "lesson_id"):
        done[enrolment_id].add(lesson_id)
    result = {}
    for e in enrolments:
        for _unit, lessons in _outline_data(e.course.path, e.course.translation_key, request, True):
            lesson = next((lp for lp in lessons if lp.pk not in done[e.pk]), None)
            if lesson is not None:
                result[e.pk] = lesson.translation_key
                break
    return result


# --------------------------------------------------------------------------------------------------
# Progress of many enrolments at once (my learning, selectors of the contract)
# --------------------------------------------------------------------------------------------------
def _hours_by_course(course_paths) -> dict[str, Decimal]:
    """Total live lesson hours per course path (1 query)."""
    if not course_paths:
        return {}
    cond = Q()
    for p in course_paths:
        cond |= Q(path__startswith=p)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    plen = len(next(iter(course_paths)))
    for path, hours in LessonPage.objects.live().filter(cond).values_list("path", "hours"):
        totals[path[:plen]] += hours
    return totals


@dataclass(frozen=True)
class _CourseFacts:
    title: str
    total_hours: Decimal
    scheme: object  # scoring.Scheme, or None when the course has no (valid) assessment scheme
    keys: frozenset


def _course_facts(course_ids) -> dict[int, _CourseFacts]:
    """Title, live hours and validated assessment scheme of each course (3 queries, whatever the students)."""
    courses = list(CoursePage.objects.filter(pk__in=set(course_ids)).only("id", "path", "title", "pass_mark"))
    totals: dict[str, Decimal] = {}
    by_len = defaultdict(set)  # descendants are matched by path prefix, one query per path length
    for c in courses:
        by_len[len(c.path)].add(c.path)
    for paths in by_len.values():
        totals.update(_hours_by_course(paths))
    comps = defaultdict(list)
    for c in AssessmentComponent.objects.filter(page_id__in=[c.pk for c in courses]).order_by("sort_order", "pk"):
        comps[c.page_id].append(c)
    facts = {}
    for c in courses:
        scheme = None
        if comps[c.pk]:
            try:
                scheme = c.scheme(comps[c.pk])
            except scoring.SchemeError:
                scheme = None
        facts[c.pk] = _CourseFacts(c.title, totals.get(c.path, ZERO), scheme,
                                   frozenset(x.key for x in comps[c.pk]))
    return facts


def _measure(enrolments, facts: list[tuple]) -> list[dict]:
    """Progress, grade and last activity of enrolments given as (id, course_id, last_activity_at) tuples.

    ``enrolments`` is an Enrolment queryset selecting the same rows: the per-enrolment figures are read
    with it as a subquery, so no id list is bound client-side (7 queries in all)."""
    courses = _course_facts({course_id for _id, course_id, _t in facts})
    lessons = {r["enrolment_id"]: r for r in LessonCompletion.objects.filter(enrolment__in=enrolments)
               .values("enrolment_id").annotate(h=Sum("lesson__hours", filter=Q(lesson__live=True)),
                                                t=Max("completed_at"))}
    marks = defaultdict(dict)
    for enrolment_id, key, score in ComponentMark.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "component_key", "score"):
        marks[enrolment_id][key] = score
    last_submission = dict(Submission.objects.filter(enrolment__in=enrolments).values("enrolment_id")
                           .annotate(t=Max("submitted_at")).values_list("enrolment_id", "t"))
    rows = []
    for pk, course_id, last_activity_at in facts:
        course = courses[course_id]
        done_row = lessons.get(pk) or {}
        done = done_row.get("h") or ZERO
        grade = passed = None
        breakdown = {}
        if course.scheme is not None:
            result = scoring.score(course.scheme, {k: v for k, v in marks[pk].items() if k in course.keys})
            breakdown = {cr.component.label: cr.score for cr in result.breakdown}
            if result.complete:  # a partial weighted sum is not a grade
                grade, passed = result.total, result.passed
        activity = [t for t in (last_activity_at, done_row.get("t"), last_submission.get(pk)) if t]
        rows.append({
            "course_id": course_id,
            "course_title": course.title,
            "progress_pct": pct(done, course.total_hours),
            "hours_total": course.total_hours,
            "hours_done": done,
            "grade_pct": grade,
            "passed": passed,
            "components": breakdown,
            "last_activity": max(activity) if activity else None,
        })
    return rows


def enrolment_rows(enrolments) -> list[dict]:
    """Progress, grade and credit of a few Enrolment instances (one student's): bounded queries."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    rows = _measure(Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]),
                    [(e.pk, e.course_id, e.last_activity_at) for e in enrolments])
    for e, row in zip(enrolments, rows):
        row["enrolment"] = e
    return rows


# --------------------------------------------------------------------------------------------------
# Contract selectors (called by the composing pages in lms/ and by the API)
# --------------------------------------------------------------------------------------------------
def learning_summary(user) -> dict:
    enrolments = list(Enrolment.objects.filter(user=user).select_related("course"))
    rows = enrolment_rows(enrolments)
    credits = CreditRecord.objects.filter(user=user).aggregate(
        all_ects=Sum("ects"), n=Count("pk", filter=Q(source=CreditRecord.Source.MODULE)),
        internship_ects=Sum("ects", filter=Q(source=CreditRecord.Source.INTERNSHIP)))
    modules_passed = credits["n"]
    return {
        "courses_enrolled": len(enrolments),
        "courses_completed": sum(1 for e in enrolments if e.completed_at),
        "ects_earned": credits["all_ects"] or ZERO,
        "internship_ects": credits["internship_ects"] or ZERO,
        "modules_passed": modules_passed,
        "hours_completed": sum((r["hours_done"] for r in rows), ZERO),
    }


def progress_by_user(users) -> dict[int, list[dict]]:
    """Per student, one dict per enrolment (course, progress, grade, components, last activity).

    ``users``: user ids, or a queryset of user ids (e.g. a cohort's members), which is then used as a
    subquery: a school of 3,000 students binds no 3,000-id list and builds no model instance per row."""
    enrolments = Enrolment.objects.filter(user_id__in=users)
    facts = list(enrolments.order_by("enrolled_at", "pk").values_list("id", "user_id", "course_id",
                                                                      "last_activity_at"))
    result: dict[int, list[dict]] = {} if hasattr(users, "query") else {uid: [] for uid in users}
    if not facts:
        return result
    rows = _measure(enrolments, [(pk, course_id, t) for pk, _uid, course_id, t in facts])
    for (_pk, uid, _c, _t), row in zip(facts, rows):
        result.setdefault(uid, []).append(row)
    return result


def schools_running_modules() -> set[int]:
    from partnerships.models import School

    from .models import SchoolSectionPage

    co_creating = set(School.objects.filter(co_created_courses__live=True).values_list("pk", flat=True))
    cohort_enrolled = set(Enrolment.objects.filter(cohort__isnull=False, course__live=True)
                          .values_list("cohort__programme__school_id", flat=True))
    section_paths = dict(SchoolSectionPage.objects.filter(school__isnull=False).values_list("path", "school_id"))
    owning = set()
    if section_paths:
        for path in CoursePage.objects.live().filter(depth__gt=0).values_list("path", flat=True):
            sid = section_paths.get(path[:-STEP])
            if sid:
                owning.add(sid)
    return co_creating | cohort_enrolled | owning


def paid_enrolments_by_year() -> dict[int, dict]:
    rows = (Enrolment.objects.filter(course__kind=CoursePage.Kind.CONTINUING, price_paid__gt=0)
            .annotate(year=ExtractYear("enrolled_at")).values("year")
            .annotate(n=Count("pk"), revenue=Sum("price_paid")).order_by("year"))
    return {r["year"]: {"count": r["n"], "revenue": r["revenue"] or ZERO} for r in rows}


# --------------------------------------------------------------------------------------------------
# The same page in another language (the language switcher)
# --------------------------------------------------------------------------------------------------
def translated_page_url(request, path: str, lang: str) -> str | None:
    """The URL, in ``lang``, of the Wagtail page that ``path`` (a path without its language prefix, routed in
    the active language) serves: its translation (same ``translation_key``) when it is live, else the nearest
    ancestor that has a live translation (a page only one language has falls back to its parent, then to the
    language's home). None when ``path`` serves no page. At most one query per ancestor level, only when the
    reader switches language."""
    from django.http import Http404
    from wagtail.models import Locale, Page, Site

    # Wagtail's routing, without Page.route_for_request's cache on the request (one request may translate
    # several paths: the page and its ``next`` parameter)
    site = Site.find_for_request(request)
    if site is None:
        return None
    try:
        page = site.root_page.localized.specific.route(request, [c for c in path.split("/") if c]).page
    except Http404:
        return None
    target = Locale.objects.filter(language_code=lang).first()
    if target is None:
        return None
    chain = [page, *reversed(page.get_ancestors().filter(depth__gt=1))]
    for candidate in chain:
        if candidate.locale_id == target.pk:
            found = candidate
        else:
            found = Page.objects.live().filter(translation_key=candidate.translation_key, locale=target).first()
        url = found.get_url(request) if found is not None else None
        if url:
            return url
    return None


READ_ONLY_SECTION = "section"  # outside the teacher's school section: Flow Stage (or the owning school) writes it
READ_ONLY_TIER = "tier"  # in their school's section, but the partnership does not include co-created modules


def authoring_courses(user, limit: int = 30) -> tuple[list, list[tuple[object, str]]]:
    """The source-locale courses a teacher works on (``services.teachable_courses``), split for the authoring home:
    those they may edit (Wagtail's page permission and the co-creation entitlement both allow it), and the others
    with why they are read-only (``READ_ONLY_SECTION`` or ``READ_ONLY_TIER``)."""
    editable, read_only = [], []
    for course in services.teachable_courses(user).order_by("title")[:limit]:
        if not course.permissions_for_user(user).can_edit():
            read_only.append((course, READ_ONLY_SECTION))
        elif not services.may_co_create(user, course):
            read_only.append((course, READ_ONLY_TIER))
        else:
            editable.append(course)
    return editable, read_only


def reader_titles(pages, lang: str | None = None) -> dict[int, str]:
    """``{page pk: title}`` for a reader of ``lang`` (default: the active language): the title of the page's live
    translation in that language when there is one, else its own (the French source). One query."""
    from django.utils.translation import get_language

    pages = [p for p in pages if p is not None]
    lang = (lang or get_language() or "fr")[:2]
    titles = {p.pk: p.title for p in pages}
    keys = {p.translation_key for p in pages}
    if not keys:
        return titles
    from wagtail.models import Page

    translated = dict(Page.objects.live().filter(translation_key__in=keys, locale__language_code=lang)
                      .values_list("translation_key", "title"))
    return {p.pk: translated.get(p.translation_key, p.title) for p in pages}


def reader_assignment_titles(submissions, lang: str | None = None) -> dict[int, str]:
    """``{submission pk: assignment title}`` for a reader of ``lang``: the title of the same assignment block (same
    block id, kept by the translation copy) in the lesson's live translation when there is one, else the title
    recorded with the submission. One query."""
    from django.utils.translation import get_language

    lang = (lang or get_language() or "fr")[:2]
    titles = {s.pk: s.assignment_title for s in submissions}
    keys = {s.lesson.translation_key for s in submissions if s.lesson_id and s.lesson.locale.language_code != lang}
    if not keys:
        return titles
    translated = {lp.translation_key: lp for lp in LessonPage.objects.live().filter(
        translation_key__in=keys, locale__language_code=lang).only("translation_key", "body")}
    for s in submissions:
        page = translated.get(s.lesson.translation_key) if s.lesson_id else None
        if page is None:
            continue
        block = services.assignment_blocks(page).get(s.block_id)
        if block and block.get("title"):
            titles[s.pk] = block["title"]
    return titles


# --------------------------------------------------------------------------------------------------
# Final report and credits: the transcript
# --------------------------------------------------------------------------------------------------
def transcript(user, lang: str | None = None) -> dict:
    """The student's credit records, modules and internships side by side, oldest first, with the total: two
    queries (the records with their course, the course titles in the reader's language)."""
    records = list(CreditRecord.objects.filter(user=user).select_related("course").order_by("awarded_at", "pk"))
    courses = [r.course for r in records if r.course_id]
    titles = reader_titles(courses, lang) if courses else {}
    rows = [{"record": r, "title": titles.get(r.course_id, r.course.title) if r.course_id else r.title,
             "code": r.course.code if r.course_id else "", "kind": r.source, "kind_label": r.get_source_display(),
             "ects": r.ects, "grade": r.grade, "awarded_at": r.awarded_at} for r in records]
    return {"rows": rows, "total": sum((r.ects for r in records), ZERO),
            "internship_total": sum((r.ects for r in records if r.source == CreditRecord.Source.INTERNSHIP), ZERO)}

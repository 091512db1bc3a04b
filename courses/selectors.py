"""Bounded-query reads of the courses app (contracts in /work/notes/SELECTORS.md + page helpers).

No function here runs a number of queries that grows with courses, units, lessons or students.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractYear

from lms import scoring

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
OUTLINE_TTL = 120  # seconds; publishing/moving/deleting pages also bumps the version (signals.py)
VERSION_KEY = "courses:outline:version"


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


def bump_outline_version() -> None:
    from django.core.cache import cache

    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def _outline_data(course, request, live_only):
    """[(UnitInfo, [LessonInfo…])…] of a course: 2 queries, then cached (per course, bumped version)."""
    from django.core.cache import cache

    key = None
    if live_only:
        key = f"courses:outline:{course.path}:{course.translation_key}:{cache.get(VERSION_KEY, 0)}"
        data = cache.get(key)
        if data is not None:
            return data
    units_qs = UnitPage.objects.filter(path__startswith=course.path, depth=len(course.path) // STEP + 1)
    lessons_qs = LessonPage.objects.filter(path__startswith=course.path).defer("body")
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
        cache.set(key, data, OUTLINE_TTL)
    return data


def course_outline(course, done_keys=frozenset(), live_only=True, request=None) -> Outline:
    """Units and lessons of a course (cached), lessons flagged done by translation key."""
    return Outline([UnitRow(u, [LessonRow(lp, lp.translation_key in done_keys) for lp in lessons])
                    for u, lessons in _outline_data(course, request, live_only)])


def done_translation_keys(enrolment) -> set:
    if enrolment is None:
        return set()
    return set(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson__translation_key", flat=True))


def course_of_lesson(lesson):
    return CoursePage.objects.get(path=lesson.path[: STEP * (lesson.depth - 2)])


@dataclass(frozen=True)
class CourseInfo:
    """What a lesson page needs of its course (cacheable)."""

    pk: int
    title: str
    url: str
    path: str
    translation_key: object
    locale_id: int


def course_info_of_lesson(lesson, request=None) -> CourseInfo:
    from django.core.cache import cache

    path = lesson.path[: STEP * (lesson.depth - 2)]
    key = f"courses:courseinfo:{path}:{lesson.locale_id}:{cache.get(VERSION_KEY, 0)}"
    info = cache.get(key)
    if info is None:
        c = CoursePage.objects.only("id", "title", "path", "depth", "url_path", "translation_key", "locale_id") \
            .get(path=path)
        info = CourseInfo(c.pk, c.title, c.get_url(request) or "", c.path, c.translation_key, c.locale_id)
        cache.set(key, info, OUTLINE_TTL)
    return info


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


def _done_hours_by_enrolment(enrolment_ids) -> dict[int, Decimal]:
    rows = (LessonCompletion.objects.filter(enrolment_id__in=enrolment_ids, lesson__live=True)
            .values("enrolment_id").annotate(h=Sum("lesson__hours")))
    return {r["enrolment_id"]: r["h"] or ZERO for r in rows}


def enrolment_rows(enrolments) -> list[dict]:
    """Progress, grade and credit of a list of enrolments (select_related course): bounded queries."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    ids = [e.pk for e in enrolments]
    course_ids = {e.course_id for e in enrolments}
    # all courses are source-locale pages at the same depth? Not necessarily: group by path length.
    totals: dict[str, Decimal] = {}
    by_len = defaultdict(set)
    for e in enrolments:
        by_len[len(e.course.path)].add(e.course.path)
    for paths in by_len.values():
        totals.update(_hours_by_course(paths))
    done = _done_hours_by_enrolment(ids)
    comps = defaultdict(list)
    for c in AssessmentComponent.objects.filter(page_id__in=course_ids).order_by("sort_order", "pk"):
        comps[c.page_id].append(c)
    marks = defaultdict(dict)
    for enrolment_id, key, score in ComponentMark.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "component_key", "score"
    ):
        marks[enrolment_id][key] = score
    schemes: dict[int, object] = {}  # one validated scheme per course, not one per enrolment
    last_completion = dict(LessonCompletion.objects.filter(enrolment_id__in=ids).values("enrolment_id")
                           .annotate(t=Max("completed_at")).values_list("enrolment_id", "t"))
    last_submission = dict(Submission.objects.filter(enrolment_id__in=ids).values("enrolment_id")
                           .annotate(t=Max("submitted_at")).values_list("enrolment_id", "t"))
    rows = []
    for e in enrolments:
        total = totals.get(e.course.path, ZERO)
        progress = pct(done.get(e.pk, ZERO), total)
        grade = passed = None
        breakdown = {}
        course_comps = comps.get(e.course_id, [])
        if course_comps:
            try:
                if e.course_id not in schemes:
                    schemes[e.course_id] = (e.course.scheme(course_comps), {c.key for c in course_comps})
                scheme, keys = schemes[e.course_id]
                result = scoring.score(scheme, {k: v for k, v in marks[e.pk].items() if k in keys})
                breakdown = {cr.component.label: cr.score for cr in result.breakdown}
                if result.complete:  # a partial weighted sum is not a grade
                    grade, passed = result.total, result.passed
            except scoring.SchemeError:
                pass
        activity = [t for t in (e.last_activity_at, last_completion.get(e.pk), last_submission.get(e.pk)) if t]
        rows.append({
            "enrolment": e,
            "course_id": e.course_id,
            "course_title": e.course.title,
            "progress_pct": progress,
            "hours_total": total,
            "hours_done": done.get(e.pk, ZERO),
            "grade_pct": grade,
            "passed": passed,
            "components": breakdown,
            "last_activity": max(activity) if activity else None,
        })
    return rows


# --------------------------------------------------------------------------------------------------
# Contract selectors (SELECTORS.md)
# --------------------------------------------------------------------------------------------------
def learning_summary(user) -> dict:
    enrolments = list(Enrolment.objects.filter(user=user).select_related("course"))
    rows = enrolment_rows(enrolments)
    credits = CreditRecord.objects.filter(user=user).aggregate(ects=Sum("ects"), n=Count("pk"))
    modules_passed = credits["n"]
    return {
        "courses_enrolled": len(enrolments),
        "courses_completed": sum(1 for e in enrolments if e.completed_at),
        "ects_earned": credits["ects"] or ZERO,
        "modules_passed": modules_passed,
        "hours_completed": sum((r["hours_done"] for r in rows), ZERO),
    }


def progress_by_user(user_ids) -> dict[int, list[dict]]:
    user_ids = list(user_ids)
    enrolments = (
        Enrolment.objects.filter(user_id__in=user_ids)
        .select_related("course")
        # only what the rows need: loading whole Wagtail pages for thousands of enrolments is slow
        .only("id", "user_id", "course_id", "enrolled_at", "last_activity_at",
              "course__path", "course__title", "course__pass_mark")
        .order_by("enrolled_at")
    )
    result: dict[int, list[dict]] = {uid: [] for uid in user_ids}
    for row in enrolment_rows(enrolments):
        e = row["enrolment"]
        result[e.user_id].append({k: row[k] for k in ("course_id", "course_title", "progress_pct", "grade_pct",
                                                      "passed", "components", "last_activity")})
    return result


def last_activity_by_user(user_ids) -> dict[int, object]:
    user_ids = list(user_ids)
    result = dict.fromkeys(user_ids)
    sources = [
        Enrolment.objects.filter(user_id__in=user_ids).values("user_id").annotate(t=Max("last_activity_at")),
        LessonCompletion.objects.filter(enrolment__user_id__in=user_ids).values("enrolment__user_id")
        .annotate(t=Max("completed_at")).values("enrolment__user_id", "t"),
        Submission.objects.filter(enrolment__user_id__in=user_ids).values("enrolment__user_id")
        .annotate(t=Max("submitted_at")).values("enrolment__user_id", "t"),
    ]
    for qs in sources:
        for row in qs:
            uid = row.get("user_id", row.get("enrolment__user_id"))
            t = row["t"]
            if t and (result.get(uid) is None or t > result[uid]):
                result[uid] = t
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

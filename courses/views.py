"""Views of the courses app: page contexts of the Wagtail pages (catalogue, course, lesson) and the
Django views (my learning, enrol, complete, submit, grading, marks audit, cohort enrolment)."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import confirm
from lms.accounts import roles
from lms.money import format_money
from partnerships.models import Cohort, School, SchoolMember

from . import page_cache, selectors, services
from .models import (
    AssessmentComponent,
    ComponentMark,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    SchoolSectionPage,
    Submission,
)

STEP = CoursePage.steplen


def _locale():
    from wagtail.models import Locale

    try:
        return Locale.objects.get_for_language(get_language() or "fr")
    except Locale.DoesNotExist:
        return Locale.get_default()


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# --------------------------------------------------------------------------------------------------
# Serving Wagtail pages
# --------------------------------------------------------------------------------------------------
def serve_page(request, path):
    """Wagtail's page serving (view restrictions, hooks, the page's own serve), with the site, the route
    and the view restrictions taken from the content cache when it has them (page_cache.route)."""
    from wagtail.views import serve

    page_cache.route(request, path)
    return serve(request, path)


# --------------------------------------------------------------------------------------------------
# Catalogue (Wagtail page context)
# --------------------------------------------------------------------------------------------------
def localized_courses(locale, base_qs=None):
    """Live courses in `locale`, plus the French ones that have no translation in it (fallback)."""
    default = services.default_locale()
    qs = (base_qs if base_qs is not None else CoursePage.objects.all()).live()
    courses = list(qs.filter(locale_id__in={locale.pk, default.pk}).select_related("locale")
                   .prefetch_related("schools").order_by("title"))
    chosen = {}
    for c in courses:
        if c.translation_key not in chosen or c.locale_id == locale.pk:
            chosen[c.translation_key] = c
    return sorted(chosen.values(), key=lambda c: c.title.lower())


def catalogue_context(page, request) -> dict:
    params = request.GET
    kind, school, language, level = (params.get(k, "")[:40] for k in ("kind", "school", "language", "level"))
    q = params.get("q", "").strip()[:200]
    filters = {"kind": kind, "school": school, "language": language, "level": level, "q": q}
    wanted = hashlib.sha256("|".join([kind, school, language, level, q]).encode()).hexdigest()[:32]
    key = page_cache.key("catalogue", page.pk, get_language() or "", wanted, request=request)
    data = page_cache.fetch(key, request)
    if data is None:
        data = _catalogue_data(page, request, filters)
        page_cache.store(key, data, request)
    cards, schools = data
    enrolled = set()
    if request.user.is_authenticated:
        enrolled = set(Enrolment.objects.filter(user=request.user).order_by().values_list("course_id", flat=True))
    cards = [dict(card, enrolled=card["source_pk"] in enrolled) for card in cards]
    shown_enrolled = sorted(str(card["translation_key"]) for card in cards if card["enrolled"])
    return {
        **page_cache.fragment("catalogue", page.pk, wanted, request.user.is_authenticated, *shown_enrolled,
                              request=request),
        "cards": cards,
        "filters": filters,
        "kinds": CoursePage.Kind.choices,
        "levels": CoursePage.Level.choices,
        "languages": CoursePage.Language.choices,
        "schools": schools,
        "filtered": any([kind, school, language, level, q]),
    }


def _catalogue_data(page, request, filters):
    """The cards of the catalogue (plain, cacheable dicts) and the schools of the filter."""
    from django.db.models import Q

    kind, school, language, level, q = (filters[k] for k in ("kind", "school", "language", "level", "q"))
    qs = CoursePage.objects.all()
    if kind in CoursePage.Kind.values:
        qs = qs.filter(kind=kind)
    if language in CoursePage.Language.values:
        qs = qs.filter(language=language)
    if level in CoursePage.Level.values:
        qs = qs.filter(level=level)
    schools = [(s.pk, s.name) for s in School.objects.filter(
        Q(co_created_courses__live=True) | Q(course_sections__isnull=False)).distinct().order_by("name")]
    if school.isdigit():
        sid = int(school)
        section_paths = list(SchoolSectionPage.objects.filter(school_id=sid).values_list("path", flat=True))
        cond = Q(schools__id=sid)
        for p in section_paths:
            cond |= Q(path__startswith=p)
        qs = qs.filter(pk__in=CoursePage.objects.filter(cond).values("pk"))
    if q:
        hits = {c.translation_key for c in CoursePage.objects.live().search(q, operator="or")}
        lesson_course_paths = {lp.path[: STEP * (lp.depth - 2)]
                               for lp in LessonPage.objects.live().search(q, operator="or")}
        if lesson_course_paths:
            hits |= set(CoursePage.objects.filter(path__in=lesson_course_paths)
                        .values_list("translation_key", flat=True))
        qs = qs.filter(translation_key__in=hits)
    locale = page.locale
    courses = localized_courses(locale, qs)
    # enrolments point at the source-locale (French) course: its id for each card
    source_pks = dict(CoursePage.objects.filter(translation_key__in=[c.translation_key for c in courses],
                                                locale=services.default_locale())
                      .values_list("translation_key", "pk"))
    by_len = defaultdict(set)
    for c in courses:
        by_len[len(c.path)].add(c.path)
    hours = {}
    for paths in by_len.values():
        hours.update(selectors._hours_by_course(paths))
    sections = dict(SchoolSectionPage.objects.filter(school__isnull=False).values_list("path", "school__name"))
    cards = []
    for c in courses:
        owner = sections.get(c.path[:-STEP])
        co = [s.name for s in c.schools.all() if s.name != owner]
        cards.append({
            "title": c.title, "url": c.get_url(request) or "", "kind": c.kind, "kind_display": c.get_kind_display(),
            "summary": c.summary, "ects": c.ects_credits, "level_display": c.get_level_display(),
            "language": c.language, "language_display": c.get_language_display(), "price": c.price,
            "hours": hours.get(c.path, Decimal(0)), "fallback": c.locale_id != locale.pk,
            "schools": ([owner] if owner else []) + co, "translation_key": c.translation_key,
            "source_pk": source_pks.get(c.translation_key, c.pk),
        })
    return cards, schools


# --------------------------------------------------------------------------------------------------
# Course page
# --------------------------------------------------------------------------------------------------
def _may_read_all(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


def course_context(page, request) -> dict:
    state = selectors.learner_state(request.user, selectors.course_info(page, request), request)
    done = state.done_keys if state else frozenset()
    outline = selectors.course_outline(page, done, live_only=not getattr(request, "is_preview", False),
                                       request=request)
    resume = outline.next_undone() if state else None  # "Resume": the first lesson not completed yet
    components = list(page.assessment_components.all())
    result = None
    if state and components:
        try:
            marks = {m.component_key: m.score for m in ComponentMark.objects.filter(enrolment_id=state.enrolment_id)}
            result = services.scoring.score(page.scheme(components),
                                            {k: v for k, v in marks.items() if k in {c.key for c in components}})
        except services.scoring.SchemeError:
            result = None
    owning = SchoolSectionPage.objects.filter(path=page.path[:-STEP]).select_related("school").first()
    return {
        "outline": outline,
        "enrolment": state,
        "resume": resume,
        "components": components,
        "result": result,
        "owning_school": owning.school if owning else None,
        "free_school": (services.student_school_of(request.user)
                        if page.price and state is None and services.free_for(request.user) else None),
        "co_schools": [s for s in page.schools.all() if not owning or s.pk != owning.school_id],
        "can_read_all": _may_read_all(request.user),
    }


# --------------------------------------------------------------------------------------------------
# Lesson page
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BodyPart:
    """A run of rendered lesson blocks (the same for every reader), or one practical assignment."""

    html: str = ""
    assignment_id: str = ""


def lesson_body(page, request) -> list[BodyPart]:
    """The lesson's StreamField rendered once per content version and language: the blocks between two
    assignments are one cached HTML run; assignments stay apart (their form and status are the reader's)."""
    from django.utils.safestring import mark_safe

    key = page_cache.key("lessonbody", page.pk, get_language() or "", request=request)
    parts = None if page_cache.previewing(request) else page_cache.fetch(key, request)
    if parts is None:
        parts, run = [], []
        for block in page.body:
            if block.block_type == "assignment":
                parts += [BodyPart(html="".join(run))] if run else []
                parts.append(BodyPart(assignment_id=block.id))
                run = []
            else:
                run.append(str(block.render_as_block(context={"page": page, "request": request})))
        parts += [BodyPart(html="".join(run))] if run else []
        if not page_cache.previewing(request):
            page_cache.store(key, parts, request)
    return [BodyPart(mark_safe(p.html), p.assignment_id) for p in parts]  # noqa: S308 - rendered by Wagtail


def lesson_context(page, request) -> dict:
    course = selectors.course_info_of_lesson(page, request)
    state = selectors.learner_state(request.user, course, request)
    done = state.done_keys if state else frozenset()
    outline = selectors.course_outline(course, done, live_only=not getattr(request, "is_preview", False),
                                       request=request)
    lessons = outline.lessons
    idx = next((i for i, lr in enumerate(lessons) if lr.lesson.pk == page.pk), None)
    unit_row = next((u for u in outline.units if page.path.startswith(u.unit.path)), None)
    prev_lesson = lessons[idx - 1].lesson if idx else None
    next_lesson = lessons[idx + 1].lesson if idx is not None and idx + 1 < len(lessons) else None
    body = lesson_body(page, request)
    assignments = services.assignment_blocks(page) if any(p.assignment_id for p in body) else {}
    submissions = {}
    if state:
        source_lesson = next((pk for pk, key in selectors.source_lessons(course, request).items()
                              if key == page.translation_key), None)
        if source_lesson is not None:
            services.record_visit(state, source_lesson)
        if assignments:
            submissions = {s.block_id: s for s in Submission.objects.filter(
                enrolment_id=state.enrolment_id, lesson__translation_key=page.translation_key)}
    can_read = bool(state) or _may_read_all(request.user) or getattr(request, "is_preview", False)
    return {
        # the side outline shows only the course, this lesson, what the reader may open and has done
        **page_cache.fragment("lesson-side", page.pk, can_read, bool(state), *sorted(map(str, done)),
                              request=request),
        "course": course,
        "unit_row": unit_row,
        "outline": outline,
        "enrolment": state,
        "is_done": page.translation_key in done,
        "prev_lesson": prev_lesson,
        "next_lesson": next_lesson,
        "body": body,
        "assignments": assignments,
        "submissions": submissions,
        "can_read": can_read,
        "max_upload_mb": services.MAX_SUBMISSION_BYTES // (1024 * 1024),
        "accept": ",".join("." + e for e in sorted(services.SUBMISSION_EXTENSIONS)),
    }


# --------------------------------------------------------------------------------------------------
# Django views
# --------------------------------------------------------------------------------------------------
def catalogue(request):
    locale = _locale()
    page = CourseIndexPage.objects.live().filter(locale=locale).first() or \
        CourseIndexPage.objects.live().filter(locale=services.default_locale()).first()
    if page is None:
        raise Http404(_("The catalogue is not set up yet."))
    return redirect(page.url)


@login_required
def my_learning(request):
    enrolments = Enrolment.objects.filter(user=request.user).select_related("course", "last_lesson")
    rows = selectors.enrolment_rows(enrolments)
    locale = _locale()
    # show titles/URLs in the user's language when a translation exists (1 query)
    keys = [r["enrolment"].course.translation_key for r in rows]
    translated = {c.translation_key: c for c in CoursePage.objects.live().filter(translation_key__in=keys,
                                                                                  locale=locale)}
    # "Resume" leads to the first lesson not completed yet (in the reader's language when translated)
    resume_keys = selectors.first_unfinished_keys([r["enrolment"] for r in rows if r["enrolment"].last_lesson_id],
                                                  request)
    lessons = {}
    for lp in LessonPage.objects.live().defer("body").filter(translation_key__in=resume_keys.values(),
                                                            locale__in=[locale, services.default_locale()]):
        if lp.locale_id == locale.pk or lp.translation_key not in lessons:
            lessons[lp.translation_key] = lp
    for r in rows:
        e = r["enrolment"]
        r["page"] = translated.get(e.course.translation_key, e.course)
        if e.pk in resume_keys:
            r["resume"] = lessons.get(resume_keys[e.pk])
    summary = selectors.learning_summary(request.user)
    return render(request, "courses/my_learning.html", {"rows": rows, "summary": summary})


@login_required
def transcript(request):
    """The student's transcript: the ECTS credits of the modules passed and of the internships whose final report
    was co-signed, with the total."""
    return render(request, "courses/transcript.html", {"transcript": selectors.transcript(request.user),
                                                       "student": request.user})


@login_required
@require_POST
def enrol(request, course_id):
    course = get_object_or_404(CoursePage, pk=course_id)
    price = services.canonical(course).price
    if price and services.free_for(request.user):
        price = None  # free through the school's partnership ("free student access")
    if price and not confirm.confirmed(request, "courses.enrol", course.pk):
        return confirm.ask(
            request, "courses.enrol", course.pk, title=_("Enrol in “%(course)s”?") % {"course": course.title},
            lines=[_("You are about to enrol in “%(course)s”. The course costs %(price)s excl. VAT.")
                   % {"course": course.title, "price": format_money(price)}],
            confirm_label=_("Enrol and pay %(price)s") % {"price": format_money(price)}, cancel_url=course.url)
    try:
        services.self_enrol(request.user, course)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(course.url)
    messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    return redirect(course.url)


@login_required
@require_POST
def complete(request, lesson_id):
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    try:
        services.complete_lesson(request.user, lesson)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(lesson.url)
    messages.success(request, _("Lesson marked as complete."))
    nxt = request.POST.get("next")
    if nxt and nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect(lesson.url)


@login_required
@require_POST
def submit(request, lesson_id):
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    block_id = request.POST.get("block_id", "")
    try:
        services.submit_assignment(request.user, lesson, block_id, file=request.FILES.get("file"),
                                   url=request.POST.get("url", ""), comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(lesson.url + f"#assignment-{block_id}")
    messages.success(request, _("Your work has been submitted; your teacher will grade it."))
    return redirect(lesson.url + f"#assignment-{block_id}")


def _teacher_only(user):
    if not (user.is_superuser or roles.has_role(user, roles.TEACHER, roles.FLOWSTAGE_STAFF)):
        raise PermissionDenied(_("Only teachers and Flow Stage staff may grade."))


@login_required
def grading(request):
    _teacher_only(request.user)
    courses = list(services.teachable_courses(request.user).order_by("title"))
    course_ids = [c.pk for c in courses]
    pending = list(Submission.objects.filter(enrolment__course_id__in=course_ids, grade__isnull=True)
                   .select_related("enrolment__user", "enrolment__course", "lesson__locale")
                   .order_by("submitted_at")[:200])
    counts = defaultdict(int)
    for row in Enrolment.objects.filter(course_id__in=course_ids).values_list("course_id", flat=True):
        counts[row] += 1
    # titles in the reader's language (the English translation on /en/), one query
    titles = selectors.reader_titles([*courses, *(s.enrolment.course for s in pending), *(s.lesson for s in pending)])
    assignments = selectors.reader_assignment_titles(pending)
    for s in pending:
        s.course_title, s.lesson_title = titles[s.enrolment.course_id], titles.get(s.lesson_id, "")
        s.reader_assignment_title = assignments[s.pk]
    rows = sorted(({"course": c, "title": titles[c.pk], "students": counts[c.pk]} for c in courses),
                  key=lambda r: r["title"].lower())
    return render(request, "courses/grading.html", {"courses": rows, "pending": pending})


@login_required
@require_POST
def grade_submission(request, submission_id):
    submission = get_object_or_404(Submission.objects.select_related("enrolment__course"), pk=submission_id)
    try:
        services.grade_submission(submission, request.POST.get("grade", ""), request.POST.get("unit", "twenty"),
                                  request.POST.get("feedback", ""), request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Submission graded."))
    return redirect("courses:grading")


@login_required
def course_marks(request, course_id):
    """Component-mark entry for every enrolled student of a course, with the computed final grade."""
    course = get_object_or_404(CoursePage, pk=course_id)
    course = services.canonical(course)
    if not services.can_teach(request.user, course):
        raise PermissionDenied(_("You do not teach this course."))
    components = list(course.assessment_components.all())
    enrolments = list(Enrolment.objects.filter(course=course).select_related("user").order_by("user__last_name"))
    errors = []
    if request.method == "POST":
        unit = request.POST.get("unit", "twenty")
        by_id = {e.pk: e for e in enrolments}
        changed = 0
        for key_name, value in request.POST.items():
            if not key_name.startswith("mark-") or not value.strip():
                continue
            try:
                _prefix, eid, comp = key_name.split("-", 2)
                enrolment = by_id[int(eid)]
            except (ValueError, KeyError):
                return HttpResponseBadRequest(_("Unknown field."))
            old = ComponentMark.objects.filter(enrolment=enrolment, component_key=comp).first()
            try:
                new_pct = services.parse_mark(value, unit)
            except ValidationError as exc:
                errors.append(f"{enrolment.user.get_display_name()} — {comp}: {_error_text(exc)}")
                continue
            if old is not None and old.score == new_pct:
                continue
            try:
                services.set_component_mark(enrolment, comp, value, unit, request.user)
                changed += 1
            except ValidationError as exc:
                errors.append(f"{enrolment.user.get_display_name()} — {comp}: {_error_text(exc)}")
        if errors:
            for e in errors:
                messages.error(request, e)
        if changed:
            messages.success(request, _("%(n)s mark(s) saved.") % {"n": changed})
        return redirect("courses:course_marks", course_id=course.pk)
    rows = selectors.enrolment_rows(Enrolment.objects.filter(course=course).select_related("user", "course")
                                    .order_by("user__last_name"))
    marks = defaultdict(dict)
    for m in ComponentMark.objects.filter(enrolment__course=course):
        marks[m.enrolment_id][m.component_key] = m.score
    for r in rows:
        e = r["enrolment"]
        r["cells"] = [(c, marks[e.pk].get(c.key)) for c in components]
    credited = set(course.credit_records.values_list("user_id", flat=True))
    return render(request, "courses/course_marks.html", {
        "course": course, "course_title": selectors.reader_titles([course])[course.pk], "components": components, "rows": rows, "credited": credited,
        "internship_lessons": list(LessonPage.objects.descendant_of(course).filter(validated_by_internship=True)
                                   .values_list("title", flat=True)),
        "total_weight": sum((c.weight for c in components), Decimal(0)),
    })


@login_required
def marks_history(request, course_id):
    course = services.canonical(get_object_or_404(CoursePage, pk=course_id))
    if not services.can_teach(request.user, course):
        raise PermissionDenied(_("You do not teach this course."))
    labels = {c.key: c.label for c in course.assessment_components.all()}
    history = list(ComponentMark.history.filter(enrolment__course=course)
                   .select_related("history_user", "enrolment__user").order_by("-history_date")[:500])
    # previous value of each historical row: one pass, ordered by time per mark id
    prev = {}
    for h in sorted(history, key=lambda h: (h.id, h.history_date)):
        h.before = prev.get(h.id)
        prev[h.id] = h.score if h.history_type != "-" else None
        h.component_label = labels.get(h.component_key, h.component_key)
    return render(request, "courses/marks_history.html", {
        "course": course, "course_title": selectors.reader_titles([course])[course.pk], "history": history})


@login_required
def cohort_enrolment(request):
    user = request.user
    if user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF):
        cohorts = Cohort.objects.all()
    else:
        school_ids = SchoolMember.objects.filter(user=user, role=SchoolMember.Role.STAFF).values("school_id")
        cohorts = Cohort.objects.filter(programme__school_id__in=school_ids)
    cohorts = list(cohorts.select_related("programme__school"))
    if not cohorts:
        raise PermissionDenied(_("Only school staff may enrol cohorts."))
    courses = CoursePage.objects.live().filter(locale=services.default_locale()).order_by("title")
    titles = selectors.reader_titles(list(courses))  # the choices in the reader's language
    choices = sorted(({"pk": c.pk, "title": titles[c.pk], "code": c.code} for c in courses),
                     key=lambda c: c["title"].lower())
    status = 200
    if request.method == "POST":
        cohort = next((c for c in cohorts if str(c.pk) == request.POST.get("cohort")), None)
        course = courses.filter(pk=request.POST.get("course") or 0).first()
        if cohort is None or course is None:
            messages.error(request, _("Choose a cohort and a course."))
        else:
            try:
                res = services.enrol_cohort(cohort, course, user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
                status = 403 if isinstance(exc, PermissionDenied) else 422
            else:
                messages.success(request, _("%(n)s student(s) enrolled, %(s)s already enrolled.")
                                 % {"n": res["enrolled"], "s": res["skipped"]})
                return redirect("courses:cohort_enrolment")
    blocked = {} if (roles.has_role(user, roles.FLOWSTAGE_STAFF) or user.is_superuser) else {
        c.programme.school_id: services.curriculum_refusal(c.programme.school) for c in cohorts}
    return render(request, "courses/cohort_enrolment.html", {
        "cohorts": cohorts, "courses": choices,
        "refusals": sorted({r for r in blocked.values() if r})}, status=status)


def catalogue_url_for(course) -> str:
    return course.url or reverse("courses:catalogue")

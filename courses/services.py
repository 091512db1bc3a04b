"""Use-cases of the courses app that change state, one transaction each.

Learning records point at the SOURCE-locale page (French) of a course/lesson: `canonical()` maps any
translation to it, so a student who switches language keeps their progress.
"""
from __future__ import annotations

import os
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import scoring
from lms.accounts import roles
from partnerships import entitlements
from partnerships.models import SchoolMember

from .models import (
    AssessmentComponent,
    ComponentMark,
    CourseIndexPage,
    CoursePage,
    CreditRecord,
    Enrolment,
    LessonCompletion,
    LessonPage,
    SchoolSectionPage,
    Submission,
)

MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
SUBMISSION_EXTENSIONS = {
    "pdf", "zip", "txt", "md", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
    "png", "jpg", "jpeg", "webp", "mp3", "wav", "aiff", "flac", "ogg", "m4a", "mp4", "mov", "webm",
}
REVIEWERS_GROUP = "Pedagogical reviewers"
WORKFLOW_NAME = "Pedagogical review"
TEACHER_PAGE_PERMS = ("add_page", "change_page")
STAFF_PAGE_PERMS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page")


class CourseError(ValidationError):
    """A use-case refused with a reason meant for the user."""


# --------------------------------------------------------------------------------------------------
# Locales
# --------------------------------------------------------------------------------------------------
def default_locale():
    from django.conf import settings
    from wagtail.models import Locale

    try:
        return Locale.get_default()
    except Locale.DoesNotExist:  # a flushed database (transactional tests): recreate the source locale
        return Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]


def _default_site():
    """The default Wagtail site; recreated (root page, home page, site) when a flushed database lost it."""
    from wagtail.models import Page, Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site
    fr = default_locale()
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=fr, live=True))
    home = root.get_children().filter(locale=fr).first()
    if home is None:
        home = root.add_child(instance=Page(title="Flow Stage Academy", slug="home", locale=fr, live=True))
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                               site_name="Flow Stage Academy")


def canonical(page):
    """The source-locale (French) version of a course or lesson page (itself when it has none)."""
    locale = default_locale()
    if page.locale_id == locale.pk:
        return page
    return type(page).objects.filter(translation_key=page.translation_key, locale=locale).first() or page


# --------------------------------------------------------------------------------------------------
# Enrolment and progress
# --------------------------------------------------------------------------------------------------
def _course_lessons(course):
    return LessonPage.objects.descendant_of(course).live()


def self_enrol(user, course) -> Enrolment:
    course = canonical(course)
    if not user.is_authenticated:
        raise CourseError(_("Sign in to enrol."))
    if not course.live:
        raise CourseError(_("This course is not published."))
    if not course.open_enrolment:
        raise CourseError(_("This course is not open to self-enrolment; your school enrols its cohorts."))
    price = Decimal("0.00") if course.price and free_for(user) else course.price
    return _enrol(user, course, Enrolment.Source.SELF, by=user, price_paid=price)


def student_school_of(user):
    """The school of the student's latest cohort (None: no cohort)."""
    from partnerships.models import CohortMembership

    m = (CohortMembership.objects.filter(user=user).select_related("cohort__programme__school")
         .order_by("-cohort__graduation_year").first())
    return m.cohort.programme.school if m else None


def free_for(user) -> bool:
    """The school's "free student access" entitlement (every tier from Discovery): its students enrol in the
    modules that carry a price without paying (the enrolment records 0 €)."""
    if not user.is_authenticated:
        return False
    return entitlements.school_has(student_school_of(user), entitlements.FREE_STUDENT_ACCESS)


def curriculum_refusal(school) -> str | None:
    """Why the school's staff may not assign Flow Stage modules to their cohorts (None: they may): the
    "curriculum integration" entitlement (Certified tier and above)."""
    if entitlements.school_has(school, entitlements.CURRICULUM_INTEGRATION):
        return None
    return _("Assigning Flow Stage modules to %(school)s's cohorts as part of their curriculum is the curriculum "
             "integration project, which the school's partnership does not include (Certified tier and above). "
             "Students may still enrol themselves in the modules open to everyone.") % {"school": school.name}


def _enrol(user, course, source, by=None, cohort=None, price_paid=None) -> Enrolment:
    if Enrolment.objects.filter(user=user, course=course).exists():
        raise CourseError(_("You are already enrolled in this course.") if by == user
                          else _("%(user)s is already enrolled in this course.") % {"user": user})
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, course=course, source=source, enrolled_by=by, cohort=cohort,
                                            price_paid=price_paid)
    except IntegrityError:
        raise CourseError(_("You are already enrolled in this course.")) from None


def can_enrol_cohort(by, cohort) -> bool:
    if roles.has_role(by, roles.FLOWSTAGE_STAFF) or by.is_superuser:
        return True
    return SchoolMember.objects.filter(user=by, school_id=cohort.programme.school_id,
                                       role=SchoolMember.Role.STAFF).exists()


@transaction.atomic
def enrol_cohort(cohort, course, by) -> dict:
    """Enrol every student of `cohort` in `course` (school staff of the cohort's school, or Flow Stage
    staff). Students already enrolled are skipped. Returns {"enrolled": n, "skipped": n}."""
    course = canonical(course)
    if not can_enrol_cohort(by, cohort):
        raise PermissionDenied(_("Only the staff of the cohort's school may enrol it."))
    if not (roles.has_role(by, roles.FLOWSTAGE_STAFF) or by.is_superuser):  # Flow Stage's staff: pilots, demos
        refusal = curriculum_refusal(cohort.programme.school)
        if refusal:
            raise PermissionDenied(refusal)
    if not course.live:
        raise CourseError(_("This course is not published."))
    student_ids = list(cohort.memberships.values_list("user_id", flat=True))
    already = set(Enrolment.objects.filter(course=course, user_id__in=student_ids).values_list("user_id", flat=True))
    new = [Enrolment(user_id=uid, course=course, source=Enrolment.Source.COHORT, cohort=cohort, enrolled_by=by)
           for uid in student_ids if uid not in already]
    Enrolment.objects.bulk_create(new)
    return {"enrolled": len(new), "skipped": len(already)}


def _require_enrolment(user, lesson) -> tuple[Enrolment, LessonPage]:
    lesson = canonical(lesson)
    course_path = lesson.path[: CoursePage.steplen * (lesson.depth - 2)]
    enrolment = Enrolment.objects.filter(user=user, course__path=course_path).first() if user.is_authenticated \
        else None
    if enrolment is None:
        raise CourseError(_("You are not enrolled in the course of this lesson."))
    return enrolment, lesson


@transaction.atomic
def complete_lesson(user, lesson) -> LessonCompletion:
    enrolment, lesson = _require_enrolment(user, lesson)
    if not lesson.live:
        raise CourseError(_("This lesson is not published."))
    if lesson.validated_by_internship:
        raise CourseError(_("This part is validated by your internship's final report once your tutor and your "
                            "referent teacher have co-signed it: it is not marked done by hand."))
    return _complete(enrolment, lesson)


def _complete(enrolment, lesson) -> LessonCompletion:
    completion, _created = LessonCompletion.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    now = timezone.now()
    done = set(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True))
    all_ids = set(_course_lessons(enrolment.course).values_list("pk", flat=True))
    completed_at = enrolment.completed_at or (now if all_ids and all_ids <= done else None)
    first = enrolment.completed_at is None and completed_at is not None and Enrolment.objects.filter(
        pk=enrolment.pk, completed_at__isnull=True).update(completed_at=completed_at) == 1
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_activity_at=now,
                                                     completed_at=completed_at)
    if first:  # once: the row moved from not completed to completed here
        from courses import signals

        ids = {"enrolment_id": enrolment.pk, "user_id": enrolment.user_id, "course_id": enrolment.course_id}
        transaction.on_commit(lambda: signals.module_completed.send(sender=Enrolment, **ids))
    return completion


# --------------------------------------------------------------------------------------------------
# Final report and credits: what other apps' records validate (careers, exams call these; courses imports neither)
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def validate_internship_parts(user_id: int) -> int:
    """The student's internship report was co-signed: mark done every live "validated by the internship" lesson of
    the modules they are enrolled in. Idempotent; returns how many lessons were newly done."""
    new = 0
    for enrolment in Enrolment.objects.filter(user_id=user_id).select_related("course"):
        lessons = _course_lessons(enrolment.course).filter(validated_by_internship=True).live()
        for lesson in lessons:
            if not LessonCompletion.objects.filter(enrolment=enrolment, lesson=lesson).exists():
                _complete(enrolment, lesson)
                new += 1
    return new


@transaction.atomic
def record_certification_result(user_id: int, score) -> int:
    """A Flow Stage certification attempt of the student was graded with ``score`` (%): every module they are
    enrolled in whose scheme has a component taking the certification result gets it (the best result so far),
    then its credits are recomputed. Returns how many marks changed."""
    pct = scoring.check_percentage(score, "certification")
    changed = 0
    comps = AssessmentComponent.objects.filter(source=AssessmentComponent.Source.CERTIFICATION)
    course_ids = set(comps.values_list("page_id", flat=True))
    for enrolment in Enrolment.objects.filter(user_id=user_id, course_id__in=course_ids).select_related("course"):
        components = list(enrolment.course.assessment_components.all())
        for c in components:
            if c.source != AssessmentComponent.Source.CERTIFICATION:
                continue
            mark = ComponentMark.objects.select_for_update().filter(enrolment=enrolment, component_key=c.key).first()
            if mark is None:
                ComponentMark.objects.create(enrolment=enrolment, component_key=c.key, score=pct, entered_by=None)
            elif pct > mark.score:
                mark.score, mark.entered_by = pct, None
                mark.save()
            else:
                continue
            changed += 1
        evaluate_module(enrolment, components)
    return changed


@transaction.atomic
def award_credits(user_id: int, *, reference: str, title: str, ects, grade,
                  source: str = CreditRecord.Source.INTERNSHIP) -> tuple[CreditRecord, bool]:
    """Validate ECTS credits for a record of another app (``reference``, e.g. ``careers.agreement:12``), beside the
    modules' credits. Once per reference (a unique constraint is the backstop): a second call returns the record
    already written, unchanged, and False."""
    reference = (reference or "").strip()
    if not reference:
        raise CourseError(_("Credits need the reference of the record that validates them."))
    try:
        ects, grade = scoring.as_decimal(ects, "ECTS"), scoring.check_percentage(grade, "grade")
    except scoring.SchemeError:
        raise CourseError(_("Credits need a number of ECTS and a grade between 0 and 100 %.")) from None
    if ects <= 0:
        raise CourseError(_("There are no ECTS credits to validate."))
    existing = CreditRecord.objects.filter(user_id=user_id, reference=reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return CreditRecord.objects.create(user_id=user_id, reference=reference, source=source,
                                               title=title[:200], ects=ects, grade=grade), True
    except IntegrityError:
        return CreditRecord.objects.get(user_id=user_id, reference=reference), False


def record_visit(state, lesson_id: int) -> None:
    """Remember where the student stopped. ``state`` is the page's selectors.LearnerState, ``lesson_id``
    the source-locale lesson read (in either language). At most one UPDATE, none on a reload."""
    if state.last_lesson_id == lesson_id:
        return
    Enrolment.objects.filter(pk=state.enrolment_id).update(last_lesson_id=lesson_id, last_activity_at=timezone.now())


# --------------------------------------------------------------------------------------------------
# Assignments
# --------------------------------------------------------------------------------------------------
def assignment_blocks(lesson) -> dict:
    return {b.id: b.value for b in lesson.body if b.block_type == "assignment"}


def validate_upload(file) -> None:
    """The limits of an uploaded document (assignments, and other apps' uploads such as the internship report):
    its size and its type. Raises CourseError with the reason."""
    if file.size > MAX_SUBMISSION_BYTES:
        raise CourseError(_("The file is too large (%(size)s MB); the limit is %(max)s MB.")
                          % {"size": file.size // (1024 * 1024), "max": MAX_SUBMISSION_BYTES // (1024 * 1024)})
    ext = os.path.splitext(file.name)[1].lower().lstrip(".")
    if ext not in SUBMISSION_EXTENSIONS:
        raise CourseError(_("Files of type “%(ext)s” are not accepted. Accepted: %(list)s.")
                          % {"ext": ext or "?", "list": ", ".join(sorted(SUBMISSION_EXTENSIONS))})


@transaction.atomic
def submit_assignment(user, lesson, block_id, file=None, url="", comment="") -> Submission:
    enrolment, lesson = _require_enrolment(user, lesson)
    block = assignment_blocks(lesson).get(block_id)
    if block is None:
        raise CourseError(_("This assignment does not exist."))
    url = (url or "").strip()
    if not file and not url:
        raise CourseError(_("Attach a file or give a link."))
    kind = block["submission"]
    if file and kind == "link":
        raise CourseError(_("This assignment expects a link, not a file."))
    if url and not file and kind == "file":
        raise CourseError(_("This assignment expects a file, not a link."))
    if file:
        validate_upload(file)
    if url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CourseError(_("The link is not a valid http(s) address.")) from None
    existing = Submission.objects.select_for_update().filter(enrolment=enrolment, lesson=lesson,
                                                             block_id=block_id).first()
    if existing and existing.grade is not None:
        raise CourseError(_("This assignment has already been graded; it can no longer be changed."))
    sub = existing or Submission(enrolment=enrolment, lesson=lesson, block_id=block_id)
    sub.assignment_title = block["title"][:160]
    sub.url = url
    sub.comment = comment or ""
    if file:
        sub.file.save(os.path.basename(file.name), file, save=False)
    elif existing is None:
        sub.file = ""
    sub.save()
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=timezone.now())
    return sub


# --------------------------------------------------------------------------------------------------
# Teaching: who may grade, marks, credits
# --------------------------------------------------------------------------------------------------
def owning_school_id(course):
    section = SchoolSectionPage.objects.filter(path=course.path[: CoursePage.steplen * (course.depth - 1)]).first()
    return section.school_id if section else None


def teachable_courses(user):
    """Source-locale courses the user may grade: authored, of their school's section, co-created by their
    school; every course for Flow Stage staff."""
    qs = CoursePage.objects.filter(locale=default_locale())
    if user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF):
        return qs
    from django.db.models import Q

    school_ids = list(SchoolMember.objects.filter(user=user, role=SchoolMember.Role.TEACHER)
                      .values_list("school_id", flat=True))
    section_paths = list(SchoolSectionPage.objects.filter(school_id__in=school_ids).values_list("path", flat=True))
    cond = Q(authors=user) | Q(schools__in=school_ids)
    for p in section_paths:
        cond |= Q(path__startswith=p)
    return qs.filter(cond).distinct()


def can_teach(user, course) -> bool:
    if not user.is_authenticated:
        return False
    return teachable_courses(user).filter(pk=canonical(course).pk).exists()


def parse_mark(value, unit: str) -> Decimal:
    """A mark typed by a teacher: "15" with unit "twenty" (/20) or "75" with unit "percent"."""
    if unit not in ("twenty", "percent"):
        raise CourseError(_("Unknown mark unit."))
    try:
        return scoring.from_twenty(value) if unit == "twenty" else scoring.check_percentage(value, "mark")
    except scoring.SchemeError:
        raise CourseError(_("A mark must be between 0 and 20 (or 0 and 100 %%), not “%(value)s”.")
                          % {"value": str(value)[:20]}) from None


def course_result(enrolment, components=None, marks=None) -> scoring.SchemeResult:
    course = enrolment.course
    if marks is None:
        marks = {m.component_key: m.score for m in enrolment.marks.all()}
    scheme = course.scheme(components)
    known = {c.key for c in scheme.components}
    return scoring.score(scheme, {k: v for k, v in marks.items() if k in known})


@transaction.atomic
def set_component_mark(enrolment, component_key, value, unit, by) -> scoring.SchemeResult:
    """Enter (or change) a component mark, then update the student's credit record. Audited (history)."""
    if not can_teach(by, enrolment.course):
        raise PermissionDenied(_("You do not teach this course."))
    components = list(enrolment.course.assessment_components.all())
    component = next((c for c in components if c.key == component_key), None)
    if component is None:
        raise CourseError(_("Unknown assessment component."))
    if component.automatic:
        raise CourseError(_("“%(label)s” takes the student's certification result: it is not typed by hand.")
                          % {"label": component.label})
    pct = parse_mark(value, unit)
    mark = ComponentMark.objects.select_for_update().filter(enrolment=enrolment, component_key=component_key).first()
    if mark is None:
        ComponentMark.objects.create(enrolment=enrolment, component_key=component_key, score=pct, entered_by=by)
    elif mark.score != pct:
        mark.score, mark.entered_by = pct, by
        mark.save()
    return evaluate_module(enrolment, components)


def evaluate_module(enrolment, components=None) -> scoring.SchemeResult:
    """Record (or withdraw) the ECTS credits according to the current weighted grade. A first pass sends
    ``signals.module_passed``, a withdrawal ``signals.module_credits_withdrawn``, once the transaction commits."""
    from courses import signals

    result = course_result(enrolment, components)
    course = enrolment.course
    record = CreditRecord.objects.filter(user_id=enrolment.user_id, course=course).first()
    if result.passed:
        if record is None:
            record = CreditRecord.objects.create(user_id=enrolment.user_id, course=course, ects=course.ects_credits,
                                                 grade=result.total)
            transaction.on_commit(
                lambda: signals.module_passed.send(sender=CreditRecord, record=record))
        elif record.grade != result.total or record.ects != course.ects_credits:
            record.grade, record.ects = result.total, course.ects_credits
            record.save()
    elif record is not None:
        user_id, course_id = record.user_id, record.course_id
        record.delete()
        transaction.on_commit(lambda: signals.module_credits_withdrawn.send(
            sender=CreditRecord, user_id=user_id, course_id=course_id))
    return result


@transaction.atomic
def grade_submission(submission, value, unit, feedback, by) -> Submission:
    if not can_teach(by, submission.enrolment.course):
        raise PermissionDenied(_("You do not teach this course."))
    submission.grade = parse_mark(value, unit)
    submission.feedback = feedback or ""
    submission.graded_by = by
    submission.graded_at = timezone.now()
    submission.save()
    return submission


def validate_scheme_rows(rows, pass_mark) -> scoring.Scheme:
    """rows: iterable of (key, label, weight). Raises CourseError with the scoring engine's reason."""
    try:
        return scoring.Scheme.of(list(rows), pass_mark)
    except scoring.SchemeError as exc:
        raise CourseError(str(exc)) from None


# --------------------------------------------------------------------------------------------------
# Authoring: catalogue, school sections, teacher groups, workflow
# --------------------------------------------------------------------------------------------------
def _perms(codenames, app_label="wagtailcore"):
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def _grant_page_perms(group, page, codenames):
    from wagtail.models import GroupPagePermission

    for perm in _perms(codenames):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=perm)


def _grant_media(group):
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for app_label, codes in (("wagtailimages", ["add_image", "choose_image"]),
                             ("wagtaildocs", ["add_document", "choose_document"])):
        for perm in _perms(codes, app_label):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=perm)


@transaction.atomic
def ensure_catalogue(title="Catalogue des formations", slug="catalogue") -> CourseIndexPage:
    """The French catalogue under the site's root page, its English translation, the reviewers' group,
    the Flow Stage staff's page permissions and the "Pedagogical review" workflow (idempotent)."""
    from wagtail.models import GroupApprovalTask, Locale, Site, Workflow, WorkflowPage, WorkflowTask

    site = _default_site()
    home = site.root_page.specific
    fr = default_locale()
    if home.locale_id != fr.pk:
        home = home.get_translation(fr)
    catalogue = CourseIndexPage.objects.filter(locale=fr).first()
    if catalogue is None:
        catalogue = home.add_child(instance=CourseIndexPage(
            title=title, slug=slug, locale=fr,
            intro="<p>Modules intégrés aux cursus, formations continues et préparations aux certifications "
                  "Flow Stage, co-créés avec nos écoles partenaires.</p>"))
        catalogue.save_revision().publish()
    en = Locale.objects.get_or_create(language_code="en")[0]
    if not CourseIndexPage.objects.filter(locale=en).exists():
        en_cat = catalogue.copy_for_translation(en, copy_parents=True)
        en_cat.title = "Course catalogue"
        en_cat.intro = ("<p>Curriculum modules, continuing education and Flow Stage certification preparation, "
                        "co-created with our partner schools.</p>")
        en_cat.save_revision().publish()
        en_home = en_cat.get_parent()
        if not en_home.live and not en_home.alias_of_id:
            en_home.save_revision().publish()
    reviewers, _c = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    reviewers.permissions.add(*_perms(["access_admin"], "wagtailadmin"))
    staff, _c = Group.objects.get_or_create(name=roles.FLOWSTAGE_STAFF)
    for cat in CourseIndexPage.objects.all():
        _grant_page_perms(reviewers, cat, ("change_page", "publish_page"))
        _grant_page_perms(staff, cat, STAFF_PAGE_PERMS)
    _grant_media(staff)
    workflow, _c = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.add(reviewers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    for cat in CourseIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=cat, defaults={"workflow": workflow})
    return catalogue


def teacher_group_name(school) -> str:
    return f"Teachers — {school.name}"


@transaction.atomic
def ensure_school_section(school, catalogue=None) -> SchoolSectionPage:
    """The school's section of the catalogue (French) and its teachers' group with page permissions on
    that subtree (idempotent)."""
    catalogue = catalogue or ensure_catalogue()
    section = SchoolSectionPage.objects.filter(school=school, locale=catalogue.locale).first()
    if section is None:
        section = catalogue.add_child(instance=SchoolSectionPage(
            title=school.name, slug=school.slug[:80], school=school, locale=catalogue.locale))
        section.save_revision().publish()
    group, _c = Group.objects.get_or_create(name=teacher_group_name(school))
    group.permissions.add(*_perms(["access_admin"], "wagtailadmin"))
    for page in SchoolSectionPage.objects.filter(translation_key=section.translation_key):
        _grant_page_perms(group, page, TEACHER_PAGE_PERMS)
    _grant_media(group)
    return section


@transaction.atomic
def add_teacher(school, user) -> SchoolMember:
    """Make `user` a teacher of `school`: membership, role group, and the school's teachers group."""
    member, _c = SchoolMember.objects.get_or_create(school=school, user=user, role=SchoolMember.Role.TEACHER)
    sync_teacher_groups(member)
    return member


def sync_teacher_groups(member) -> None:
    if member.role != SchoolMember.Role.TEACHER:
        return
    ensure_school_section(member.school)
    member.user.groups.add(Group.objects.get(name=teacher_group_name(member.school)),
                           Group.objects.get_or_create(name=roles.TEACHER)[0])


def may_co_create(user, page) -> bool:
    """Entitlement gate: a teacher (not Flow Stage staff) may author courses in a school section only when
    the school's tier grants CO_CREATED_MODULES."""
    if user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF):
        return True
    if roles.has_role(user, REVIEWERS_GROUP):
        return True
    section = SchoolSectionPage.objects.filter(
        path__in=[page.path[: SchoolSectionPage.steplen * d] for d in range(1, page.depth + 1)]
    ).select_related("school").first()
    if section is None or section.school is None:
        return True  # outside school sections, Wagtail's own page permissions decide
    return entitlements.school_has(section.school, entitlements.CO_CREATED_MODULES)

"""Courses API (mounted at /api/v1/courses): catalogue, enrolment, my progress, a cohort's progress."""
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from lms.accounts import roles
from lms.converters import Id
from partnerships.models import Cohort, SchoolMember

from . import selectors, services
from .models import CoursePage

router = Router(tags=["courses"])


class CourseOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    level: str
    language: str
    locale: str
    ects_credits: Decimal
    price: Decimal | None
    url: str


class ProgressOut(Schema):
    course_id: int
    course_title: str
    progress_pct: Decimal
    grade_pct: Decimal | None
    passed: bool | None
    components: dict[str, Decimal | None]
    last_activity: datetime | None


class EnrolOut(Schema):
    enrolment_id: int
    course_id: int


def _out(c):
    return {"id": c.pk, "code": c.code, "title": c.title, "kind": c.kind, "level": c.level, "language": c.language,
            "locale": c.locale.language_code, "ects_credits": c.ects_credits, "price": c.price, "url": c.url or ""}


@router.get("/", response=list[CourseOut], auth=None)
def catalogue(request, lang: str = "fr", kind: str = ""):
    """Published courses in `lang` (fr/en), falling back to French."""
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=lang).first() or services.default_locale()
    qs = CoursePage.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    from .views import localized_courses

    return [_out(c) for c in localized_courses(locale, qs)]


@router.get("/mine", response=list[ProgressOut])
def my_progress(request):
    return selectors.progress_by_user([request.user.pk])[request.user.pk]


@router.post("/{course_id}/enrol", response={201: EnrolOut})
def enrol(request, course_id: Id):
    course = get_object_or_404(CoursePage, pk=course_id)
    try:
        e = services.self_enrol(request.user, course)
    except ValidationError as exc:
        raise HttpError(409 if "already" in " ".join(exc.messages) or "déjà" in " ".join(exc.messages) else 400,
                        " ".join(exc.messages)) from None
    return 201, {"enrolment_id": e.pk, "course_id": e.course_id}


@router.get("/cohorts/{cohort_id}/progress", response=dict[int, list[ProgressOut]])
def cohort_progress(request, cohort_id: Id):
    """Progress of every student of a cohort (school staff or teachers of its school, Flow Stage staff)."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_id)
    user = request.user
    if not (user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF) or SchoolMember.objects.filter(
            user=user, school_id=cohort.programme.school_id, role__in=["staff", "teacher"]).exists()):
        raise HttpError(403, "Only the cohort's school or Flow Stage staff may read its progress.")
    ids = list(cohort.memberships.values_list("user_id", flat=True))
    return selectors.progress_by_user(ids)


__all__ = ["router", "PermissionDenied"]

"""Reads about schools, cohorts and memberships."""
from .models import CohortMembership, School, SchoolMember


def student_cohort_membership(user):
    """The student's current cohort membership (latest graduation year), with school and programme."""
    return (
        CohortMembership.objects.filter(user=user)
        .select_related("cohort__programme__school")
        .order_by("-cohort__graduation_year")
        .first()
    )


def student_school(user):
    m = student_cohort_membership(user)
    return m.cohort.programme.school if m else None


def schools_of_member(user, role=None):
    qs = School.objects.filter(members__user=user)
    if role:
        qs = qs.filter(members__role=role)
    return qs.distinct()


def is_school_member(user, school, role=None) -> bool:
    qs = SchoolMember.objects.filter(user=user, school=school)
    if role:
        qs = qs.filter(role=role)
    return qs.exists()

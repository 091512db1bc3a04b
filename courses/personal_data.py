"""Courses' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready)."""
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd


def export(user) -> dict:
    from courses.models import ComponentMark, CreditRecord, Enrolment, LessonCompletion, Submission

    enrolments = Enrolment.objects.filter(user=user).select_related("course")
    return {
        "enrolments": [{**pd.row(e), "course_title": e.course.title} for e in enrolments],
        "lessons_completed": pd.rows(LessonCompletion.objects.filter(enrolment__user=user)),
        "submissions": pd.rows(Submission.objects.filter(enrolment__user=user)),
        "marks": pd.rows(ComponentMark.objects.filter(enrolment__user=user)),
        "credits": pd.rows(CreditRecord.objects.filter(user=user)),
    }


def anonymise(user) -> dict:
    from courses.models import Submission

    submissions = list(Submission.objects.filter(enrolment__user=user))
    files = 0
    for s in submissions:
        if s.file:
            s.file.delete(save=False)
            files += 1
    count = pd.delete_with_history(Submission.objects.filter(pk__in=[s.pk for s in submissions]))
    return {"submissions": count, "files": files}


def register() -> None:
    pd.register(
        "courses", order=20, title=_("Courses, marks and credits"), export=export, anonymise=anonymise,
        retained=_("Kept, under the anonymous account: your enrolments (with the price paid, an accounting "
                   "record), the lessons completed, your marks and ECTS credits, which the school must keep in "
                   "its records of studies and diplomas. Deleted: the work you submitted (files, links, "
                   "comments) and the teachers' feedback on it."),
    )

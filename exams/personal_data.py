"""Exams' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready).

The export never carries what could help during an open attempt: no seed, no option order, and the answers of
an attempt only once it is closed (DESIGN.md §7)."""
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd

ATTEMPT_FIELDS = ("id", "exam", "number", "status", "started_at", "deadline", "submitted_at", "closed_by_server",
                  "theory_points", "theory_max", "theory_pct", "practical_pct", "final_pct", "passed", "graded_at")


def export(user) -> dict:
    from exams.models import Accommodation, Attempt, AttemptQuestion, PracticalAssessment, PrerequisiteExemption, \
        Registration

    attempts = []
    for a in Attempt.objects.filter(user=user).select_related("exam").order_by("started_at"):
        item = {**pd.row(a, ATTEMPT_FIELDS), "exam_title": a.exam.title}
        if a.status != Attempt.Status.OPEN:
            item["answers"] = pd.rows(AttemptQuestion.objects.filter(attempt=a),
                                      ("position", "version", "response", "saved_at", "awarded"))
            item["practical_assessments"] = pd.rows(
                PracticalAssessment.objects.filter(attempt=a, signed_off_at__isnull=False),
                ("order", "levels", "comments", "overall_comment", "points", "percent", "signed_off_at"))
        attempts.append(item)
    return {
        "registrations": pd.rows(Registration.objects.filter(user=user)),
        "prerequisite_exemptions": pd.rows(PrerequisiteExemption.objects.filter(user=user), exclude=("granted_by",)),
        "accommodations": pd.rows(Accommodation.objects.filter(user=user)),
        "attempts": attempts,
    }


def anonymise(user) -> dict:
    from exams.models import Accommodation, PrerequisiteExemption

    accommodations = Accommodation.objects.filter(user=user)
    history = pd.purge_history(accommodations)
    count = accommodations.delete()[0]
    exemptions = list(PrerequisiteExemption.objects.filter(user=user))
    history += pd.purge_history(exemptions)
    PrerequisiteExemption.objects.filter(pk__in=[e.pk for e in exemptions]).update(reason="—")
    return {"accommodations": count, "exemption_reasons": len(exemptions), "history_versions": history}


def register() -> None:
    pd.register(
        "exams", order=30, title=_("Certification exams"), export=export, anonymise=anonymise,
        retained=_("Kept, under the anonymous account: your registrations and their fee (an accounting record, "
                   "kept ten years), your attempts with their answers, scores and the examiners' assessments "
                   "(the record behind a certification, needed for an appeal or an audit of the exam). "
                   "Deleted: your accommodations (extra time and its reason) and the reasons written for "
                   "your prerequisite exemptions."),
    )

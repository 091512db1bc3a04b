"""Exams' part of a person's data (registered with lms/accounts/personal_data.py by apps.ready).

The export never carries what could help during an open attempt: no seed, no option order, and the answers of
an attempt only once it is closed (DESIGN.md §7). A closed attempt is shown as its result page shows it, through
`exams.selectors.attempt_review` (the exam's review options: attempt 1 of 3 of a certification carries its score,
not which answers were right), with the attempt's opaque option ids, never the bank's."""
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lms.accounts import personal_data as pd

SCORE_FIELDS = ("theory_points", "theory_max", "theory_pct", "practical_pct", "final_pct", "passed")
ATTEMPT_FIELDS = ("id", "exam", "number", "status", "started_at", "deadline", "submitted_at", "closed_by_server",
                  *SCORE_FIELDS, "graded_at")


def export(user) -> dict:
    from exams import selectors
    from exams.models import Accommodation, Attempt, PrerequisiteExemption, Registration, StagedImport

    lang = (translation.get_language() or "fr")[:2]
    attempts = []
    for a in Attempt.objects.filter(user=user).select_related("exam").order_by("started_at"):
        item = {**pd.row(a, ATTEMPT_FIELDS), "exam_title": a.exam.title}
        if a.status != Attempt.Status.OPEN:
            shown = selectors.attempt_review(a, user, lang)
            item["review"] = shown["scope"].as_dict()
            if not shown["scope"].score:
                for f in SCORE_FIELDS:
                    item.pop(f, None)
            item["answers"] = pd.value(shown["questions"])
            item["practical_assessments"] = pd.value(shown["practical"])
        attempts.append(item)
    return {
        "registrations": pd.rows(Registration.objects.filter(user=user)),
        "prerequisite_exemptions": pd.rows(PrerequisiteExemption.objects.filter(user=user), exclude=("granted_by",)),
        "accommodations": pd.rows(Accommodation.objects.filter(user=user)),
        "attempts": attempts,
        # a teacher's question file waiting between the import preview and its confirmation (kept 24 hours at most)
        "staged_imports": pd.rows(StagedImport.objects.filter(user=user), exclude=("user",)),
    }


def anonymise(user) -> dict:
    from exams.models import Accommodation, PrerequisiteExemption, StagedImport

    count = pd.delete_with_history(Accommodation.objects.filter(user=user))
    staged = StagedImport.objects.filter(user=user).delete()[0]
    exemptions = PrerequisiteExemption.objects.filter(user=user)
    PrerequisiteExemption.history.filter(id__in=exemptions.values_list("pk", flat=True)).update(reason="—")
    return {"accommodations": count, "exemption_reasons": exemptions.update(reason="—"), "staged_imports": staged}


def register() -> None:
    pd.register(
        "exams", order=30, title=_("Certification exams"), export=export, anonymise=anonymise,
        retained=_("Kept, under the anonymous account: your registrations and their fee (an accounting record, "
                   "kept ten years), your attempts with their answers, scores and the examiners' assessments "
                   "(the record behind a certification, needed for an appeal or an audit of the exam). "
                   "Deleted: your accommodations (extra time and its reason), the reasons written for "
                   "your prerequisite exemptions and any question file waiting to be imported."),
    )

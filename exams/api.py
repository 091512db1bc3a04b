"""Exam taking over JSON, mounted at /api/v1/exams. Keys and feedback only after the attempt is closed."""
from typing import Any

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from ninja import Router, Schema
from ninja.errors import HttpError

from exams import selectors, services
from exams.models import Attempt, Exam
from lms.converters import Id
from lms.db_contention import retry_on_contention
from lms.templatetags.i18n_messages import localize

router = Router(tags=["exams"])


class AnswerIn(Schema):
    response: Any = None


class SavedOut(Schema):
    saved: bool
    changed: bool
    saved_at: str | None


def _lang(request):
    return (translation.get_language() or getattr(request.user, "preferred_language", "fr") or "fr")[:2]


def _own_attempt(request, attempt_id) -> Attempt:
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id, user=request.user).first()
    if attempt is None:
        raise HttpError(404, "No such attempt.")
    return services.ensure_fresh(attempt)


def _attempt_out(attempt: Attempt) -> dict:
    now = timezone.now()
    return {
        "id": attempt.pk, "exam_id": attempt.exam_id, "exam": attempt.exam.title, "number": attempt.number,
        "status": attempt.status, "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat(),
        "seconds_left": max(0, int((attempt.deadline - now).total_seconds())) if attempt.status == "open" else 0,
    }


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except services.ExamError as exc:
        raise HttpError(exc.status, exc.message) from None


@router.post("/{exam_id}/attempts")
def start_attempt(request, exam_id: Id):
    """Start an attempt (or resume the open one)."""
    exam = get_object_or_404(Exam, pk=exam_id)
    attempt = _call(services.start_attempt, exam, request.user)
    return _attempt_out(attempt)


@router.get("/attempts/{attempt_id}")
def get_attempt(request, attempt_id: Id):
    """The attempt and its questions in the shuffled order, with the saved answers (never the key).

    Options (`options`, and `left` for matching) are named by ids that are opaque and proper to this
    attempt, in the order the attempt shows them; answers use these ids (see `exams/options.py`)."""
    attempt = _own_attempt(request, attempt_id)
    out = _attempt_out(attempt)
    out["questions"] = selectors.attempt_questions(attempt, _lang(request), reveal=False)
    return out


@router.put("/attempts/{attempt_id}/answers/{question_id}", response=SavedOut)
def save_answer(request, attempt_id: Id, question_id: Id, payload: AnswerIn):
    """Save one answer (autosave). Unchanged answers are acknowledged without a write.

    Options are named by the ids `GET /attempts/{attempt_id}` gave for this attempt; any other id (the
    question bank's included) is refused with 422 as an unknown option.

    Ordering: `{"order": [...]}` with one entry per position, the item id put there or `null` for a
    position left blank (the other items keep their positions). Matching: `{"pairs": {left_id: right_id}}`,
    a left item left out or `null` has no choice. A response that does not fit the question (unknown id,
    an item at two positions, a wrong number of positions) is refused with 422: `detail` is the reason in
    stable English, `localized` repeats it in the client's language (Accept-Language; French by default)."""
    try:
        # an autosave is idempotent (the same answer saved twice is saved once): safe to retry when busy
        result = retry_on_contention(services.save_answer, attempt_id, request.user, question_id, payload.response)
    except services.ExamError as exc:
        if exc.reason is None:
            raise HttpError(exc.status, exc.message) from None
        localized = {"language": translation.get_language(), "detail": localize(exc.reason)}
        return JsonResponse({"detail": str(exc.reason), "localized": localized},
                            status=exc.status, json_dumps_params={"ensure_ascii": False})
    return {"saved": True, "changed": result.changed,
            "saved_at": result.saved_at.isoformat() if result.saved_at else None}


@router.post("/attempts/{attempt_id}/submit")
def submit(request, attempt_id: Id):
    """Submit (idempotent: submitting a closed attempt returns it unchanged)."""
    attempt = _own_attempt(request, attempt_id)
    attempt = services.submit_attempt(attempt)
    return _attempt_out(attempt)


@router.get("/attempts/{attempt_id}/result")
def result(request, attempt_id: Id):
    """The closed attempt as its review options allow now (`review`: the moment and what it shows): the
    scores and verdict only with `score`, and the questions trimmed the same way as the result page."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.OPEN:
        raise HttpError(409, "The attempt is still in progress.")
    out = _attempt_out(attempt)
    shown = selectors.attempt_review(attempt, request.user, _lang(request))
    scope = shown["scope"]
    out["review"] = scope.as_dict()
    if scope.score:
        s = lambda d: None if d is None else str(d)  # noqa: E731
        out.update({
            "theory_pct": s(attempt.theory_pct), "practical_pct": s(attempt.practical_pct),
            "final_pct": s(attempt.final_pct), "passed": attempt.passed,
            "weights": {"theory": str(attempt.exam.theory_weight), "practical": str(attempt.exam.practical_weight)},
            "pass_mark": str(attempt.exam.pass_mark),
        })
    if scope.any_question:
        out["questions"] = shown["questions"]
    return out

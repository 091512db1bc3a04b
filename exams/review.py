"""What a candidate sees of their own closed attempt: an exam's review options, as Moodle has them.

Rules, stated once (pure: no Django here; `exams.selectors.attempt_review` applies them to an attempt):

- Four things may be shown, each ticked apart:
  SCORE          the theory, practical and final percentages, the verdict and the rubric levels;
  RESPONSES      the candidate's own answers;
  RIGHT_ANSWERS  the key: the right answer of each question, the points each question earned and
                 whether each row of an answer is right (both tell the key as surely as the key itself);
  FEEDBACK       the questions' feedback and the examiners' comments.
- At three moments of the candidate's exam:
  IMMEDIATELY    during the first IMMEDIATE_SECONDS (2 minutes, as Moodle) after the attempt closed;
  OPEN           later, while the exam is still open to the candidate: another attempt is possible;
  CLOSED         once it is not: the exam's window has ended, every attempt is used, or it is passed.
- A moment shows exactly what its options tick. Only the candidate is bound by them: an examiner the
  attempt is assigned to and Flow Stage staff see everything (`exams.selectors.may_examine`).
- The default of every exam is the certification's: the score only, immediately and while the exam is
  open (so attempt 1 of 3 is not a memory test for attempt 2); everything once it is closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SCORE = "score"
RESPONSES = "responses"
RIGHT_ANSWERS = "right_answers"
FEEDBACK = "feedback"
PARTS = (SCORE, RESPONSES, RIGHT_ANSWERS, FEEDBACK)

IMMEDIATELY = "immediately"
OPEN = "open"
CLOSED = "closed"
MOMENTS = (IMMEDIATELY, OPEN, CLOSED)

IMMEDIATE_SECONDS = 120

DEFAULTS: dict[str, frozenset[str]] = {
    IMMEDIATELY: frozenset({SCORE}),
    OPEN: frozenset({SCORE}),
    CLOSED: frozenset(PARTS),
}


def field_name(moment: str, part: str) -> str:
    """The Exam field that holds one option, e.g. `review_open_right_answers`."""
    return f"review_{moment}_{part}"


def options_of(exam) -> dict[str, frozenset[str]]:
    """The options of an exam (any object with the `review_<moment>_<part>` booleans), by moment."""
    return {m: frozenset(p for p in PARTS if getattr(exam, field_name(m, p))) for m in MOMENTS}


def moment(closed_at: datetime | None, now: datetime, exam_closed: bool) -> str:
    """The moment of a candidate's closed attempt. `exam_closed`: no further attempt is possible for them."""
    if exam_closed:
        return CLOSED
    if closed_at is not None and now - closed_at <= timedelta(seconds=IMMEDIATE_SECONDS):
        return IMMEDIATELY
    return OPEN


def exam_closed_for(*, now: datetime, available_until: datetime | None, max_attempts: int, attempts: int,
                    any_open: bool, any_passed: bool) -> bool:
    """No further attempt is possible for the candidate: the window ended, or (none running) every attempt
    is used or one passed."""
    if available_until is not None and now > available_until:
        return True
    return not any_open and (attempts >= max_attempts or any_passed)


@dataclass(frozen=True)
class Scope:
    """What one viewer sees of one attempt; `moment` is None for an examiner or staff (they see all)."""

    score: bool
    responses: bool
    right_answers: bool
    feedback: bool
    moment: str | None = None

    @classmethod
    def of(cls, parts, moment_: str | None = None) -> "Scope":
        return cls(*(p in parts for p in PARTS), moment=moment_)

    @classmethod
    def everything(cls) -> "Scope":
        return cls.of(PARTS)

    @property
    def any_question(self) -> bool:
        """Whether anything of the questions is shown (their text alone tells nothing the candidate did)."""
        return self.responses or self.right_answers or self.feedback

    def as_dict(self) -> dict:
        return {"moment": self.moment, **{p: getattr(self, p) for p in PARTS}}

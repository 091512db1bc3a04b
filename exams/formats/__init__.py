"""Question interchange: the dataclasses both parsers produce, and the mapping to/from answer keys.

Pure Python (no Django). Fractions are Decimal percentages as in Moodle (100 = right, 0 = wrong,
50 = half credit, negative = penalty). GIFT carries no points: imported GIFT questions get 1 point.
The reason of a rejection is an `lms.messages.Message` (English template marked with `gettext_noop`,
and its parameters: no request state here) that the preview page shows in the reader's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from exams import grading
from lms.messages import Message, MessageError, gettext_noop


# --- What one import may hold (issue 10) --------------------------------------------------------
#
# Checked before parsing (the size of the text) and while parsing (the number of blocks: questions
# and refused blocks alike, so a file of 100,000 broken blocks costs no more than one of 2,000
# questions). The parser stops at the cap, refuses the rest on the line where it stopped and sets
# `ParseResult.truncated`; the import page then refuses the file naming the limit.

MAX_SOURCE_BYTES = 2_000_000
MAX_QUESTIONS = 2_000
TOO_MANY = gettext_noop("more than %(max)s questions in one import: reading stopped here; split the file")
TOO_LARGE = gettext_noop("the file is larger than %(max)s bytes")


class FormatError(MessageError):
    """Why a block is refused (its `message` is shown in the reader's language by the preview page)."""


@dataclass
class Answer:
    text: str
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    tolerance: Decimal | None = None  # numeric answers only


@dataclass
class ParsedQuestion:
    qtype: str
    text: str
    name: str = ""
    points: Decimal = Decimal(1)
    feedback: str = ""  # general feedback
    answers: list[Answer] = field(default_factory=list)  # choices, accepted texts or numbers
    truth: bool | None = None  # true/false
    pairs: list[tuple[str, str]] = field(default_factory=list)  # matching
    distractors: list[str] = field(default_factory=list)  # matching: right-hand options with no left side
    items: list[str] = field(default_factory=list)  # ordering, in the right order
    category: str = ""  # category name ("Parent / Child"); "" = the category chosen on the import form
    line: int = 0
    category_line: int = 0  # line (GIFT) or index (XML) of the category line that set `category`; 0 = none

    def comparable(self):
        """Equality used by round-trip tests (ignores the source lines)."""
        return (self.qtype, self.text, self.name, self.points, self.feedback,
                [(a.text, a.fraction, a.feedback, a.tolerance) for a in self.answers],
                self.truth, self.pairs, self.distractors, self.items, self.category)


@dataclass
class Rejected:
    line: int
    source: str
    message: Message  # the reason, for the preview (``lms.templatetags.i18n_messages.localize``)

    @property
    def reason(self) -> str:
        """The reason in English."""
        return str(self.message)


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)  # (line, name) of each accepted category line
    truncated: bool = False  # reading stopped at MAX_QUESTIONS blocks (or the source was too large)

    def full(self) -> bool:
        """True when one more block would exceed MAX_QUESTIONS (questions, refused blocks and category
        lines all count: each costs work in the preview)."""
        return len(self.questions) + len(self.rejected) + len(self.categories) >= MAX_QUESTIONS

    def stop(self, line: int, source: str, message: str = TOO_MANY, **params) -> None:
        """Refuse the rest of the file from `line` on (a limit was reached)."""
        self.truncated = True
        self.rejected.append(Rejected(line, source[:200], Message(message, params or {"max": MAX_QUESTIONS})))


# --- Category paths -----------------------------------------------------------------------------
#
# Moodle writes a category as a path: an optional context (`$course$`, `$system$`, `$module$`,
# `$cat1$`…), then `top`, then the categories from the outermost, separated by `/`; a `/` inside a
# name is doubled (`AC//DC`). Our bank has no category tree (QuestionCategory has no parent), so a
# nested path becomes one category named with the segments joined by " / " ("Live sound / Mixing"),
# and the exporters split such a name back into a path.

CATEGORY_SEPARATOR = " / "
_CONTEXT = re.compile(r"^\$[A-Za-z]+\d*\$(?:/|$)")


def _split_path(path: str) -> list[str]:
    """Split at single `/`; `//` stands for a literal `/` (read left to right)."""
    segments, cur, i = [], [], 0
    while i < len(path):
        if path[i] == "/":
            if path.startswith("//", i):
                cur.append("/")
                i += 2
                continue
            segments.append("".join(cur))
            cur = []
        else:
            cur.append(path[i])
        i += 1
    segments.append("".join(cur))
    return segments


def category_name(path: str) -> str:
    """The bank category name of a Moodle category path; "" for the top (the form's category).

    Raises FormatError for an empty path or a path with an empty segment (`Live sound/`, `a/ /b`)."""
    text = (path or "").strip()
    if not text:
        raise FormatError(gettext_noop("empty category path"))
    text = _CONTEXT.sub("", text, count=1).strip()
    if text == "top" or not text:
        return ""
    if text.startswith("top/"):
        text = text[4:]
    segments = [" ".join(s.split()) for s in _split_path(text)]
    if any(not s for s in segments):
        raise FormatError(gettext_noop("empty category name in the path"))
    return CATEGORY_SEPARATOR.join(segments)


def category_path(name: str) -> str:
    """The Moodle path (without context and `top/`) of a bank category name: the inverse of `category_name`."""
    segments = [" ".join(s.split()) for s in (name or "").split(CATEGORY_SEPARATOR)]
    return "/".join(s.replace("/", "//") for s in segments if s)


def plain_decimal(d) -> str:
    """A number as GIFT and Moodle XML write it: "5", "0", "0.25" (no exponent, no trailing zeros on
    integers). Takes a Decimal, an int (a tolerance of 0 may be the int 0) or a numeric string."""
    d = Decimal(d)
    return f"{d.normalize():f}" if d == d.to_integral() else f"{d:f}"


def to_key(pq: ParsedQuestion, lang: str = "fr") -> dict:
    """The answer key stored on a question for a parsed question (texts go into `*_<lang>`)."""
    t = lambda s: {f"text_{lang}": s}  # noqa: E731
    if pq.qtype in (grading.SINGLE, grading.MULTIPLE):
        return {"choices": [{"id": f"c{i}", **t(a.text), "fraction": plain_decimal(a.fraction),
                             f"feedback_{lang}": a.feedback} for i, a in enumerate(pq.answers, start=1)]}
    if pq.qtype == grading.TRUEFALSE:
        return {"answer": bool(pq.truth)}
    if pq.qtype == grading.NUMERIC:
        return {"answers": [{"value": a.text, "tolerance": plain_decimal(a.tolerance or 0),
                             "fraction": plain_decimal(a.fraction), f"feedback_{lang}": a.feedback}
                            for a in pq.answers]}
    if pq.qtype == grading.SHORT:
        return {"answers": [{"text": a.text, "fraction": plain_decimal(a.fraction), f"feedback_{lang}": a.feedback}
                            for a in pq.answers]}
    if pq.qtype == grading.MATCHING:
        key = {"pairs": [{"id": f"p{i}", f"left_{lang}": left, f"right_{lang}": right}
                         for i, (left, right) in enumerate(pq.pairs, start=1)]}
        if pq.distractors:
            key["distractors"] = [{"id": f"d{i}", f"right_{lang}": right}
                                  for i, right in enumerate(pq.distractors, start=1)]
        return key
    if pq.qtype == grading.ORDERING:
        return {"items": [{"id": f"i{i}", **t(item)} for i, item in enumerate(pq.items, start=1)]}
    raise FormatError(gettext_noop("unknown question type “%(qtype)s”"), qtype=pq.qtype)


def _tr(d: dict, base: str, lang: str) -> str:
    other = "en" if lang == "fr" else "fr"
    return d.get(f"{base}_{lang}") or d.get(f"{base}_{other}") or ""


def from_key(qtype: str, key: dict, *, text: str, name: str = "", points=Decimal(1), feedback: str = "",
             category: str = "", lang: str = "fr") -> ParsedQuestion:
    """The inverse of `to_key`, used to export a bank."""
    pq = ParsedQuestion(qtype=qtype, text=text, name=name, points=Decimal(points), feedback=feedback,
                        category=category)
    if qtype in (grading.SINGLE, grading.MULTIPLE):
        pq.answers = [Answer(_tr(c, "text", lang), Decimal(str(c["fraction"])), _tr(c, "feedback", lang))
                      for c in key["choices"]]
    elif qtype == grading.TRUEFALSE:
        pq.truth = bool(key["answer"])
    elif qtype == grading.NUMERIC:
        pq.answers = [Answer(str(a["value"]), Decimal(str(a.get("fraction", 100))), _tr(a, "feedback", lang),
                             Decimal(str(a.get("tolerance") or 0))) for a in key["answers"]]
    elif qtype == grading.SHORT:
        pq.answers = [Answer(a["text"], Decimal(str(a.get("fraction", 100))), _tr(a, "feedback", lang))
                      for a in key["answers"]]
    elif qtype == grading.MATCHING:
        pq.pairs = [(_tr(p, "left", lang), _tr(p, "right", lang)) for p in key["pairs"]]
        pq.distractors = [_tr(d, "right", lang) for d in key.get("distractors") or []]
    elif qtype == grading.ORDERING:
        pq.items = [_tr(i, "text", lang) for i in key["items"]]
    return pq


MAX_POINTS = Decimal("99999.99")  # what Question.points holds (7 digits, 2 decimals)


def check(pq: ParsedQuestion) -> None:
    """Raise FormatError when the parsed question cannot be graded or stored."""
    if not pq.text.strip():
        raise FormatError(gettext_noop("the question has no text"))
    if pq.points <= 0:
        raise FormatError(gettext_noop("points must be positive"))
    if pq.points > MAX_POINTS or pq.points != pq.points.quantize(Decimal("0.01")):
        raise FormatError(gettext_noop("points must be at most %(max)s, with two decimals at most"),
                          max=plain_decimal(MAX_POINTS))
    try:
        grading.validate_key(pq.qtype, to_key(pq))
    except grading.GradingError as exc:
        raise FormatError(exc.message) from None

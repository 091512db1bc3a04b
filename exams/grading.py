"""Pure grading of every question type (no Django). Exact arithmetic (Fraction → Decimal).

A question's *key* is the JSON-like dict stored on its version; a *response* is what the candidate
saved. `validate_response` refuses a response that does not fit the key (unknown choice id, wrong
shape, oversize text); `grade` returns the earned fraction of the question's points, in [0, 1].

Rules (stated once, used everywhere):
- single choice: the chosen choice's fraction (percent / 100, negative floored at 0).
- multiple choice (Moodle-style partial credit): with k = number of right choices (fraction > 0),
  each selected right choice earns +1/k, each selected wrong choice costs −1/k; the total is floored
  at 0 (so ticking everything earns 0 unless there is no wrong choice).
- true/false: 1 if the value equals the key, else 0.
- numeric: the best fraction among the answers with |value − answer| ≤ tolerance; an answer whose
  value is `*` (WILDCARD, Moodle's "any other answer", e.g. GIFT `~#Completely wrong`) matches any
  number (it carries its feedback, and usually 0 %).
- short text: the best fraction among accepted answers equal after normalisation (case, accents,
  whitespace, punctuation — see `normalise_text`); an answer `*` (WILDCARD) matches any non-blank
  text (Moodle's catch-all, `=%0%*#feedback`).
- matching: right pairs / number of pairs (a left item with no choice earns nothing). Extra right-hand
  options (`key["distractors"]`, Moodle's right-hand answers with no left side) can be chosen and
  are never right.
- ordering: items in their correct position / number of items. A position left blank (null) earns
  nothing and moves nothing: the other items are graded at the positions they were put in.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from lms.messages import MessageError, gettext_noop

SINGLE = "single"
MULTIPLE = "multiple"
TRUEFALSE = "truefalse"
NUMERIC = "numeric"
SHORT = "short"
MATCHING = "matching"
ORDERING = "ordering"
TYPES = (SINGLE, MULTIPLE, TRUEFALSE, NUMERIC, SHORT, MATCHING, ORDERING)

WILDCARD = "*"
MAX_TEXT = 2000  # characters of a short-text answer
MAX_NUMBER_TEXT = 40
POINTS_QUANTUM = Decimal("0.0001")


class GradingError(MessageError):
    """A response (or key) that does not fit the question (its `message` is shown in the reader's language)."""


_NOT_A_NUMBER = {
    "number": gettext_noop("not a valid number"),
    "answer": gettext_noop("the answer is not a valid number"),
    "fraction": gettext_noop("a grade fraction is not a valid number"),
    "points": gettext_noop("the points are not a valid number"),
}


_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Case-fold, strip accents, turn punctuation into spaces, collapse whitespace."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub(" ", text.casefold()).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def to_decimal(value, what="number") -> Decimal:
    invalid = _NOT_A_NUMBER.get(what, _NOT_A_NUMBER["number"])
    if isinstance(value, (bool, float)) or value is None:
        raise GradingError(invalid)
    text = str(value).strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    if not text or len(text) > MAX_NUMBER_TEXT:
        raise GradingError(invalid)
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise GradingError(invalid) from None
    if not d.is_finite():
        raise GradingError(invalid)
    return d


def _frac_of_percent(value) -> Fraction:
    return Fraction(to_decimal(value, "fraction")) / 100


def _ids(items) -> list[str]:
    return [str(i["id"]) for i in items]


def matching_right_ids(key: dict) -> list[str]:
    """The right-hand options of a matching question: one per pair, then the distractors."""
    return _ids(key["pairs"]) + _ids(key.get("distractors") or [])


def is_wildcard(value) -> bool:
    return isinstance(value, str) and value.strip() == WILDCARD


def validate_response(qtype: str, key: dict, response) -> dict:
    """Return the cleaned response or raise GradingError. An empty response is `{}` (no answer)."""
    if response in (None, {}):
        return {}
    if not isinstance(response, dict):
        raise GradingError(gettext_noop("an answer must be an object"))
    if qtype == SINGLE:
        choice = response.get("choice")
        if choice in (None, ""):
            return {}
        if str(choice) not in _ids(key["choices"]):
            raise GradingError(gettext_noop("unknown choice"))
        return {"choice": str(choice)}
    if qtype == MULTIPLE:
        choices = response.get("choices", [])
        if not isinstance(choices, list):
            raise GradingError(gettext_noop("choices must be a list"))
        valid = _ids(key["choices"])
        cleaned = []
        for c in choices:
            if str(c) not in valid:
                raise GradingError(gettext_noop("unknown choice"))
            if str(c) not in cleaned:
                cleaned.append(str(c))
        return {"choices": sorted(cleaned, key=valid.index)} if cleaned else {}
    if qtype == TRUEFALSE:
        value = response.get("value")
        if value in (None, ""):
            return {}
        if value in (True, "true", "True", "1", 1):
            return {"value": True}
        if value in (False, "false", "False", "0", 0):
            return {"value": False}
        raise GradingError(gettext_noop("true/false answer must be true or false"))
    if qtype == NUMERIC:
        value = response.get("value")
        if value in (None, ""):
            return {}
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise GradingError(gettext_noop("numeric answer must be a number"))
        to_decimal(value, "answer")
        return {"value": str(value).strip()}
    if qtype == SHORT:
        text = response.get("text")
        if text in (None, ""):
            return {}
        if not isinstance(text, str):
            raise GradingError(gettext_noop("short answer must be text"))
        if len(text) > MAX_TEXT:
            raise GradingError(gettext_noop("short answer is too long (at most %(max)s characters)"), max=MAX_TEXT)
        return {"text": text}
    if qtype == MATCHING:
        pairs = response.get("pairs", {})
        if not isinstance(pairs, dict):
            raise GradingError(gettext_noop("matching answer must map each item to a choice"))
        valid, right_ids = set(_ids(key["pairs"])), set(matching_right_ids(key))
        cleaned = {}
        for left, right in pairs.items():
            if right in (None, ""):
                continue
            if str(left) not in valid or str(right) not in right_ids:
                raise GradingError(gettext_noop("unknown matching item"))
            cleaned[str(left)] = str(right)
        return {"pairs": cleaned} if cleaned else {}
    if qtype == ORDERING:
        order = response.get("order", [])
        if order == []:
            return {}  # nothing put anywhere: no answer (as `{}`)
        order = _clean_order(key, order, strict=True)
        return {"order": order} if any(o is not None for o in order) else {}
    raise GradingError(gettext_noop("unknown question type “%(qtype)s”"), qtype=qtype)


def _clean_order(key: dict, order, strict: bool) -> list[str | None]:
    """An ordering answer: one entry per position, the item id put there or None (null) for a position
    left blank ("" is read as blank too). Refused: not a list, an unknown item, an item at two positions,
    and (``strict``, what a candidate sends) a list whose length is not the number of positions. Not
    strict (grading a stored answer), a shorter list is read as its positions followed by blanks."""
    if not isinstance(order, list):
        raise GradingError(gettext_noop("ordering answer must be a list"))
    valid = _ids(key["items"])
    if strict and len(order) != len(valid):
        raise GradingError(gettext_noop("ordering answer must have one entry per position (%(n)s), "
                                        "null for a position left blank"), n=len(valid))
    cleaned = [None if o in (None, "") else str(o) for o in order[:len(valid)]]
    cleaned += [None] * (len(valid) - len(cleaned))
    given = [o for o in cleaned if o is not None]
    if any(o not in valid for o in given):
        raise GradingError(gettext_noop("unknown ordering item"))
    if len(set(given)) != len(given):
        raise GradingError(gettext_noop("ordering answer must list each item at most once"))
    return cleaned


def grade(qtype: str, key: dict, response) -> Fraction:
    """Earned fraction of the points in [0, 1] for a (validated) response."""
    if qtype == ORDERING and isinstance(response, dict) and isinstance(response.get("order"), list):
        # A stored answer saved before blanks were kept may be shorter: read it, don't refuse it.
        order = _clean_order(key, response["order"], strict=False)
        response = {"order": order} if any(o is not None for o in order) else {}
    else:
        response = validate_response(qtype, key, response)
    if not response:
        return Fraction(0)
    if qtype == SINGLE:
        choice = next(c for c in key["choices"] if str(c["id"]) == response["choice"])
        return min(Fraction(1), max(Fraction(0), _frac_of_percent(choice["fraction"])))
    if qtype == MULTIPLE:
        right = {str(c["id"]) for c in key["choices"] if to_decimal(c["fraction"]) > 0}
        if not right:
            return Fraction(0)
        k = len(right)
        total = sum((Fraction(1, k) if c in right else Fraction(-1, k)) for c in response["choices"])
        return min(Fraction(1), max(Fraction(0), Fraction(total)))
    if qtype == TRUEFALSE:
        return Fraction(1) if response["value"] is bool(key["answer"]) else Fraction(0)
    if qtype == NUMERIC:
        value = to_decimal(response["value"], "answer")
        best = Fraction(0)
        for a in key["answers"]:
            if is_wildcard(a["value"]) or abs(value - to_decimal(a["value"])) <= abs(
                    to_decimal(a.get("tolerance") or 0)):
                best = max(best, _frac_of_percent(a.get("fraction", 100)))
        return min(Fraction(1), best)
    if qtype == SHORT:
        given = normalise_text(response["text"])
        best = Fraction(0)
        for a in key["answers"]:
            if given and (given == normalise_text(a["text"]) or is_wildcard(a["text"])):
                best = max(best, _frac_of_percent(a.get("fraction", 100)))
        return max(Fraction(0), min(Fraction(1), best))
    if qtype == MATCHING:
        pairs = key["pairs"]
        right = sum(1 for p in pairs if response["pairs"].get(str(p["id"])) == str(p["id"]))
        return Fraction(right, len(pairs)) if pairs else Fraction(0)
    if qtype == ORDERING:
        items = _ids(key["items"])
        order = response["order"]  # one entry per position, None where left blank
        right = sum(1 for i, item in enumerate(items) if order[i] == item)
        return Fraction(right, len(items)) if items else Fraction(0)
    raise GradingError(gettext_noop("unknown question type “%(qtype)s”"), qtype=qtype)


def fraction_to_points(fraction: Fraction, points) -> Decimal:
    """Points earned, exact to 4 decimal places (half-up): 1/3 of 1 point -> 0.3333."""
    earned = Fraction(to_decimal(points, "points")) * fraction
    return (Decimal(earned.numerator) / Decimal(earned.denominator)).quantize(POINTS_QUANTUM, ROUND_HALF_UP)


def award(qtype: str, key: dict, response, points) -> Decimal:
    return fraction_to_points(grade(qtype, key, response), points)


def validate_key(qtype: str, key: dict) -> None:
    """Raise GradingError when a key cannot be graded (used when authoring/importing)."""
    if not isinstance(key, dict):
        raise GradingError(gettext_noop("the answer key must be an object"))
    try:
        if qtype in (SINGLE, MULTIPLE):
            choices = key["choices"]
            if len(choices) < 2:
                raise GradingError(gettext_noop("a choice question needs at least two choices"))
            if len(set(_ids(choices))) != len(choices):
                raise GradingError(gettext_noop("choice ids must be unique"))
            fracs = [to_decimal(c["fraction"]) for c in choices]
            if not any(f > 0 for f in fracs):
                raise GradingError(gettext_noop("at least one choice must be right"))
        elif qtype == TRUEFALSE:
            if not isinstance(key["answer"], bool):
                raise GradingError(gettext_noop("true/false key must be true or false"))
        elif qtype == NUMERIC:
            if not key["answers"]:
                raise GradingError(gettext_noop("a numeric question needs an answer"))
            for a in key["answers"]:
                if not is_wildcard(a["value"]):
                    to_decimal(a["value"]), to_decimal(a.get("tolerance") or 0)
            if all(is_wildcard(a["value"]) for a in key["answers"]):
                raise GradingError(gettext_noop("a numeric question needs an answer other than “*”"))
        elif qtype == SHORT:
            if not key["answers"] or not all(normalise_text(a["text"]) or is_wildcard(a["text"])
                                             for a in key["answers"]):
                raise GradingError(gettext_noop("a short-answer question needs non-empty accepted answers"))
            if all(is_wildcard(a["text"]) for a in key["answers"]):
                raise GradingError(gettext_noop("a short-answer question needs an answer other than “*”"))
        elif qtype == MATCHING:
            if len(key["pairs"]) < 2 or len(set(_ids(key["pairs"]))) != len(key["pairs"]):
                raise GradingError(gettext_noop("a matching question needs at least two distinct pairs"))
            right_ids = matching_right_ids(key)
            if len(set(right_ids)) != len(right_ids):
                raise GradingError(gettext_noop("the right-hand options of a matching question need distinct ids"))
        elif qtype == ORDERING:
            if len(key["items"]) < 2 or len(set(_ids(key["items"]))) != len(key["items"]):
                raise GradingError(gettext_noop("an ordering question needs at least two distinct items"))
        else:
            raise GradingError(gettext_noop("unknown question type “%(qtype)s”"), qtype=qtype)
    except (KeyError, TypeError) as exc:
        raise GradingError(gettext_noop("malformed answer key: %(error)s"), error=str(exc)) from None


def right_response(qtype: str, key: dict) -> dict:
    """A response earning full marks (used by demo data, tests and benchmarks)."""
    if qtype == SINGLE:
        best = max(key["choices"], key=lambda c: to_decimal(c["fraction"]))
        return {"choice": str(best["id"])}
    if qtype == MULTIPLE:
        return {"choices": [str(c["id"]) for c in key["choices"] if to_decimal(c["fraction"]) > 0]}
    if qtype == TRUEFALSE:
        return {"value": bool(key["answer"])}
    if qtype == NUMERIC:
        return {"value": str(key["answers"][0]["value"])}
    if qtype == SHORT:
        return {"text": key["answers"][0]["text"]}
    if qtype == MATCHING:
        return {"pairs": {str(p["id"]): str(p["id"]) for p in key["pairs"]}}
    if qtype == ORDERING:
        return {"order": [str(i["id"]) for i in key["items"]]}
    raise GradingError(gettext_noop("unknown question type “%(qtype)s”"), qtype=qtype)

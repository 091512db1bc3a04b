"""What a candidate sees of a question's options: a per-attempt shuffled order and opaque identifiers.

The bank's option ids follow the source file (`c1, c2…` for choices, `p1…` for matching pairs whose left
and right items share the id, `i1…iN` in the right order for ordering items), so showing them gives the
key away (`{"p1": "p1", …}`, sorted `i1…iN`, `c1`). Rules, stated once and used by the exam page, the
JSON API and grading:

- The bank's ids never leave the server in an attempt's payload. Each option is shown under a *token*:
  HMAC-SHA256 of (attempt seed, attempt id, attempt question id, column, bank id) keyed with the
  site's secret, the first `TOKEN_LENGTH` hex digits (64 bits). Tokens are unguessable, unrelated
  across attempts and questions, independent for the left and right columns of a matching question
  (`left` and `right` are different columns), and all of the same length. The seed is the attempt's
  own random number, which never leaves the server either.
- Options are shown in the order `shuffle` drew when the attempt started (stored in
  `AttemptQuestion.option_order`, in bank ids), so a resumed attempt shows the same order.
- What the candidate sends (autosave, the no-JS form, the API) is in tokens; `from_client` maps it back
  to bank ids before `grading.validate_response` checks it, and an unknown token (a bank id included)
  is refused as an unknown option. Answers are stored in bank ids, so submitting and regrading grade
  them as before and the attempts stored before tokens existed keep grading the same.
- What the server sends back (the saved answers on resume and on the result page) goes through
  `to_client`; the choices of a multiple-choice answer are listed in the order they were shown, never in
  the bank's order.
"""
from __future__ import annotations

import hashlib
import hmac
import random

from exams import grading
from lms.messages import gettext_noop

TOKEN_LENGTH = 16  # hex digits of the HMAC kept: 64 bits

# The columns of options: choices, ordering items, and the two columns of a matching question.
CHOICE, ITEM, LEFT, RIGHT = "choice", "item", "left", "right"

_UNKNOWN = {
    CHOICE: gettext_noop("unknown choice"),
    ITEM: gettext_noop("unknown ordering item"),
    LEFT: gettext_noop("unknown matching item"),
    RIGHT: gettext_noop("unknown matching item"),
}


def _bank_ids(qtype: str, key: dict) -> dict[str, list[str]]:
    """The bank ids of each column of a question, in the bank's order."""
    if qtype in (grading.SINGLE, grading.MULTIPLE):
        return {CHOICE: [str(c["id"]) for c in key["choices"]]}
    if qtype == grading.ORDERING:
        return {ITEM: [str(i["id"]) for i in key["items"]]}
    if qtype == grading.MATCHING:
        ids = [str(p["id"]) for p in key["pairs"]]
        return {LEFT: ids, RIGHT: list(ids)}
    return {}


def shuffle(qtype: str, key: dict, rng: random.Random):
    """The order in which an attempt shows the options of a question (bank ids), drawn once at start:
    a list for choices and ordering items, `{"left": [...], "right": [...]}` shuffled independently for
    matching, `[]` for the types without options."""
    columns = _bank_ids(qtype, key)
    for ids in columns.values():
        rng.shuffle(ids)
    if qtype == grading.MATCHING:
        return columns
    return next(iter(columns.values()), [])


def _secrets() -> list[bytes]:
    """The current secret first, then the fallbacks (answers sent by a page loaded before a key rotation
    are still understood)."""
    from django.conf import settings

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [k.encode() if isinstance(k, str) else bytes(k) for k in keys]


def token(secret: bytes, seed: int, attempt_id: int, aq_id: int, column: str, bank_id: str) -> str:
    """The token of one option of one attempt question (see the rules above). Pure."""
    message = f"exams.options:{seed}:{attempt_id}:{aq_id}:{column}:{bank_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


class OptionMap:
    """The tokens of one attempt question, both ways, and its options as shown. `aq.version` and
    `aq.attempt` are read (load them with `select_related`, or set `aq.attempt`, to save queries)."""

    def __init__(self, aq):
        v = aq.version
        self.aq, self.qtype = aq, v.qtype
        attempt = aq.attempt
        secrets = _secrets()
        self.columns = _bank_ids(v.qtype, v.key)
        self._out: dict[str, dict[str, str]] = {}
        self._in: dict[str, dict[str, str]] = {}
        for column, ids in self.columns.items():
            self._out[column] = {b: token(secrets[0], attempt.seed, attempt.pk, aq.pk, column, b) for b in ids}
            self._in[column] = {}
            for secret in reversed(secrets):  # the current secret wins a (never seen) collision
                self._in[column].update({token(secret, attempt.seed, attempt.pk, aq.pk, column, b): b for b in ids})

    def out(self, column: str, bank_id) -> str | None:
        return self._out.get(column, {}).get(str(bank_id))

    def into(self, column: str, value) -> str | None:
        """The bank id of a token sent by the client; None for a blank; GradingError for anything else
        (a bank id, a token of another attempt, question or column)."""
        if value in (None, ""):
            return None
        bank_id = self._in.get(column, {}).get(value) if isinstance(value, str) else None
        if bank_id is None:
            raise grading.GradingError(_UNKNOWN[column])
        return bank_id

    def _shown_ids(self, column: str, order) -> list[str]:
        known = set(self.columns.get(column, []))
        return [str(b) for b in (order if isinstance(order, list) else []) if str(b) in known]

    def shown(self) -> dict[str, list[tuple[str, str]]]:
        """The options as the candidate sees them: (token, bank id) in the attempt's shuffled order.
        Choices and ordering items under "options"; matching under "left" and "options" (the right-hand
        column)."""
        order = self.aq.option_order
        if self.qtype in (grading.SINGLE, grading.MULTIPLE, grading.ORDERING):
            column = ITEM if self.qtype == grading.ORDERING else CHOICE
            return {"options": [(self.out(column, b), b) for b in self._shown_ids(column, order)]}
        if self.qtype == grading.MATCHING:
            order = order if isinstance(order, dict) else {}
            return {"left": [(self.out(LEFT, b), b) for b in self._shown_ids(LEFT, order.get("left"))],
                    "options": [(self.out(RIGHT, b), b) for b in self._shown_ids(RIGHT, order.get("right"))]}
        return {}

    def from_client(self, response):
        """A response sent by the candidate (tokens) in bank ids, ready for `grading.validate_response`.

        Only the option identifiers are translated; the shape is left to `validate_response` (a response
        that is not an object, `choices` that are not a list… are refused there with their own reason)."""
        if not isinstance(response, dict):
            return response
        out = dict(response)
        if self.qtype == grading.SINGLE and "choice" in response:
            out["choice"] = self.into(CHOICE, response["choice"])
        elif self.qtype == grading.MULTIPLE and isinstance(response.get("choices"), list):
            out["choices"] = [self.into(CHOICE, c) for c in response["choices"]]
        elif self.qtype == grading.ORDERING and isinstance(response.get("order"), list):
            out["order"] = [self.into(ITEM, o) for o in response["order"]]
        elif self.qtype == grading.MATCHING and isinstance(response.get("pairs"), dict):
            pairs = {}
            for left, right in response["pairs"].items():
                left_id = self.into(LEFT, left)
                if left_id is not None:
                    pairs[left_id] = self.into(RIGHT, right)
            out["pairs"] = pairs
        return out

    def to_client(self, response) -> dict:
        """A stored response (bank ids) as the candidate's client knows it (tokens). A multiple-choice
        answer lists its choices in the order they are shown."""
        if not isinstance(response, dict) or not response:
            return {}
        out = dict(response)
        if self.qtype == grading.SINGLE and "choice" in response:
            out["choice"] = self.out(CHOICE, response["choice"])
        elif self.qtype == grading.MULTIPLE and isinstance(response.get("choices"), list):
            chosen = {str(c) for c in response["choices"]}
            out["choices"] = [self.out(CHOICE, b) for b in self._shown_ids(CHOICE, self.aq.option_order)
                              if b in chosen]
        elif self.qtype == grading.ORDERING and isinstance(response.get("order"), list):
            out["order"] = [None if o is None else self.out(ITEM, o) for o in response["order"]]
        elif self.qtype == grading.MATCHING and isinstance(response.get("pairs"), dict):
            out["pairs"] = {self.out(LEFT, left): self.out(RIGHT, right)
                            for left, right in response["pairs"].items()}
        return out


def from_client(aq, response):
    """`OptionMap(aq).from_client(response)`: what services.save_answer stores comes through here."""
    return OptionMap(aq).from_client(response)


def to_client(aq, response) -> dict:
    """`OptionMap(aq).to_client(response)`: a stored (or a bank-id) answer as a client would send it."""
    return OptionMap(aq).to_client(response)

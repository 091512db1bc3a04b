"""Moodle GIFT: parse into `ParsedQuestion`s (every bad block rejected with its line and reason) and export.

Supported: single choice (`=right ~wrong`, `~%50%partial`), multiple choice (only `~%n%` weights, no
`=`), true/false (`{T}`, `{FALSE}`), numeric (`{#3.14:0.01}`, `{#1..5}`, `{#=v:t =%50%v:t}`), short
answer (only `=` answers; `=%0%*#feedback`, the wildcard for any other answer, kept as a 0 % catch-all),
matching (`=a -> b`; `= -> c`, a right-hand answer with no left side, is a distractor: an extra
right-hand option), numeric feedback for any other answer (`{#3:2 ~#Completely wrong}`, kept as a 0 %
answer `*`). `$CATEGORY: $course$/top/Live sound/Mixing` lines set
the category of the questions that follow (see `exams.formats.category_name`; an empty path is rejected
on its line, `$course$/top` goes back to the form's category) and the exporter writes them; `::title::`
the name; `####` the general feedback; `#` after an answer its feedback; `// comments`; `[html]`
/ `[moodle]` / `[plain]` / `[markdown]` format markers are dropped (before the question text, an
answer, either side of a matching pair, a feedback). Refused (with reason): essay
(`{}`), description (no answer block), unbalanced braces, unknown content. Ordering questions do not
exist in GIFT: the exporter leaves them out and says so.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from exams import grading
from exams.formats import (
    MAX_SOURCE_BYTES, TOO_LARGE, Answer, FormatError, ParsedQuestion, ParseResult, Rejected, category_name,
    category_path, check, plain_decimal,
)
from lms.messages import gettext_noop

SPECIAL = "~=#{}:"


def _unescape(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _escape(s: str) -> str:
    s = s.replace("\\", "\\\\")
    for ch in SPECIAL:
        s = s.replace(ch, "\\" + ch)
    return s.replace("\n", "\\n")


def _find(s: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped `target` at or after `start`, or -1."""
    i = start
    while i <= len(s) - len(target):
        if s[i] == "\\":
            i += 2
            continue
        if s.startswith(target, i):
            return i
        i += 1
    return -1


def _split_unescaped(s: str, markers: str) -> list[tuple[str, str]]:
    """Split at unescaped marker characters: [(marker, chunk)], the first marker may be ''."""
    parts, cur, marker, i = [], [], "", 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur.append(s[i:i + 2])
            i += 2
            continue
        if ch in markers:
            parts.append((marker, "".join(cur)))
            cur, marker = [], ch
        else:
            cur.append(ch)
        i += 1
    parts.append((marker, "".join(cur)))
    return parts


def _strip_format(text: str) -> str:
    return re.sub(r"^\s*\[(html|moodle|plain|markdown)\]", "", text)


def _text(chunk: str) -> str:
    """An answer's (or feedback's) text: unescaped, its format marker (`[plain]`…) dropped."""
    return _unescape(_strip_format(chunk)).strip()


def _weight(chunk: str) -> tuple[Decimal | None, str]:
    m = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", chunk)
    if not m:
        return None, chunk
    return Decimal(m.group(1)), chunk[m.end():]


def _feedback(chunk: str) -> tuple[str, str]:
    idx = _find(chunk, "#")
    if idx < 0:
        return chunk, ""
    return chunk[:idx], chunk[idx + 1:]


def _number(text: str) -> Decimal:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise FormatError(gettext_noop("not a number: “%(text)s”"), text=text.strip()) from None
    if not d.is_finite():
        raise FormatError(gettext_noop("not a number: “%(text)s”"), text=text.strip())
    return d


def _numeric(body: str) -> list[Answer]:
    """`3:2`, `1..5`, `=v:t =%50%v:t`, and `~#feedback` for any other (wrong) answer: kept as a 0 %
    answer `*` (`grading.WILDCARD`) with its feedback, as Moodle stores it."""
    answers = []
    tokens = _split_unescaped(body, "=~")
    if tokens[0][1].strip() and any(m == "=" for m, _c in tokens[1:]):
        raise FormatError(gettext_noop("numeric answers must all start with '=' when there are several"))
    for marker, chunk in tokens:
        if not chunk.strip():
            continue
        weight, chunk = _weight(chunk)
        chunk, fb = _feedback(chunk)
        chunk = _strip_format(chunk).strip()
        if marker == "~":
            if chunk and chunk != grading.WILDCARD:
                raise FormatError(gettext_noop("in a numeric question, '~' takes only the feedback for any other "
                                               "answer (~#feedback), not “%(text)s”"), text=chunk[:40])
            answers.append(Answer(grading.WILDCARD, weight or Decimal(0), _text(fb), Decimal(0)))
            continue
        if chunk == grading.WILDCARD:
            answers.append(Answer(grading.WILDCARD, Decimal(0) if weight is None else weight, _text(fb), Decimal(0)))
            continue
        if ".." in chunk:
            lo, hi = (_number(x) for x in chunk.split("..", 1))
            if hi < lo:
                raise FormatError(gettext_noop("numeric range upside down"))
            value, tol = (lo + hi) / 2, (hi - lo) / 2
        elif ":" in chunk:
            v, t = chunk.split(":", 1)
            value, tol = _number(v), abs(_number(t))
        else:
            value, tol = _number(chunk), Decimal(0)
        answers.append(Answer(f"{value:f}", Decimal(100) if weight is None else weight, _text(fb), tol))
    if not answers:
        raise FormatError(gettext_noop("numeric question without an answer"))
    return answers


def _parse_answers(block: str, pq: ParsedQuestion) -> None:
    gidx = _find(block, "####")
    if gidx >= 0:
        pq.feedback = _text(block[gidx + 4:])
        block = block[:gidx]
    body = block.strip()
    if not body:
        raise FormatError(gettext_noop("essay questions ({}) are not supported"))
    head, fb = _feedback(body)
    if head.strip().upper() in ("T", "TRUE", "F", "FALSE"):
        pq.qtype = grading.TRUEFALSE
        pq.truth = head.strip().upper().startswith("T")
        return
    if body.startswith("#"):
        pq.qtype = grading.NUMERIC
        pq.answers = _numeric(body[1:])
        return
    tokens = _split_unescaped(body, "~=")
    if tokens[0][1].strip():
        raise FormatError(gettext_noop("unknown answer syntax: “%(text)s” before the first = or ~"),
                          text=tokens[0][1].strip()[:40])
    tokens = [t for t in tokens[1:]]
    if not tokens:
        raise FormatError(gettext_noop("no answers"))
    if any(_find(chunk, "->") >= 0 for _m, chunk in tokens):
        if any(m != "=" for m, _c in tokens):
            raise FormatError(gettext_noop("matching pairs must all start with '='"))
        pq.qtype = grading.MATCHING
        for _m, chunk in tokens:
            idx = _find(chunk, "->")
            if idx < 0:
                raise FormatError(gettext_noop("a matching pair needs '->'"))
            left, right = _text(chunk[:idx]), _text(chunk[idx + 2:])
            if not right:
                raise FormatError(gettext_noop("a matching pair needs a right-hand side"))
            if left:
                pq.pairs.append((left, right))
            else:  # `= -> Chat`: a distractor, an extra right-hand option
                pq.distractors.append(right)
        return
    answers = []
    for marker, chunk in tokens:
        weight, chunk = _weight(chunk)
        chunk, afb = _feedback(chunk)
        fraction = weight if weight is not None else (Decimal(100) if marker == "=" else Decimal(0))
        answers.append((marker, Answer(_text(chunk), fraction, _text(afb))))
    markers = {m for m, _a in answers}
    if markers == {"="}:
        pq.qtype = grading.SHORT
    elif "=" in markers:
        pq.qtype = grading.SINGLE
    else:
        pq.qtype = grading.MULTIPLE
    pq.answers = [a for _m, a in answers]


def parse_block(block: str, line: int, category: str) -> ParsedQuestion:
    text = block.strip()
    pq = ParsedQuestion(qtype="", text="", category=category, line=line)
    if text.startswith("::"):
        end = _find(text, "::", 2)
        if end < 0:
            raise FormatError(gettext_noop("unclosed ::title::"))
        pq.name = _unescape(text[2:end]).strip()
        text = text[end + 2:]
    open_ = _find(text, "{")
    if open_ < 0:
        raise FormatError(gettext_noop("no answer block {…} (descriptions are not supported)"))
    close = _find(text, "}", open_ + 1)
    if close < 0:
        raise FormatError(gettext_noop("missing closing brace }"))
    if _find(text, "{", open_ + 1) >= 0 and _find(text, "{", open_ + 1) < close:
        raise FormatError(gettext_noop("nested braces"))
    if _find(text, "{", close + 1) >= 0:
        raise FormatError(gettext_noop("several answer blocks in one question"))
    before, after = _strip_format(text[:open_]), text[close + 1:]
    if _find(after, "}") >= 0:
        raise FormatError(gettext_noop("unbalanced closing brace }"))
    _parse_answers(text[open_ + 1:close], pq)
    question_text = _unescape(before).strip()
    if after.strip():
        question_text = f"{question_text} _____ {_unescape(after).strip()}"
    pq.text = question_text
    check(pq)
    return pq


def parse(source: str) -> ParseResult:
    """Parse GIFT text; never raises on bad content (each bad block goes to `rejected`).

    Bounded: a source over MAX_SOURCE_BYTES is refused unread; reading stops after MAX_QUESTIONS
    blocks (the rest is refused on the line where it stopped, `truncated` is set)."""
    result = ParseResult()
    if len(source) > MAX_SOURCE_BYTES or len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        result.stop(1, source[:80], TOO_LARGE, max=MAX_SOURCE_BYTES)
        return result
    source = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    category, category_line = "", 0
    block: list[str] = []
    start = 0

    def flush():
        nonlocal block
        raw = "\n".join(block).strip()
        block = []
        if not raw:
            return
        if result.full():
            result.stop(start, raw)
            return
        try:
            pq = parse_block(raw, start, category)
            pq.category_line = category_line
            result.questions.append(pq)
        except FormatError as exc:
            result.rejected.append(Rejected(start, raw[:200], exc.message))

    for no, line in enumerate(source.split("\n"), start=1):
        if result.truncated:
            break
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            flush()
            if result.truncated:
                break
            category, category_line = "", no
            try:
                category = category_name(stripped[len("$CATEGORY:"):])
                result.categories.append((no, category))
            except FormatError as exc:
                # The questions that follow stay attached to this (rejected) line: nothing is imported.
                result.rejected.append(Rejected(no, stripped[:200], exc.message))
            continue
        if not stripped:
            flush()
            continue
        if not block:
            start = no
        block.append(line)
    if not result.truncated:
        flush()
    return result


def _answer_fb(a: Answer) -> str:
    return f"#{_escape(a.feedback)}" if a.feedback else ""


def export_question(pq: ParsedQuestion) -> str | None:
    """One question in GIFT, or None when the type has no GIFT form (ordering)."""
    head = f"::{_escape(pq.name)}::" if pq.name else ""
    text = _escape(pq.text)
    gfb = f"####{_escape(pq.feedback)}" if pq.feedback else ""
    if pq.qtype == grading.TRUEFALSE:
        body = "TRUE" if pq.truth else "FALSE"
    elif pq.qtype == grading.SINGLE:
        parts = []
        for a in pq.answers:
            if a.fraction == 100:
                parts.append(f"={_escape(a.text)}{_answer_fb(a)}")
            elif a.fraction == 0:
                parts.append(f"~{_escape(a.text)}{_answer_fb(a)}")
            else:
                parts.append(f"~%{plain_decimal(a.fraction)}%{_escape(a.text)}{_answer_fb(a)}")
        body = "\n  " + "\n  ".join(parts) + "\n"
    elif pq.qtype == grading.MULTIPLE:
        body = "\n  " + "\n  ".join(f"~%{plain_decimal(a.fraction)}%{_escape(a.text)}{_answer_fb(a)}"
                                     for a in pq.answers) + "\n"
    elif pq.qtype == grading.SHORT:
        body = " ".join(
            (f"={_escape(a.text)}" if a.fraction == 100 else f"=%{plain_decimal(a.fraction)}%{_escape(a.text)}")
            + _answer_fb(a) for a in pq.answers)
    elif pq.qtype == grading.NUMERIC:
        parts = [(f"~{'' if a.fraction == 0 else f'%{plain_decimal(a.fraction)}%'}{_answer_fb(a)}"
                  if grading.is_wildcard(a.text) else
                  f"={'' if a.fraction == 100 else f'%{plain_decimal(a.fraction)}%'}{a.text}"
                  f":{plain_decimal(a.tolerance or 0)}{_answer_fb(a)}") for a in pq.answers]
        body = "#" + " ".join(parts)
    elif pq.qtype == grading.MATCHING:
        body = "\n  " + "\n  ".join([f"={_escape(left)} -> {_escape(right)}" for left, right in pq.pairs]
                                     + [f"= -> {_escape(right)}" for right in pq.distractors]) + "\n"
    else:
        return None
    return f"{head}{text} {{{body}{gfb}}}"


def _category_line(name: str) -> str:
    path = category_path(name)
    return f"$CATEGORY: $course$/top/{path}\n" if path else "$CATEGORY: $course$/top\n"


def export(questions: list[ParsedQuestion]) -> tuple[str, list[str]]:
    """GIFT text of the questions (grouped by category) and the list of questions left out."""
    out, skipped, category = [], [], None
    for pq in questions:
        block = export_question(pq)
        if block is None:
            skipped.append(f"{pq.name or pq.text[:40]} ({pq.qtype}: no GIFT form)")
            continue
        if pq.category != category and (pq.category or category is not None):
            category = pq.category
            out.append(_category_line(category))
        out.append(block + "\n")
    return "\n".join(out), skipped

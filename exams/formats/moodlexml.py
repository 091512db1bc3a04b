"""Moodle XML: parse into `ParsedQuestion`s and export. Parsed with defusedxml (no DTD, no entities).

Supported types (with Moodle's extras: a matching subquestion with an answer and no text is a distractor,
an extra right-hand option; a numerical or shortanswer answer `*` is the catch-all for any other
answer, kept with its fraction and feedback): multichoice (`<single>true</single>` → single choice, false → multiple), truefalse,
numerical, shortanswer, matching, ordering; `category` pseudo-questions
(`<category><text>$course$/top/Live sound/Mixing</text></category>`) set the category of the questions
that follow (see `exams.formats.category_name`; an empty path is rejected at its index) and the exporter
writes one before each run of questions of a category. Other types
(essay, cloze, description, calculated…) are rejected with their reason.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from exams import grading
from exams.formats import (
    MAX_SOURCE_BYTES, TOO_LARGE, Answer, FormatError, ParsedQuestion, ParseResult, Rejected, category_name,
    category_path, check,
)
from lms.messages import Message, gettext_noop

TYPES = {"multichoice", "truefalse", "numerical", "shortanswer", "matching", "ordering"}


def _text(el, path: str = "text") -> str:
    if el is None:
        return ""
    node = el.find(path) if path else el
    return (node.text or "").strip() if node is not None else ""


_NOT_A_NUMBER = gettext_noop("the value of “%(what)s” is not a number: “%(value)s”")  # `what`: as named in the XML


def _dec(value: str, what: str) -> Decimal:
    try:
        d = Decimal((value or "").strip())
    except InvalidOperation:
        raise FormatError(_NOT_A_NUMBER, what=what, value=(value or "").strip()[:40]) from None
    if not d.is_finite():
        raise FormatError(_NOT_A_NUMBER, what=what, value=(value or "").strip()[:40])
    return d


def _question(q, category: str, index: int) -> ParsedQuestion:
    qtype = q.get("type", "")
    pq = ParsedQuestion(qtype="", text=_text(q.find("questiontext")), name=_text(q.find("name")),
                        feedback=_text(q.find("generalfeedback")), category=category, line=index)
    grade = _text(q, "defaultgrade")
    if grade:
        pq.points = _dec(grade, "defaultgrade")
    answers = q.findall("answer")
    if qtype == "multichoice":
        single = _text(q, "single").lower() in ("true", "1")
        pq.qtype = grading.SINGLE if single else grading.MULTIPLE
        pq.answers = [Answer(_text(a), _dec(a.get("fraction", "0"), "fraction"), _text(a.find("feedback")))
                      for a in answers]
    elif qtype == "truefalse":
        pq.qtype = grading.TRUEFALSE
        right = next((a for a in answers if _dec(a.get("fraction", "0"), "fraction") == 100), None)
        if right is None:
            raise FormatError(gettext_noop("true/false question without a right answer"))
        pq.truth = _text(right).lower() in ("true", "vrai")
    elif qtype == "numerical":
        pq.qtype = grading.NUMERIC
        for a in answers:
            fraction, feedback = _dec(a.get("fraction", "100"), "fraction"), _text(a.find("feedback"))
            if grading.is_wildcard(_text(a)):  # Moodle's "any other answer", with its feedback
                pq.answers.append(Answer(grading.WILDCARD, fraction, feedback, Decimal(0)))
                continue
            value = _dec(_text(a), "answer")
            pq.answers.append(Answer(f"{value:f}", fraction, feedback,
                                     abs(_dec(_text(a, "tolerance") or "0", "tolerance"))))
    elif qtype == "shortanswer":
        pq.qtype = grading.SHORT
        pq.answers = [Answer(_text(a), _dec(a.get("fraction", "0"), "fraction"), _text(a.find("feedback")))
                      for a in answers]
    elif qtype == "matching":
        pq.qtype = grading.MATCHING
        for sub in q.findall("subquestion"):
            left, right = _text(sub), _text(sub.find("answer"))
            if left and right:
                pq.pairs.append((left, right))
            elif right:  # a right-hand answer with no question: a distractor (an extra right-hand option)
                pq.distractors.append(right)
    elif qtype == "ordering":
        pq.qtype = grading.ORDERING
        ranked = sorted(answers, key=lambda a: _dec(a.get("fraction", "0"), "fraction"))
        pq.items = [_text(a) for a in ranked]
    else:
        raise FormatError(gettext_noop("unsupported question type '%(qtype)s'"), qtype=qtype)
    check(pq)
    return pq


def parse(source: str | bytes) -> ParseResult:
    """Parse Moodle XML; never raises on bad content (bad questions go to `rejected`).

    Bounded: a source over MAX_SOURCE_BYTES is refused unparsed; after MAX_QUESTIONS questions the
    rest is refused at the index where reading stopped (`truncated` is set)."""
    result = ParseResult()
    size = len(source) if isinstance(source, bytes) else len(source.encode("utf-8", "surrogatepass"))
    if len(source) > MAX_SOURCE_BYTES or size > MAX_SOURCE_BYTES:
        result.stop(0, "", TOO_LARGE, max=MAX_SOURCE_BYTES)
        return result
    if isinstance(source, str):
        source = source.lstrip("\ufeff \t\r\n")  # pasted text: the XML declaration must come first
    try:
        root = fromstring(source, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        result.rejected.append(Rejected(0, "", Message(gettext_noop("not well-formed or unsafe XML: %(error)s"),
                                                   {"error": str(exc)})))
        return result
    if root.tag != "quiz":
        result.rejected.append(Rejected(0, root.tag, Message(gettext_noop("the root element must be <quiz>"))))
        return result
    category, category_line = "", 0
    for index, q in enumerate(root.findall("question"), start=1):
        qtype = q.get("type", "")
        if result.full():
            result.stop(index, f"[{qtype}] {_text(q.find('name'))}"[:200])
            break
        if qtype == "category":
            category, category_line = "", index
            node = q.find("category")
            # <category><text>path</text></category>; Moodle 1.9 wrote the path directly in <category>.
            raw = _text(node) if node is not None and node.find("text") is not None else _text(node, "")
            try:
                category = category_name(raw)
                result.categories.append((index, category))
            except FormatError as exc:
                # The questions that follow stay attached to this (rejected) one: nothing is imported.
                result.rejected.append(Rejected(index, f"[category] {raw[:160]}", exc.message))
            continue
        try:
            pq = _question(q, category, index)
            pq.category_line = category_line
            result.questions.append(pq)
        except FormatError as exc:
            name = _text(q.find("name")) or _text(q.find("questiontext"))[:80]
            result.rejected.append(Rejected(index, f"[{qtype}] {name}", exc.message))
    return result


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        t = ET.SubElement(el, "text")
        t.text = text
    return el


def _fmt(d: Decimal) -> str:
    d = Decimal(d)
    return f"{d.normalize():f}" if d == d.to_integral() else f"{d:f}"


def export(questions: list[ParsedQuestion]) -> str:
    root = ET.Element("quiz")
    category = None
    for pq in questions:
        if pq.category != category:
            category = pq.category
            cat = ET.SubElement(root, "question", {"type": "category"})
            path = category_path(category)
            _sub(cat, "category", f"$course$/top/{path}" if path else "$course$/top")
        kind = {grading.SINGLE: "multichoice", grading.MULTIPLE: "multichoice", grading.TRUEFALSE: "truefalse",
                grading.NUMERIC: "numerical", grading.SHORT: "shortanswer", grading.MATCHING: "matching",
                grading.ORDERING: "ordering"}[pq.qtype]
        q = ET.SubElement(root, "question", {"type": kind})
        _sub(q, "name", pq.name)
        _sub(q, "questiontext", pq.text, format="plain_text")
        _sub(q, "generalfeedback", pq.feedback, format="plain_text")
        ET.SubElement(q, "defaultgrade").text = _fmt(pq.points)
        if pq.qtype in (grading.SINGLE, grading.MULTIPLE):
            ET.SubElement(q, "single").text = "true" if pq.qtype == grading.SINGLE else "false"
            for a in pq.answers:
                el = _sub(q, "answer", a.text, fraction=_fmt(a.fraction), format="plain_text")
                _sub(el, "feedback", a.feedback)
        elif pq.qtype == grading.TRUEFALSE:
            for value in ("true", "false"):
                el = _sub(q, "answer", value, fraction="100" if (value == "true") == bool(pq.truth) else "0")
                _sub(el, "feedback", "")
        elif pq.qtype == grading.NUMERIC:
            for a in pq.answers:
                el = _sub(q, "answer", a.text, fraction=_fmt(a.fraction))
                ET.SubElement(el, "tolerance").text = _fmt(a.tolerance or 0)
                _sub(el, "feedback", a.feedback)
        elif pq.qtype == grading.SHORT:
            for a in pq.answers:
                el = _sub(q, "answer", a.text, fraction=_fmt(a.fraction))
                _sub(el, "feedback", a.feedback)
        elif pq.qtype == grading.MATCHING:
            for left, right in pq.pairs + [("", d) for d in pq.distractors]:
                sub = _sub(q, "subquestion", left, format="plain_text")
                _sub(sub, "answer", right)
        elif pq.qtype == grading.ORDERING:
            for pos, item in enumerate(pq.items, start=1):
                _sub(q, "answer", item, fraction=str(pos), format="plain_text")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

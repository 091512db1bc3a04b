"""Reads for pages, the API and other apps. Each runs a bounded number of queries."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Prefetch
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exams import grading, options, review
from exams.models import (
    Attempt, AttemptQuestion, Certification, Exam, PracticalAssessment, QuestionCategory, Registration, tr,
)


# --- Contracts other apps call ------------------------------------------------------------------

def certification_summary(user) -> dict:
    """{"certifications_passed": [{"certification", "score", "passed_on"}], "attempts", "best_score"} — 2 queries."""
    attempts = list(Attempt.objects.filter(user=user, exam__certification__isnull=False)
                    .select_related("exam__certification").order_by("graded_at", "pk"))
    passed, seen = [], set()
    for a in attempts:
        if a.passed and a.exam.certification.pk not in seen:
            seen.add(a.exam.certification.pk)
            passed.append({"certification": a.exam.certification.name, "score": a.final_pct,
                           "passed_on": (a.graded_at or a.submitted_at).date()})
    scores = [a.final_pct for a in attempts if a.final_pct is not None]
    return {"certifications_passed": passed, "attempts": len(attempts), "best_score": max(scores) if scores else None}


def _status_of(attempts: list[tuple]) -> str:
    """Status of one student's attempts at one exam, given as (…, passed, status, …) rows, newest first."""
    if not attempts:
        return "not_started"
    if any(a[3] for a in attempts):
        return "passed"
    latest_status = attempts[0][4]
    if latest_status == Attempt.Status.OPEN:
        return "in_progress"
    if latest_status == Attempt.Status.AWAITING:
        return "awaiting_grading"
    return "failed"


def results_by_user(users) -> dict[int, list[dict]]:
    """Per student, one dict per exam attempted (plus certification exams they registered for). 4 queries.

    ``users``: user ids, or a queryset of user ids (used as a subquery)."""
    out: dict[int, list[dict]] = {} if hasattr(users, "query") else {uid: [] for uid in users}
    grouped: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for row in (Attempt.objects.filter(user_id__in=users).order_by("-started_at")
                .values_list("user_id", "exam_id", "final_pct", "passed", "status", "started_at")):
        grouped[(row[0], row[1])].append(row)
    for uid, exam_id in Registration.objects.filter(user_id__in=users).values_list("user_id",
                                                                                    "certification__exam_id"):
        grouped.setdefault((uid, exam_id), [])
    exams = {e.pk: e for e in Exam.objects.filter(pk__in={eid for (_u, eid) in grouped})}
    certs = {c.exam_id: c for c in Certification.objects.filter(exam_id__in=exams)}
    for (uid, eid), rows in grouped.items():
        exam = exams[eid]
        scores = [r[2] for r in rows if r[2] is not None]
        out.setdefault(uid, []).append({
            "exam_id": eid, "exam_title": exam.title,
            "certification": certs[eid].name if eid in certs else None,
            "attempts": len(rows), "best_score": max(scores) if scores else None,
            "passed": any(r[3] for r in rows), "status": _status_of(rows),
            "last_attempt_at": rows[0][5] if rows else None,
        })
    for results in out.values():
        results.sort(key=lambda d: d["exam_title"])
    return out


def certifications_passed_by_year() -> dict[int, int]:
    """First pass per student and certification, counted in the year of that pass. 1 query."""
    rows = (Attempt.objects.filter(passed=True, exam__certification__isnull=False)
            .values("user_id", "exam__certification").annotate(first=Min("graded_at")))
    counts: dict[int, int] = defaultdict(int)
    for r in rows:
        if r["first"]:
            counts[r["first"].year] += 1
    return dict(sorted(counts.items()))


def certification_registrations_by_year() -> dict[int, int]:
    rows = (Registration.objects.annotate(year=ExtractYear("registered_at")).values("year")
            .annotate(n=Count("pk")).order_by("year"))
    return {r["year"]: r["n"] for r in rows}


# --- Pages ---------------------------------------------------------------------------------------

def own_results(user, now=None) -> list[dict]:
    """`results_by_user` for the student themself: each exam's best score among the attempts whose score the
    review options show them now (exams/review.py). 5 queries."""
    results = results_by_user([user.pk])[user.pk]
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for a in Attempt.objects.filter(user=user).select_related("exam"):
        attempts[a.exam_id].append(a)
    for r in results:
        rows = attempts.get(r["exam_id"], [])
        closed = [a for a in rows if a.status != Attempt.Status.OPEN]
        if not closed:
            continue
        scopes = own_review_scopes(user, closed[0].exam, closed, now, all_attempts=rows)
        shown = [a.final_pct for a in closed if scopes[a.pk].score and a.final_pct is not None]
        r["best_score"] = max(shown) if shown else None
    return results


def certifications_for_student(user) -> list[dict]:
    certs = list(Certification.objects.filter(active=True).select_related("exam"))
    regs = {r.certification_id: r for r in Registration.objects.filter(user=user)}
    results = own_results(user)
    by_exam = {r["exam_id"]: r for r in results}
    return [{"certification": c, "registration": regs.get(c.pk), "result": by_exam.get(c.exam_id)} for c in certs]


def _texts(entry: dict, base: str, lang: str) -> str:
    return tr(entry, base, lang)


def question_payload(aq: AttemptQuestion, lang: str, reveal: bool = False, review: bool = False) -> dict:
    """What the browser may see of a question. Keys (fractions, answers) only when `reveal`.

    `review` (result page and API) adds `given`: the candidate's own matching or ordering answer
    spelled out, each row marked right or wrong only when `reveal`."""
    v = aq.version
    key = v.key
    opts = options.OptionMap(aq)  # opaque per-attempt ids, in the attempt's shuffled order
    data = {
        "id": aq.pk, "position": aq.position, "type": v.qtype, "text": tr(v, "text", lang),
        "points": str(v.points), "response": opts.to_client(aq.response),
        "saved_at": aq.saved_at.isoformat() if aq.saved_at else None,
    }
    order = aq.option_order
    columns = opts.shown()
    if v.qtype in (grading.SINGLE, grading.MULTIPLE, grading.ORDERING):
        by_id = {str(c["id"]): c for c in key["items" if v.qtype == grading.ORDERING else "choices"]}
        data["options"] = [{"id": token, "text": _texts(by_id[b], "text", lang)} for token, b in columns["options"]]
    elif v.qtype == grading.MATCHING:
        by_id = {str(p["id"]): p for p in key["pairs"]}
        data["left"] = [{"id": token, "text": _texts(by_id[b], "left", lang)} for token, b in columns["left"]]
        data["options"] = [{"id": token, "text": _texts(by_id[b], "right", lang)} for token, b in columns["options"]]
    if review and v.qtype in (grading.MATCHING, grading.ORDERING):
        data["given"] = given_answer(v.qtype, key, order, aq.response or {}, lang, reveal)
    if reveal:
        data["awarded"] = None if aq.awarded is None else str(aq.awarded)
        data["full_marks"] = aq.awarded is not None and aq.awarded >= v.points
        data["feedback"] = tr(v, "feedback", lang)
        data["correct"] = correct_answer_text(v.qtype, key, lang)
    return data


def given_answer(qtype: str, key: dict, order, response: dict, lang: str, reveal: bool) -> list[dict]:
    """The candidate's own matching or ordering answer, row by row, in the order they saw it.

    Matching: one row per left item (as shown), `{"left", "chosen"}` (chosen = the right-hand text they
    picked, None when left blank). Ordering: one row per position, `{"position", "chosen"}` (None when
    no item was put there). `ok` (True/False) is the row's correctness, present only when `reveal`
    (it tells the key); otherwise None."""
    rows = []
    if qtype == grading.MATCHING:
        by_id = {str(p["id"]): p for p in key["pairs"]}
        picked = response.get("pairs", {})
        shown = order.get("left", []) if isinstance(order, dict) else []
        for pid in [p for p in shown if p in by_id] or list(by_id):
            chosen = picked.get(pid)
            rows.append({"left": _texts(by_id[pid], "left", lang),
                         "chosen": _texts(by_id[chosen], "right", lang) if chosen in by_id else None,
                         "ok": (chosen == pid) if reveal else None})
    elif qtype == grading.ORDERING:
        items = [str(i["id"]) for i in key["items"]]
        by_id = {str(i["id"]): i for i in key["items"]}
        given = response.get("order", [])
        for pos, right_id in enumerate(items):
            chosen = given[pos] if pos < len(given) else None
            rows.append({"position": pos + 1,
                         "chosen": _texts(by_id[chosen], "text", lang) if chosen in by_id else None,
                         "ok": (chosen == right_id) if reveal else None})
    return rows


def correct_answer_text(qtype: str, key: dict, lang: str) -> str:
    if qtype in (grading.SINGLE, grading.MULTIPLE):
        return " · ".join(_texts(c, "text", lang) for c in key["choices"]
                          if grading.to_decimal(c["fraction"]) > 0)
    if qtype == grading.TRUEFALSE:
        return "true" if key["answer"] else "false"
    if qtype == grading.NUMERIC:
        a = key["answers"][0]
        tol = a.get("tolerance") or "0"
        return f"{a['value']} ± {tol}" if grading.to_decimal(tol) else str(a["value"])
    if qtype == grading.SHORT:
        return " / ".join(a["text"] for a in key["answers"] if grading.to_decimal(a.get("fraction", 100)) >= 100)
    if qtype == grading.MATCHING:
        return " · ".join(f"{_texts(p, 'left', lang)} → {_texts(p, 'right', lang)}" for p in key["pairs"])
    if qtype == grading.ORDERING:
        return " → ".join(_texts(i, "text", lang) for i in key["items"])
    return ""


def attempt_questions(attempt: Attempt, lang: str, reveal: bool = False, review: bool = False) -> list[dict]:
    rows = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("version").order_by("position"))
    for aq in rows:
        aq.attempt = attempt  # the option tokens derive from the attempt: no query per question
    return [question_payload(aq, lang, reveal, review) for aq in rows]


def review_scope(attempt: Attempt, viewer, now=None) -> review.Scope:
    """What `viewer` sees of a closed `attempt` (exams/review.py): everything for one who may examine it,
    the exam's review options at the present moment for the candidate, nothing for anyone else. 1 query
    for the candidate."""
    if viewer.pk != attempt.user_id:
        return review.Scope.everything() if may_examine(viewer, attempt) else review.Scope.of(())
    return own_review_scopes(viewer, attempt.exam, [attempt], now)[attempt.pk]


def own_review_scopes(user, exam: Exam, attempts, now=None, all_attempts=None) -> dict[int, review.Scope]:
    """The candidate's review scope of each of their closed `attempts` of `exam`, by attempt id. 1 query, none
    when `all_attempts` (every attempt of theirs at this exam) is given."""
    now = now or timezone.now()
    rows = ([(a.status, a.passed) for a in all_attempts] if all_attempts is not None else
            list(Attempt.objects.filter(exam=exam, user_id=user.pk).values_list("status", "passed")))
    closed = review.exam_closed_for(
        now=now, available_until=exam.available_until, max_attempts=exam.max_attempts, attempts=len(rows),
        any_open=any(st == Attempt.Status.OPEN for st, _p in rows), any_passed=any(p for _s, p in rows))
    options = review.options_of(exam)
    out = {}
    for a in attempts:
        moment = review.moment(a.submitted_at, now, closed)
        out[a.pk] = review.Scope.of(options[moment], moment)
    return out


def attempt_review(attempt: Attempt, viewer, lang: str, now=None) -> dict:
    """The one reading of a closed attempt for the result page, the API and anything else that shows one:
    `scope` (what may be shown), the `questions` trimmed to it, the `practical` assessments (levels and
    points with the score, comments with the feedback) and `more_later` (the candidate will see more once
    the exam is closed for them)."""
    scope = review_scope(attempt, viewer, now)
    questions = []
    if scope.any_question:
        rows = AttemptQuestion.objects.filter(attempt=attempt).select_related("version").order_by("position")
        for aq in rows:
            aq.attempt = attempt  # the option ids derive from the attempt (exams/options.py): no query per row
            shown = question_payload(aq, lang, reveal=False, review=scope.responses)
            if not scope.responses:
                shown.pop("response", None)
                shown.pop("saved_at", None)
            if scope.right_answers or scope.feedback:
                revealed = question_payload(aq, lang, reveal=True, review=scope.responses)
                if scope.right_answers:
                    for key in ("awarded", "full_marks", "correct", "given"):
                        if key in revealed:
                            shown[key] = revealed[key]
                if scope.feedback:
                    shown["feedback"] = revealed["feedback"]
            questions.append(shown)
    practical = []
    if scope.score:
        practical = practical_breakdown(attempt, lang)
        if not scope.feedback:
            for a in practical:
                a["comment"] = ""
                for c in a["criteria"]:
                    c["comment"] = ""
    now_shown = {p for p, on in scope.as_dict().items() if on is True}
    more_later = (scope.moment is not None and scope.moment != review.CLOSED
                  and bool(review.options_of(attempt.exam)[review.CLOSED] - now_shown))
    return {"scope": scope, "questions": questions, "practical": practical, "more_later": more_later}


# --- Question import: where each parsed question goes -------------------------------------------

@dataclass
class ImportTarget:
    """The category a parsed question will go into.

    status: "chosen" (the category picked on the form), "existing" (a category of the same school,
    found by name), "new" (created by the import) or "invalid" (its category line is rejected)."""

    name: str
    status: str
    category: QuestionCategory | None = None


@dataclass
class ImportPlan:
    rows: list[tuple[object, ImportTarget]] = field(default_factory=list)  # (ParsedQuestion, target)
    rejected: list = field(default_factory=list)  # the parser's rejections + the category lines refused here
    new_names: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.rejected


def import_plan(parsed, category: QuestionCategory) -> ImportPlan:
    """Resolve the category lines of a parsed file against the bank. 1 query.

    Named categories are looked up in the scope of the chosen `category` (its school, or the shared
    categories when it is shared) and created there when missing: a file shared between schools imports
    into each school's own bank, and says nothing of the other schools' categories. Refused, on its
    category line: a name longer than the model allows."""
    from exams.formats import Rejected
    from lms.messages import Message

    plan = ImportPlan(rejected=list(parsed.rejected))
    max_length = QuestionCategory._meta.get_field("name").max_length
    for line, name in parsed.categories:  # every category line, even one no question follows
        if len(name) > max_length:
            plan.rejected.append(Rejected(line, name[:200], Message(gettext_noop(
                "The category name is longer than %(max)s characters."), {"max": max_length})))
    bad_lines = {r.line for r in plan.rejected}
    first_line: dict[str, int] = {}  # the categories questions go into (only those are looked up or created)
    for pq in parsed.questions:
        if pq.category and pq.category_line not in bad_lines:
            first_line.setdefault(pq.category, pq.category_line)
    found = {c.name: c for c in QuestionCategory.objects.filter(name__in=list(first_line),
                                                                 school_id=category.school_id)} if first_line else {}
    plan.new_names = [name for name in first_line if name not in found]
    plan.rejected.sort(key=lambda r: r.line)
    for pq in parsed.questions:
        if pq.category_line in bad_lines:
            target = ImportTarget(pq.category, "invalid")
        elif not pq.category:
            target = ImportTarget(category.name, "chosen", category)
        elif pq.category in found:
            found_cat = found[pq.category]
            target = ImportTarget(pq.category, "chosen" if found_cat.pk == category.pk else "existing", found_cat)
        else:
            target = ImportTarget(pq.category, "new")
        plan.rows.append((pq, target))
    return plan


def examiner_turn(examiner_id: int, attempt: Attempt, assessments) -> int | None:
    """The examiner's place on an attempt, from its assessments (no query): the order of the assessment
    they hold (1 = first examiner, 2 = second), else the turn that waits for an examiner while the
    attempt awaits its practical grading and nobody else holds that turn (1, or 2 once a second examiner
    was asked for and the first signed off); None = the attempt is not assigned to them."""
    mine = next((x for x in assessments if x.examiner_id == examiner_id), None)
    if mine is not None:
        return mine.order
    if attempt.status != Attempt.Status.AWAITING:
        return None
    first = next((x for x in assessments if x.order == 1), None)
    if first is None:
        return 1
    if attempt.second_examiner_required and first.signed_off_at and len(assessments) == 1:
        return 2
    return None


def _sees_every_attempt(user) -> bool:
    from lms.accounts import roles

    return user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF)


def may_examine(user, attempt: Attempt) -> bool:
    """The one rule for who may examine an attempt that is not their own: its assessment page, its result
    page (answers, key, feedback, rubric comments) and its practical scoring. Flow Stage staff may; an
    examiner of the candidate's school may when the attempt is assigned to them (`examiner_turn`); nobody
    examines their own attempt. 2 queries at most."""
    from lms.accounts import roles
    from partnerships.models import SchoolMember

    if not user.is_authenticated or user.pk == attempt.user_id:
        return False
    if _sees_every_attempt(user):
        return True
    if not roles.has_role(user, roles.EXAMINER):
        return False
    if not SchoolMember.objects.filter(
            user=user, role=SchoolMember.Role.EXAMINER,
            school__programmes__cohorts__memberships__user_id=attempt.user_id).exists():
        return False
    return examiner_turn(user.pk, attempt, list(attempt.assessments.all())) is not None


def examiner_queue(examiner) -> list[Attempt]:
    """Attempts awaiting a practical assessment this examiner may do. 2 queries whatever the size."""
    qs = (Attempt.objects.filter(status=Attempt.Status.AWAITING)
          .select_related("exam", "user").order_by("submitted_at")
          .prefetch_related(Prefetch("assessments", queryset=PracticalAssessment.objects.select_related("examiner"))))
    if not _sees_every_attempt(examiner):
        qs = qs.filter(user__cohort_memberships__cohort__programme__school__members__user=examiner,
                       user__cohort_memberships__cohort__programme__school__members__role="examiner").distinct()
    qs = qs.exclude(user=examiner)
    out = []
    for a in qs[:500]:
        assessments = list(a.assessments.all())
        mine = next((x for x in assessments if x.examiner_id == examiner.pk), None)
        if mine is not None and mine.signed_off_at:
            continue
        turn = examiner_turn(examiner.pk, a, assessments)
        if turn is None:
            continue  # another examiner holds it
        a.queue_role = turn
        a.my_assessment = mine
        out.append(a)
    return out


def exam_results(exam: Exam) -> list[Attempt]:
    """Staff results list of an exam: 1 query."""
    return list(Attempt.objects.filter(exam=exam).select_related("user").order_by("-started_at")[:1000])


def practical_breakdown(attempt: Attempt, lang: str) -> list[dict]:
    rows = []
    for a in attempt.assessments.select_related("examiner", "rubric").prefetch_related("rubric__criteria__levels"):
        if not a.signed_off_at:
            continue
        crit = []
        for c in a.rubric.criteria.all():
            lv = next((lv for lv in c.levels.all() if str(lv.pk) == a.levels.get(str(c.pk))), None)
            crit.append({"criterion": tr(c, "title", lang), "level": tr(lv, "label", lang) if lv else "",
                         "points": lv.points if lv else Decimal(0), "max": c.max_points(),
                         "comment": a.comments.get(str(c.pk), "")})
        rows.append({"examiner": a.examiner.get_display_name(), "order": a.order, "percent": a.percent,
                     "criteria": crit, "comment": a.overall_comment})
    return rows


def open_attempt_for(user, exam) -> Attempt | None:
    return Attempt.objects.filter(user=user, exam=exam, status=Attempt.Status.OPEN).first()


def attempts_of(user, exam) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, exam=exam).order_by("-number"))


__all__ = ["certification_summary", "results_by_user", "own_results", "certifications_passed_by_year",
           "certification_registrations_by_year", "examiner_queue", "exam_results"]

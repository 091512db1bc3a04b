"""Student, examiner and staff pages of the exams app."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from exams import grading, prerequisites, selectors, services, signals
from exams.templatetags.exams_tags import pct
from exams.models import Attempt, Certification, Exam, Registration, tr
from exams.prerequisites import all_met
from lms import confirm
from lms.accounts import roles
from lms.money import format_money, localized_number
from lms.templatetags.i18n_messages import localize


def _lang():
    return (translation.get_language() or "fr")[:2]


def _prereq_rows(cert, user):
    """Each prerequisite of the certification, stated with its requirements, met or missing and why, in
    the viewer's language (the pure checks give message templates, see lms.messages)."""
    results = services.prerequisite_status(cert, user)
    req = cert.requirements()
    return results, [{"code": r.code, "label": localize(prerequisites.label(r.code, req)), "met": r.met,
                      "reason": localize(r.message), "exempted": r.exempted} for r in results]


@login_required
def certifications(request):
    rows = selectors.certifications_for_student(request.user)
    return render(request, "exams/certifications.html", {
        "rows": rows, "entitled": services.is_entitled(request.user),
    })


@login_required
def certification_detail(request, code):
    cert = get_object_or_404(Certification.objects.select_related("exam", "preparation_course"), code=code)
    if request.method == "POST":
        refusal = services.registration_refusal(cert, request.user)
        if refusal is not None:
            messages.error(request, refusal.message)
            return redirect("exams:certification", code=code)
        if not confirm.confirmed(request, "exams.register", cert.pk):
            return confirm.ask(
                request, "exams.register", cert.pk,
                title=_("Register for %(cert)s") % {"cert": tr(cert, "name", _lang())},
                lines=[_("You are about to register for the certification “%(cert)s”. The registration fee is "
                         "%(fee)s excl. VAT.") % {"cert": tr(cert, "name", _lang()), "fee": format_money(cert.price)},
                       ngettext("The exam allows %(n)s attempt.", "The exam allows %(n)s attempts.",
                                cert.exam.max_attempts) % {"n": cert.exam.max_attempts}],
                confirm_label=_("Register and pay %(fee)s") % {"fee": format_money(cert.price)},
                cancel_url=reverse("exams:certification", kwargs={"code": cert.code}))
        try:
            services.register(cert, request.user)
            messages.success(request, _("You are registered. The registration fee is %(fee)s.")
                             % {"fee": format_money(cert.price)})
        except services.ExamError as exc:
            messages.error(request, exc.message)
            return redirect("exams:certification", code=code)
        return redirect("exams:certification", code=code)
    results, prereqs = _prereq_rows(cert, request.user)
    registration = Registration.objects.filter(certification=cert, user=request.user).first()
    exam = cert.exam
    attempts = selectors.attempts_of(request.user, exam)
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    if open_attempt is not None:
        open_attempt = services.ensure_fresh(open_attempt)
        if open_attempt.status != Attempt.Status.OPEN:
            open_attempt = None
            attempts = selectors.attempts_of(request.user, exam)
    scopes = selectors.own_review_scopes(request.user, exam, [a for a in attempts if a.status != Attempt.Status.OPEN])
    for a in attempts:
        a.score_shown = a.pk in scopes and scopes[a.pk].score  # the review options decide (exams/review.py)
    return render(request, "exams/certification_detail.html", {
        "cert": cert, "exam": exam, "prereqs": prereqs, "all_met": all_met(results),
        "entitled": services.is_entitled(request.user), "registration": registration,
        "attempts": attempts, "open_attempt": open_attempt,
        "start_refusal": None if open_attempt else services.start_check(exam, request.user),
    })


@login_required
@require_POST
def exam_start(request, exam_id):
    exam = get_object_or_404(Exam, pk=exam_id)
    try:
        attempt = services.start_attempt(exam, request.user)
    except services.ExamError as exc:
        messages.error(request, exc.message)
        cert = Certification.objects.filter(exam=exam).first()
        return redirect("exams:certification", code=cert.code) if cert else redirect("exams:certifications")
    return redirect("exams:take", attempt_id=attempt.pk)


def response_from_post(question: dict, data) -> dict:
    """Build a response from the no-JS form fields of one question (names q-<id>[-suffix])."""
    qid, qtype = question["id"], question["type"]
    name = f"q-{qid}"
    if qtype == grading.SINGLE:
        return {"choice": data.get(name, "")}
    if qtype == grading.MULTIPLE:
        return {"choices": data.getlist(name)}
    if qtype == grading.TRUEFALSE:
        return {"value": data.get(name, "")}
    if qtype == grading.NUMERIC:
        return {"value": data.get(name, "")}
    if qtype == grading.SHORT:
        return {"text": data.get(name, "")}
    if qtype == grading.MATCHING:
        return {"pairs": {left["id"]: data.get(f"{name}-{left['id']}", "") for left in question["left"]}}
    if qtype == grading.ORDERING:
        return {"order": [data.get(f"{name}-{i}", "") for i in range(1, len(question["options"]) + 1)]}
    return {}


def clock(seconds: int) -> str:
    """The time left as exam.js shows it: "m:ss", or "h:mm:ss" from an hour (the page without JavaScript)."""
    h, rest = divmod(max(0, seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _own_attempt(request, attempt_id) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("exam"), pk=attempt_id)
    if attempt.user_id != request.user.pk:
        raise PermissionDenied
    return services.ensure_fresh(attempt)


def _confirm_submit(request, attempt):
    """The step before submitting: how many questions are still unanswered, and the time left."""
    questions = selectors.attempt_questions(attempt, _lang(), reveal=False)
    unanswered = sum(1 for q in questions if not q["response"])
    minutes = max(0, int((attempt.deadline - timezone.now()).total_seconds()) // 60)
    lines = [
        ngettext("%(n)s question of %(total)s is unanswered.", "%(n)s questions of %(total)s are unanswered.",
                 unanswered) % {"n": unanswered, "total": len(questions)}
        if unanswered else ngettext("Your only question has an answer.", "All %(total)s questions have an answer.",
                                    len(questions)) % {"total": len(questions)},
        _("Once the exam is submitted, your answers can no longer be changed."),
        ngettext("You still have %(n)s minute.", "You still have %(n)s minutes.", minutes) % {"n": minutes},
    ]
    return confirm.ask(request, "exams.submit", attempt.pk, title=_("Submit the exam?"), lines=lines,
                       confirm_label=_("Submit the exam"), cancel_label=_("Back to the exam"),
                       cancel_url=reverse("exams:take", kwargs={"attempt_id": attempt.pk}), carry=("submit",))


@login_required
def take(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.OPEN:
        return redirect("exams:result", attempt_id=attempt.pk)
    questions = selectors.attempt_questions(attempt, _lang(), reveal=False)
    if request.method == "POST":
        # Without JavaScript: save every answer of the form, then submit if asked (and confirmed). The
        # confirmation page posts no answers: its POST saves nothing (it would blank them).
        if confirm.FIELD not in request.POST:
            errors = []
            for q in questions:
                try:
                    services.save_answer(attempt.pk, request.user, q["id"], response_from_post(q, request.POST))
                except services.ExamError as exc:
                    if exc.status == 409:
                        messages.error(request, exc.message)
                        return redirect("exams:result", attempt_id=attempt.pk)
                    errors.append(_("Question %(n)s: %(reason)s") % {"n": q["position"], "reason": exc.message})
            if errors:
                for e in errors:
                    messages.error(request, e)
                return redirect("exams:take", attempt_id=attempt.pk)
        if "submit" in request.POST:
            if not confirm.confirmed(request, "exams.submit", attempt.pk):
                return _confirm_submit(request, attempt)
            services.submit_attempt(attempt)
            return redirect("exams:result", attempt_id=attempt.pk)
        messages.success(request, _("Your answers are saved."))
        return redirect("exams:take", attempt_id=attempt.pk)
    seconds_left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    for q in questions:
        q["ranks"] = range(1, len(q.get("options", [])) + 1)
        if q["type"] == grading.ORDERING:
            order = q["response"].get("order", [])
            q["order_at"] = {i + 1: oid for i, oid in enumerate(order)}
    return render(request, "exams/take.html", {
        "attempt": attempt, "exam": attempt.exam, "questions": questions, "seconds_left": seconds_left,
        "time_left": clock(seconds_left),
    })


@login_required
def result(request, attempt_id):
    """The candidate's own result, or an attempt assigned to an examiner (`selectors.may_examine`, the same
    rule as the assessment page); what it shows is `selectors.attempt_review`'s."""
    attempt = get_object_or_404(Attempt.objects.select_related("exam"), pk=attempt_id)
    own = attempt.user_id == request.user.pk
    if not own and not selectors.may_examine(request.user, attempt):
        raise PermissionDenied
    attempt = services.ensure_fresh(attempt)
    if attempt.status == Attempt.Status.OPEN:
        if not own:
            raise Http404
        return redirect("exams:take", attempt_id=attempt.pk)
    exam = attempt.exam
    shown = selectors.attempt_review(attempt, request.user, _lang())
    return render(request, "exams/result.html", {
        "attempt": attempt, "exam": exam, "questions": shown["questions"], "practical": shown["practical"],
        "review": shown["scope"], "more_later": shown["more_later"],
        # The badge a pass earned, for the candidate only and only when the review shows the score (a badge tells it).
        "rewards": [r for _receiver, r in signals.attempt_rewards.send(sender=Attempt, attempt=attempt) if r]
        if own and shown["scope"].score else [],
        "cert": Certification.objects.filter(exam=exam).first(),
    })


def _require_examiner(user):
    if not (user.is_superuser or roles.has_role(user, roles.EXAMINER, roles.FLOWSTAGE_STAFF)):
        raise PermissionDenied


@login_required
def examiner_queue(request):
    _require_examiner(request.user)
    return render(request, "exams/examiner_queue.html", {"attempts": selectors.examiner_queue(request.user)})


def _confirm_sign_off(request, attempt, draft, criteria):
    """The step before signing an assessment off: the score it gives, and that it is final."""
    maximum = sum((c.max_points() for c in criteria), Decimal(0))
    lines = [
        _("You are about to sign off your assessment of %(student)s (attempt %(n)s): practical score %(pct)s %% "
          "(%(points)s / %(max)s pt).") % {
            "student": attempt.user.get_display_name(), "n": attempt.number, "pct": pct(draft.percent),
            "points": localized_number(draft.points), "max": localized_number(maximum)},
        _("A signed-off assessment can no longer be changed; your draft is saved meanwhile."),
    ]
    carry = ["sign_off", "overall", *(f"level-{c.pk}" for c in criteria), *(f"comment-{c.pk}" for c in criteria)]
    return confirm.ask(request, "exams.sign_off", attempt.pk, title=_("Sign off this assessment?"), lines=lines,
                       confirm_label=_("Sign off"), cancel_label=_("Back to the assessment"),
                       cancel_url=reverse("exams:assess", kwargs={"attempt_id": attempt.pk}), carry=carry)


@login_required
def assess(request, attempt_id):
    _require_examiner(request.user)
    attempt = get_object_or_404(Attempt.objects.select_related("exam__rubric", "user"), pk=attempt_id)
    if not selectors.may_examine(request.user, attempt) or not attempt.exam.has_practical:
        raise PermissionDenied
    rubric = attempt.exam.rubric
    criteria = list(rubric.criteria.prefetch_related("levels"))
    mine = attempt.assessments.filter(examiner=request.user).first()
    error = None
    if request.method == "POST":
        if "second_examiner" in request.POST:
            if not (request.user.is_superuser or roles.has_role(request.user, roles.FLOWSTAGE_STAFF)):
                raise PermissionDenied
            try:
                services.request_second_examiner(attempt, request.user)
                messages.success(request, _("A second examiner will assess this attempt."))
            except services.ExamError as exc:
                messages.error(request, exc.message)
            return redirect("exams:assess", attempt_id=attempt.pk)
        levels = {str(c.pk): request.POST.get(f"level-{c.pk}", "") for c in criteria}
        comments = {str(c.pk): request.POST.get(f"comment-{c.pk}", "") for c in criteria}
        sign_off = "sign_off" in request.POST
        confirmed = sign_off and confirm.confirmed(request, "exams.sign_off", attempt.pk)
        try:
            draft = services.score_practical(attempt, request.user, levels, comments, request.POST.get("overall", ""),
                                             sign_off=confirmed)
        except services.ExamError as exc:
            error = exc.message
        else:
            if sign_off and not confirmed:
                # The draft is saved; signing cannot be undone: ask first (or say what is missing).
                if any(not levels[str(c.pk)] for c in criteria):
                    error = _("Score every criterion before signing off.")
                else:
                    return _confirm_sign_off(request, attempt, draft, criteria)
        if error is None:
            if confirmed:
                messages.success(request, _("Assessment signed off."))
                return redirect("exams:examiner_queue")
            messages.success(request, _("Draft saved."))
            return redirect("exams:assess", attempt_id=attempt.pk)
        mine = type("Draft", (), {"levels": levels, "comments": comments,
                                  "overall_comment": request.POST.get("overall", "")})()
    lang = _lang()
    rows = []
    for c in criteria:
        chosen = (mine.levels if mine else {}).get(str(c.pk), "")
        rows.append({"criterion": c, "levels": list(c.levels.all()), "chosen": str(chosen),
                     "comment": (mine.comments if mine else {}).get(str(c.pk), ""), "max": c.max_points()})
    theory = selectors.attempt_questions(attempt, lang, reveal=True) if attempt.status != "open" else []
    return render(request, "exams/assess.html", {
        "attempt": attempt, "rubric": rubric, "rows": rows, "mine": mine, "error": error,
        "theory": theory,
        "can_second": request.user.is_superuser or roles.has_role(request.user, roles.FLOWSTAGE_STAFF),
    }, status=422 if error else 200)


"""Celery tasks of careers: thin, idempotent wrappers. The notifications are enqueued by name by
``careers.services`` after its transactions commit; the nightly recomputation is on the beat schedule."""
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Application, ContactRequest

log = logging.getLogger(__name__)


def _language(user) -> str:
    lang = (getattr(user, "preferred_language", "") or "")[:2]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _url(name, *args) -> str:
    return settings.PUBLIC_BASE_URL + reverse(name, args=args)


def _mail(user, template: str, context: dict) -> EmailMessage:
    """One e-mail in the recipient's language (their preferred one), links in that language."""
    with translation.override(_language(user)):
        context = {**context, "user": user, "base_url": settings.PUBLIC_BASE_URL}
        if "link_name" in context:
            context["link"] = _url(context["link_name"], *context.get("link_args", ()))
        subject = " ".join(render_to_string(f"careers/email/{template}_subject.txt", context).split())
        body = render_to_string(f"careers/email/{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _send(messages) -> int:
    return get_connection().send_messages(messages) or 0


def _application(application_id):
    return (Application.objects.select_related("offer__employer", "student", "decided_by")
            .filter(pk=application_id).first())


@shared_task(name="careers.tasks.notify_status_change")
def notify_status_change(application_id: int) -> int:
    """Tell the student their application's new status (and the employer's reason)."""
    app = _application(application_id)
    if app is None:
        return 0
    return _send([_mail(app.student, "status", {"app": app, "link_name": "careers:application",
                                                "link_args": [app.pk]})])


@shared_task(name="careers.tasks.notify_student")
def notify_student(application_id: int, event: str) -> int:
    app = _application(application_id)
    if app is None:
        return 0
    last = app.messages.order_by("-created_at").first()
    return _send([_mail(app.student, "message_to_student", {"app": app, "message": last,
                                                            "link_name": "careers:application", "link_args": [app.pk]})])


@shared_task(name="careers.tasks.notify_employer")
def notify_employer(application_id: int, event: str) -> int:
    """Tell the employer's staff of a new application, a withdrawal or a message."""
    app = _application(application_id)
    if app is None:
        return 0
    last = app.messages.order_by("-created_at").first() if event == "message" else None
    members = list(app.offer.employer.members.filter(is_active=True))
    return _send([_mail(u, "employer", {"app": app, "event": event, "message": last,
                                        "link_name": "careers:employer_applicants", "link_args": [app.offer_id]})
                  for u in members])


@shared_task(name="careers.tasks.notify_school_contact")
def notify_school_contact(contact_id: int) -> int:
    """Send a student's "Contacter l'école" request, with the offer, to the school's referent."""
    from . import selectors

    req = ContactRequest.objects.select_related("student", "school", "offer__employer").filter(pk=contact_id).first()
    if req is None:
        return 0
    return _send([_mail(u, "school_contact", {"req": req, "link_name": "careers:offer", "link_args": [req.offer_id]})
                  for u in selectors.referents_of(req.school)])


@shared_task(name="careers.tasks.recompute_matches")
def recompute_matches(chunk_size: int = 200) -> dict:
    """Nightly (beat): every student's best matches against every live offer, in bounded memory."""
    from . import services

    run = services.recompute_matches(chunk_size=chunk_size)
    return {"students": run.students, "offers": run.offers, "pairs": run.pairs, "stored": run.stored,
            "peak_memory_kb": run.peak_memory_kb}


def _agreement(agreement_id):
    from .models import Agreement

    return (Agreement.objects.select_related("application__offer__employer", "application__student", "school",
                                             "referent").filter(pk=agreement_id).first())


@shared_task(name="careers.tasks.notify_agreement")
def notify_agreement(agreement_id: int, event: str) -> int:
    """Tell the parties with an account that the agreement was signed by one of them (and who signs next), or that
    it changed and every signature must be given again."""
    from .models import SIGNING_ORDER, Party

    agreement = _agreement(agreement_id)
    if agreement is None:
        return 0
    signed = set(agreement.signatures.filter(voided_at__isnull=True).values_list("party", flat=True))
    following = next((p for p in SIGNING_ORDER if p not in signed), None)
    people = {agreement.application.student, *agreement.application.offer.employer.members.filter(is_active=True)}
    if agreement.referent is not None:
        people.add(agreement.referent)
    return _send([_mail(u, "agreement", {"agreement": agreement, "event": event, "app": agreement.application,
                                         "next": Party(following).label if following else "",
                                         "link_name": "careers:agreement", "link_args": [agreement.pk]})
                  for u in people if u.email])


@shared_task(name="careers.tasks.send_tutor_link")
def send_tutor_link(link_id: int, token: str) -> int:
    """E-mail the tutor (who has no account: French, the platform's language) their single-purpose link."""
    from .models import TutorLink
    from .services import TUTOR_LINK_MAX_AGE

    link = TutorLink.objects.select_related("agreement__application__offer__employer",
                                            "agreement__application__student", "agreement__school").filter(
        pk=link_id).first()
    if link is None or link.used_at is not None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"agreement": link.agreement, "app": link.agreement.application, "days": TUTOR_LINK_MAX_AGE.days,
                   "link": _url("careers:tutor_link", token), "name": link.agreement.tutor_name}
        subject = " ".join(render_to_string("careers/email/tutor_link_subject.txt", context).split())
        body = render_to_string("careers/email/tutor_link.txt", context)
    return _send([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [link.sent_to])])


# --- Final report and credits ---------------------------------------------------------------------------------------

@shared_task(name="careers.tasks.send_report_link")
def send_report_link(link_id: int, token: str) -> int:
    """E-mail the tutor (French, the platform's language) their link to evaluate and sign the final report."""
    from .models import TutorLink
    from .services import TUTOR_LINK_MAX_AGE

    link = TutorLink.objects.select_related("agreement__application__offer__employer",
                                            "agreement__application__student", "agreement__school").filter(
        pk=link_id).first()
    if link is None or link.used_at is not None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"agreement": link.agreement, "app": link.agreement.application, "days": TUTOR_LINK_MAX_AGE.days,
                   "link": _url("careers:report_tutor_link", token), "name": link.agreement.tutor_name}
        subject = " ".join(render_to_string("careers/email/report_link_subject.txt", context).split())
        body = render_to_string("careers/email/report_link.txt", context)
    return _send([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [link.sent_to])])


@shared_task(name="careers.tasks.notify_agreement_cancelled")
def notify_agreement_cancelled(agreement_id: int) -> int:
    """Tell every party that the agreement was cancelled, with the reason: the student, the host's staff, the
    referent (each in their language) and the tutor at their e-mail address (French)."""
    agreement = _agreement(agreement_id)
    if agreement is None:
        return 0
    people = {agreement.application.student, *agreement.application.offer.employer.members.filter(is_active=True)}
    if agreement.referent is not None:
        people.add(agreement.referent)
    context = {"agreement": agreement, "app": agreement.application, "link_name": "careers:agreement",
               "link_args": [agreement.pk]}
    messages = [_mail(u, "cancelled", context) for u in people if u.email]
    addresses = {u.email.lower() for u in people if u.email}
    if agreement.tutor_email and agreement.tutor_email.lower() not in addresses:
        with translation.override(settings.LANGUAGE_CODE):
            ctx = {**context, "user": None, "name": agreement.tutor_name, "link": ""}
            subject = " ".join(render_to_string("careers/email/cancelled_subject.txt", ctx).split())
            body = render_to_string("careers/email/cancelled.txt", ctx)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [agreement.tutor_email]))
    return _send(messages)

# --- Outcomes ------------------------------------------------------------------------------------------------------

@shared_task(name="careers.tasks.send_outcome_surveys")
def send_outcome_surveys() -> dict:
    """Daily (beat): six months after a cohort's graduation, ask each graduate what became of them (one e-mail in
    their language with a one-click form), and remind once 14 days later. The rows are written before the e-mails,
    so a second run sends nothing twice."""
    from . import outcome_services, outcomes

    run = outcome_services.due_surveys()
    messages = []
    for survey, reminder in [(s, False) for s in run.sent] + [(s, True) for s in run.reminded]:
        if not survey.student.email or not survey.student.is_active:
            continue
        messages.append(_mail(survey.student, "outcome_survey", {
            "survey": survey, "reminder": reminder, "days": outcomes.LINK_VALID_DAYS,
            "link_name": "careers:outcome_survey", "link_args": [outcome_services.survey_token(survey)]}))
    sent = _send(messages) if messages else 0
    return {"sent": len(run.sent), "reminded": len(run.reminded), "emails": sent}


# --- follow-up during the internship (careers/followup.py) ----------------------------------------------------------

@shared_task(name="careers.tasks.midterm_evaluations")
def midterm_evaluations() -> dict:
    """Daily (beat): open the mid-term evaluation of each signed agreement past its midpoint (once) and remind the
    tutors of those still unanswered after a week."""
    from . import followup

    return {"opened": followup.open_midterm_evaluations(), "reminded": followup.send_midterm_reminders()}


@shared_task(name="careers.tasks.send_midterm_request")
def send_midterm_request(evaluation_id: int, link_id: int, token: str, kind: str = "request") -> int:
    """E-mail the tutor, in their language, the link to fill in the mid-term evaluation (``kind``: the first request
    or a reminder)."""
    from .models import MidtermEvaluation, TutorLink
    from .services import TUTOR_LINK_MAX_AGE

    ev = (MidtermEvaluation.objects.select_related("agreement__application__offer__employer",
                                                   "agreement__application__student", "agreement__school")
          .filter(pk=evaluation_id).first())
    link = TutorLink.objects.filter(pk=link_id).first()
    if ev is None or link is None or ev.status != MidtermEvaluation.Status.PENDING:
        return 0
    agreement = ev.agreement
    lang = ev.language if ev.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(lang):
        context = {"agreement": agreement, "app": agreement.application, "days": TUTOR_LINK_MAX_AGE.days,
                   "link": _url("careers:midterm_tutor", agreement.pk, token), "name": agreement.tutor_name,
                   "reminder": kind == "reminder", "evaluation": ev}
        subject = " ".join(render_to_string("careers/email/midterm_request_subject.txt", context).split())
        body = render_to_string("careers/email/midterm_request.txt", context)
    return _send([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [link.sent_to])])


@shared_task(name="careers.tasks.notify_midterm_submitted")
def notify_midterm_submitted(evaluation_id: int) -> int:
    """Tell the student and the referent teacher that the tutor submitted the mid-term evaluation."""
    from .models import MidtermEvaluation

    ev = MidtermEvaluation.objects.filter(pk=evaluation_id).first()
    if ev is None:
        return 0
    agreement = _agreement(ev.agreement_id)
    people = [agreement.application.student] + ([agreement.referent] if agreement.referent else [])
    return _send([_mail(u, "midterm_submitted", {"agreement": agreement, "app": agreement.application,
                                                 "evaluation": ev, "link_name": "careers:followup",
                                                 "link_args": [agreement.pk]})
                  for u in people if u.email])


@shared_task(name="careers.tasks.notify_call_request")
def notify_call_request(call_id: int) -> int:
    """The referent asked for a call: tell the student (in their language) and the tutor (in theirs)."""
    from .models import CallRequest

    call = CallRequest.objects.select_related("evaluation", "requested_by").filter(pk=call_id).first()
    if call is None:
        return 0
    agreement = _agreement(call.evaluation.agreement_id)
    context = {"agreement": agreement, "app": agreement.application, "call": call}
    messages = []
    student = agreement.application.student
    if student.email:
        messages.append(_mail(student, "call_request", {**context, "link_name": "careers:followup",
                                                        "link_args": [agreement.pk]}))
    if agreement.tutor_email:
        lang = call.evaluation.language if call.evaluation.language in dict(settings.LANGUAGES) else \
            settings.LANGUAGE_CODE
        with translation.override(lang):
            ctx = {**context, "user": None, "tutor": agreement.tutor_name, "base_url": settings.PUBLIC_BASE_URL}
            subject = " ".join(render_to_string("careers/email/call_request_subject.txt", ctx).split())
            body = render_to_string("careers/email/call_request.txt", ctx)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [agreement.tutor_email]))
    return _send(messages)


@shared_task(name="careers.tasks.ask_satisfaction")
def ask_satisfaction(question_id: int) -> int:
    """E-mail the net-promoter question (module or internship) to the student, in the language recorded when it was
    put; nothing when answered meanwhile."""
    from .models import SatisfactionAnswer, SatisfactionQuestion

    q = (SatisfactionQuestion.objects.select_related("student", "course", "agreement__application__offer__employer")
         .filter(pk=question_id).first())
    if q is None or not q.student.email:
        return 0
    answered = SatisfactionAnswer.objects.filter(student=q.student, **(
        {"course_id": q.course_id} if q.course_id else {"agreement_id": q.agreement_id})).exists()
    if answered:
        return 0
    lang = q.language if q.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(lang):
        if q.course_id:
            from courses.selectors import reader_titles

            about = reader_titles([q.course]).get(q.course_id, q.course.title)
        else:
            offer = q.agreement.application.offer
            about = f"{offer.title} — {offer.employer.name}"
        context = {"user": q.student, "question": q, "about": about, "base_url": settings.PUBLIC_BASE_URL,
                   "link": _url("careers:my_outcomes") + "#satisfaction"}
        subject = " ".join(render_to_string("careers/email/satisfaction_subject.txt", context).split())
        body = render_to_string("careers/email/satisfaction.txt", context)
    return _send([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [q.student.email])])

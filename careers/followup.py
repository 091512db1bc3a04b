"""The use-cases of the follow-up during an internship (issue 12, "During the internship"): the mid-term evaluation
opened at the midpoint and sent to the tutor (by account or e-mailed link), its reminders, its submission once, the
referent's request for a call; the student's log of professional contacts. One transaction each; refusals raise
``careers.services.CareersError`` with the HTTP status and a translated reason. The rules are in
``careers/followup_rules.py`` (pure)."""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.messages import gettext_noop
from lms.messages import message as _m

from . import followup_rules as rules
from . import selectors
from .models import (
    Agreement, CallRequest, MidtermEvaluation, MidtermReminder, ProfessionalContact, TutorLink,
)
from .services import (
    TUTOR_LINK_MAX_AGE, TUTOR_LINK_SALT, CareersError, OfferRefused, _enqueue, agreement_hash,
)

log = logging.getLogger(__name__)


class EvaluationRefused(OfferRefused):
    """The ratings break a rule: ``problems`` are ``lms.messages.Message``s (422)."""


def tutor_language(email: str) -> str:
    """The tutor's language: their account's preferred language when the address has an account, else French."""
    from lms.accounts.models import User

    lang = (User.objects.filter(email__iexact=email).values_list("preferred_language", flat=True).first() or "")[:2]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _evaluate_link(agreement: Agreement) -> tuple[TutorLink, str]:
    link = TutorLink.objects.create(agreement=agreement, action=TutorLink.Action.EVALUATE,
                                    document_hash=agreement_hash(agreement), sent_to=agreement.tutor_email,
                                    sent_at=timezone.now())
    token = signing.dumps({"a": agreement.pk, "l": link.pk, "act": link.action, "h": link.document_hash},
                          salt=TUTOR_LINK_SALT)
    return link, token


# --- opening the evaluations at the midpoint (daily task) ---------------------------------------------------------

def _open_one(agreement_id: int, today: datetime.date) -> MidtermEvaluation | None:
    with transaction.atomic():
        agreement = (Agreement.objects.select_for_update(of=("self",))
                     .select_related("application__offer__employer", "application__student", "school")
                     .get(pk=agreement_id))
        if agreement.status != Agreement.Status.SIGNED or MidtermEvaluation.objects.filter(
                agreement=agreement).exists():
            return None
        try:
            with transaction.atomic():
                evaluation = MidtermEvaluation.objects.create(
                    agreement=agreement, due_on=rules.midpoint(agreement.start_date, agreement.end_date),
                    objectives=[{"objective": o.get("objective", ""), "measure": o.get("measure", "")}
                                for o in agreement.objectives],
                    language=tutor_language(agreement.tutor_email) if agreement.tutor_email else settings.LANGUAGE_CODE,
                    sent_at=timezone.now())
        except IntegrityError:  # another run created it meanwhile: once per agreement
            return None
        if agreement.tutor_email:
            link, token = _evaluate_link(agreement)
            ev_id, link_id = evaluation.pk, link.pk
            _enqueue("careers.tasks.send_midterm_request", ev_id, link_id, token, "request")
        return evaluation


def open_midterm_evaluations(today: datetime.date | None = None) -> int:
    """Create the mid-term evaluation of every signed agreement whose midpoint has come (and that has not ended), once,
    and e-mail its tutor a link to fill it in. Idempotent: a second run the same day creates nothing."""
    today = today or selectors.today()
    candidates = list(Agreement.objects.filter(status=Agreement.Status.SIGNED, midterm__isnull=True,
                                               start_date__lte=today, end_date__gte=today)
                      .values_list("pk", "start_date", "end_date"))
    created = 0
    for pk, start, end in candidates:
        if rules.midterm_due(start, end, today) and _open_one(pk, today) is not None:
            created += 1
    return created


def send_midterm_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the tutor of each evaluation still pending a week after it was sent (then a week after the previous
    reminder, at most ``followup_rules.MAX_REMINDERS`` times), with a fresh link; each reminder is recorded."""
    now = now or timezone.now()
    sent = 0
    pending = (MidtermEvaluation.objects.filter(status=MidtermEvaluation.Status.PENDING,
                                                reminders__lt=rules.MAX_REMINDERS,
                                                agreement__status=Agreement.Status.SIGNED)
               .exclude(agreement__tutor_email="").values_list("pk", flat=True))
    pending = list(pending)
    for pk in pending:
        with transaction.atomic():
            ev = (MidtermEvaluation.objects.select_for_update(of=("self",)).select_related("agreement")
                  .get(pk=pk))
            if ev.status != MidtermEvaluation.Status.PENDING or not rules.reminder_due(
                    ev.sent_at, ev.last_reminder_at, ev.reminders, now):
                continue
            link, token = _evaluate_link(ev.agreement)
            MidtermReminder.objects.create(evaluation=ev, sent_at=now, sent_to=ev.agreement.tutor_email)
            ev.reminders += 1
            ev.last_reminder_at = now
            ev.save(update_fields=["reminders", "last_reminder_at"])
            ev_id, link_id = ev.pk, link.pk
            _enqueue("careers.tasks.send_midterm_request", ev_id, link_id, token, "reminder")
            sent += 1
    return sent


# --- the tutor fills it in -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationInput:
    objectives: tuple  # ((rating, comment), …) in the agreement's order
    behaviour: tuple  # (rating, comment)
    skills: tuple  # (rating, comment)


@dataclass(frozen=True)
class LinkAccess:
    evaluation: MidtermEvaluation
    link: TutorLink


def open_evaluation_link(token: str, agreement_id: int) -> LinkAccess:
    """Read a tutor's evaluation link opened at an agreement's address: 400 tampered, 410 expired, 403 the link of
    another agreement, 409 already submitted."""
    try:
        data = signing.loads(token, salt=TUTOR_LINK_SALT, max_age=TUTOR_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise CareersError(_("This link has expired (links are valid for %(days)s days): the school can send you a "
                             "new one, and a reminder carries a new link."), 410, days=TUTOR_LINK_MAX_AGE.days) from None
    except signing.BadSignature:
        raise CareersError(_("This link is not valid: copy the whole address from the e-mail."), 400) from None
    if not isinstance(data, dict) or data.get("act") != TutorLink.Action.EVALUATE:
        raise CareersError(_("This link is not valid for this action."), 400)
    link = (TutorLink.objects.select_related("agreement").filter(pk=data.get("l"), agreement_id=data.get("a"),
                                                                 action=TutorLink.Action.EVALUATE).first())
    if link is None:
        raise CareersError(_("This link is not valid: copy the whole address from the e-mail."), 400)
    if link.agreement_id != agreement_id:
        raise CareersError(_("This link is for another agreement."), 403)
    if link.agreement.status != Agreement.Status.SIGNED:
        raise CareersError(_("This agreement is not in force: there is nothing to evaluate."), 410)
    evaluation = (MidtermEvaluation.objects.select_related("agreement__application__offer__employer",
                                                           "agreement__application__student", "agreement__school")
                  .filter(agreement_id=agreement_id).first())
    if evaluation is None:
        raise CareersError(_("No mid-term evaluation is open for this agreement."), 404)
    if evaluation.status == MidtermEvaluation.Status.SUBMITTED:
        raise CareersError(_("This evaluation was already submitted on %(date)s: it is submitted once."), 409,
                           date=timezone.localtime(evaluation.submitted_at).strftime("%Y-%m-%d %H:%M"))
    return LinkAccess(evaluation, link)


def _record(evaluation: MidtermEvaluation, data: EvaluationInput, *, by, name: str, via: str) -> MidtermEvaluation:
    ev = MidtermEvaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
    if ev.status == MidtermEvaluation.Status.SUBMITTED:
        raise CareersError(_("This evaluation was already submitted on %(date)s: it is submitted once."), 409,
                           date=timezone.localtime(ev.submitted_at).strftime("%Y-%m-%d %H:%M"))
    objectives = [(str(r or ""), str(c or "").strip()) for r, c in data.objectives]
    behaviour = (str(data.behaviour[0] or ""), str(data.behaviour[1] or "").strip())
    skills = (str(data.skills[0] or ""), str(data.skills[1] or "").strip())
    problems = rules.check_evaluation(len(ev.objectives), objectives, behaviour, skills)
    name = (name or "").strip()[:160]
    if not name:
        problems.append(_m(gettext_noop("Write your full name.")))
    if problems:
        raise EvaluationRefused(problems)
    ev.ratings = [{"rating": r, "comment": c} for r, c in objectives]
    ev.behaviour, ev.behaviour_comment = behaviour
    ev.skills, ev.skills_comment = skills
    ev.status, ev.submitted_at, ev.submitted_by = MidtermEvaluation.Status.SUBMITTED, timezone.now(), by
    ev.submitted_name, ev.via = name, via
    ev.save()
    ev_id = ev.pk
    _enqueue("careers.tasks.notify_midterm_submitted", ev_id)
    return ev


@transaction.atomic
def submit_by_link(token: str, agreement_id: int, data: EvaluationInput, *, name: str) -> MidtermEvaluation:
    """The tutor without an account submits through their e-mailed link (once)."""
    access_ = open_evaluation_link(token, agreement_id)
    ev = _record(access_.evaluation, data, by=None, name=name, via=MidtermEvaluation.Via.LINK)
    TutorLink.objects.filter(agreement_id=agreement_id, action=TutorLink.Action.EVALUATE,
                             used_at__isnull=True).update(used_at=ev.submitted_at)
    return ev


def may_evaluate(user, agreement: Agreement) -> bool:
    """The host organisation's staff (the tutor with an account) fill in the evaluation."""
    return user.is_authenticated and selectors.is_employer_member(user, agreement.application.offer.employer_id)


@transaction.atomic
def submit_by_account(agreement: Agreement, data: EvaluationInput, *, by) -> MidtermEvaluation:
    if not may_evaluate(by, agreement):
        raise CareersError(_("Only the host organisation's tutor fills in the mid-term evaluation."), 403)
    evaluation = MidtermEvaluation.objects.filter(agreement=agreement).first()
    if evaluation is None:
        raise CareersError(_("No mid-term evaluation is open for this agreement."), 404)
    ev = _record(evaluation, data, by=by, name=by.get_display_name(), via=MidtermEvaluation.Via.ACCOUNT)
    TutorLink.objects.filter(agreement=agreement, action=TutorLink.Action.EVALUATE,
                             used_at__isnull=True).update(used_at=ev.submitted_at)
    return ev


def may_request_call(user, agreement: Agreement) -> bool:
    """The referent teacher and the school's staff."""
    from partnerships.models import SchoolMember

    return user.is_authenticated and (agreement.referent_id == user.pk or SchoolMember.objects.filter(
        school_id=agreement.school_id, user=user, role=SchoolMember.Role.STAFF).exists())


@transaction.atomic
def request_call(agreement: Agreement, *, by, note: str = "") -> CallRequest:
    """The referent asks for a call with the tutor and the student about the mid-term evaluation (recorded; both
    told by e-mail)."""
    if not may_request_call(by, agreement):
        raise CareersError(_("Only the referent teacher or the school's staff request a call."), 403)
    evaluation = MidtermEvaluation.objects.select_for_update(of=("self",)).filter(agreement=agreement).first()
    if evaluation is None:
        raise CareersError(_("No mid-term evaluation is open for this agreement."), 404)
    note = (note or "").strip()
    if len(note) > 1000:
        raise CareersError(_("The note is longer than %(max)s characters."), 422, max=1000)
    call = CallRequest.objects.create(evaluation=evaluation, requested_by=by, note=note)
    call_id = call.pk
    _enqueue("careers.tasks.notify_call_request", call_id)
    return call


# --- the student's professional contacts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactData:
    name: str
    role: str
    organisation: str
    met_on: datetime.date
    how_met: str = ProfessionalContact.HowMet.INTERNSHIP
    email: str = ""
    linkedin_url: str = ""
    on_profile: bool = False


MAX_CONTACTS = 500
_EARLIEST = datetime.date(1990, 1, 1)


def check_linkedin(url: str) -> bool:
    """An https address on linkedin.com (or a country subdomain of it)."""
    from urllib.parse import urlsplit

    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return host == "linkedin.com" or host.endswith(".linkedin.com")


def _clean_contact(data: ContactData, today: datetime.date) -> dict:
    values = {"name": (data.name or "").strip(), "role": (data.role or "").strip(),
              "organisation": (data.organisation or "").strip(), "email": (data.email or "").strip(),
              "linkedin_url": (data.linkedin_url or "").strip(), "how_met": data.how_met, "met_on": data.met_on,
              "on_profile": bool(data.on_profile)}
    for field, label, limit in (("name", _("the name"), 120), ("role", _("the role"), 120),
                                ("organisation", _("the organisation"), 160)):
        if not values[field]:
            raise CareersError(_("Write %(what)s."), 422, what=label)
        if len(values[field]) > limit:
            raise CareersError(_("%(what)s is longer than %(max)s characters."), 422, what=label, max=limit)
    if values["how_met"] not in ProfessionalContact.HowMet.values:
        raise CareersError(_("Unknown way of meeting."), 422)
    if not isinstance(values["met_on"], datetime.date) or not _EARLIEST <= values["met_on"] <= today:
        raise CareersError(_("The date you met must be a past date (or today)."), 422)
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise CareersError(_("This e-mail address is not valid."), 422) from None
    if values["linkedin_url"] and not check_linkedin(values["linkedin_url"]):
        raise CareersError(_("The LinkedIn profile must be an https address on linkedin.com."), 422)
    return values


@transaction.atomic
def save_contact(student, data: ContactData, *, contact: ProfessionalContact | None = None,
                 today: datetime.date | None = None) -> ProfessionalContact:
    """Record or change a contact; only the student who recorded it changes it."""
    from lms.accounts import roles

    if not roles.has_role(student, roles.STUDENT):
        raise CareersError(_("Only students keep a log of contacts."), 403)
    values = _clean_contact(data, today or selectors.today())
    if contact is None:
        if ProfessionalContact.objects.filter(student=student).count() >= MAX_CONTACTS:
            raise CareersError(_("You have recorded %(max)s contacts, the most a log holds."), 409, max=MAX_CONTACTS)
        return ProfessionalContact.objects.create(student=student, **values)
    contact = ProfessionalContact.objects.select_for_update().filter(pk=contact.pk, student=student).first()
    if contact is None:
        raise CareersError(_("No such contact."), 404)
    for k, v in values.items():
        setattr(contact, k, v)
    contact.save()
    return contact


@transaction.atomic
def delete_contact(student, contact_id: int) -> None:
    deleted, _rows = ProfessionalContact.objects.filter(pk=contact_id, student=student).delete()
    if not deleted:
        raise CareersError(_("No such contact."), 404)

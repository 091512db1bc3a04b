"""The use-cases of careers that change state: one transaction each, named as verbs. Views, the API, the admin,
commands and tasks call these; none writes a model itself.

Refusals raise ``CareersError`` with the HTTP status a view answers and a message in the active language; the
French-law refusals of an offer raise ``OfferRefused`` with each broken rule as an ``lms.messages.Message`` (rule and
figures), shown in the reader's language by pages and forms, in English and localized by the API.
"""
from __future__ import annotations

import datetime
import logging
import resource
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lms.accounts import roles
from lms.messages import gettext_noop
from lms.messages import message as _m
from lms.queue import enqueue_on_commit
from partnerships.models import Employer

from . import agreement_document, law, legal_data, matching, programme_data, selectors
from .models import (
    SIGNING_ORDER, Agreement, AgreementSignature, ApprenticePayRate, ApprenticeshipProgramme, Application,
    ApplicationMessage, CareerProfile, ConsentPart, ContactRequest, InternshipRate, Kind, MatchRun, Offer,
    OfferCredential, OfferLanguage, OfferRequirement, Party, PriorityPlacement, SchoolPartnerEmployer, SmicRate,
    StoredMatch, Track, TutorLink,
)

log = logging.getLogger(__name__)


_lower = lazy(lambda text: str(text).lower(), str)


class CareersError(Exception):
    """A refused use-case: ``status`` is the HTTP answer; the reason is a lazy translatable template with its
    parameters, read in the active language (``message``: pages) or in English (``english``: the API's stable
    ``detail``, logs)."""

    def __init__(self, template, code: int = 400, **params):
        self.template, self.params, self.status = template, params, code
        super().__init__(self.english)

    def _render(self) -> str:
        text = str(self.template)
        return text % {k: str(v) for k, v in self.params.items()} if self.params else text

    @property
    def message(self) -> str:
        return self._render()

    @property
    def english(self) -> str:
        with translation.override("en"):
            return self._render()


class OfferRefused(CareersError):
    """The offer breaks rules (French law, dates): ``problems`` are ``lms.messages.Message``s."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems), 422)

    def _render(self) -> str:
        from lms.templatetags.i18n_messages import localize

        return " ".join(localize(p) for p in self.problems)


# --- reference data ---------------------------------------------------------------------------------------------

@transaction.atomic
def seed_legal_rates() -> None:
    """(Re)write the legal rate rows of ``careers/legal_data.py`` and the brief's programme (idempotent): what
    migration 0002 does, for a database emptied since (tests that flush, a demo reset)."""
    legal_data.seed(InternshipRate, SmicRate, ApprenticePayRate)
    ApprenticeshipProgramme.objects.get_or_create(code=programme_data.PROGRAMME["code"],
                                                  defaults=programme_data.PROGRAMME)


# --- offers -----------------------------------------------------------------------------------------------------

@dataclass
class OfferData:
    kind: str
    title: str
    specialisation: str
    postcode: str
    city: str
    start_date: datetime.date
    end_date: datetime.date
    pay_monthly: Decimal
    tutor_name: str
    expires_on: datetime.date
    description: str = ""
    sector: str = ""
    genres: tuple = ()
    venue_size: str = ""
    address: str = ""
    country: str = "FR"
    weekly_hours: Decimal = Decimal("35")
    tutor_role: str = ""
    tutor_years: int = 0
    places: int = 1
    programme: ApprenticeshipProgramme | None = None
    track: str = ""
    contract_year: int = 1
    requirements: tuple = ()  # (name, level, required, software)
    languages: tuple = ()  # (language, CEFR level, required)
    credentials: tuple = ()  # (Achievement, required)

    FIELDS = ("kind", "title", "specialisation", "postcode", "city", "start_date", "end_date", "pay_monthly",
              "tutor_name", "expires_on", "description", "sector", "genres", "venue_size", "address", "country",
              "weekly_hours", "tutor_role", "tutor_years", "places", "programme", "track", "contract_year")


def _check(data: OfferData, day: datetime.date) -> None:
    problems = []
    if data.kind not in Kind.values:
        raise CareersError(_("Unknown kind of offer."), 422)
    if data.programme is not None and data.kind != Kind.APPRENTICESHIP:
        problems.append(_m(gettext_noop("Only an apprenticeship can belong to the apprenticeship programme.")))
    if data.programme is not None and not data.track:
        problems.append(_m(gettext_noop("Choose the programme track (Tech, Business development, Operations or "
                                        "Creative).")))
    bad_genres = set(data.genres) - {c for c, _l in matching.GENRES}
    if bad_genres:
        problems.append(_m(gettext_noop("Unknown genre: %(genre)s."), genre=sorted(bad_genres)[0]))
    p = data.programme
    terms = law.OfferTerms(kind=data.kind, start=data.start_date, end=data.end_date, weekly_hours=data.weekly_hours,
                           pay_monthly=data.pay_monthly, expires_on=data.expires_on, contract_year=data.contract_year,
                           programme_name=p.name if p else "", programme_months=p.duration_months if p else 0,
                           programme_floor=p.floor_monthly_pay if p else None)
    problems += law.check_offer(terms, selectors.legal_rates(), day)
    if problems:
        raise OfferRefused(problems)


def refresh_facts(offer: Offer) -> Offer:
    """Recompute the offer's matching facts from its row and its requirement rows (called by every change)."""
    offer.facts = matching.offer_facts_json(
        offer_id=offer.pk, kind=offer.kind, employer_id=offer.employer_id, title=offer.title,
        field_code=offer.specialisation, sector=offer.sector, start=offer.start_date, end=offer.end_date,
        city=offer.city, postcode=offer.postcode, country=offer.country, pay=offer.pay_monthly,
        requirements=[(r.name, r.level, r.required, r.software) for r in offer.requirements.all()],
        languages=[(x.language, x.level, x.required) for x in offer.languages.all()],
        credentials=[(c.achievement_id, {"en": c.achievement.name, "fr": c.achievement.name_fr or c.achievement.name},
                      c.required) for c in offer.credentials.select_related("achievement")],
        genres=offer.genres, venue_size=offer.venue_size, programme=offer.programme_id is not None,
    )
    offer.save(update_fields=["facts", "updated_at"])
    return offer


def _require_member(user, employer: Employer) -> None:
    if not (user.is_superuser or roles.has_role(user, roles.FLOWSTAGE_STAFF) or selectors.is_employer_member(
            user, employer.pk)):
        raise CareersError(_("You are not a member of this employer's staff."), 403)


@transaction.atomic
def save_offer(employer: Employer, data: OfferData, *, by, offer: Offer | None = None,
               day: datetime.date | None = None) -> Offer:
    """Create or change an offer with its skills, languages and valued credentials. Refused (nothing written) when
    it breaks French law or its dates are wrong; a filled or closed offer is not edited."""
    _require_member(by, employer)
    day = day or selectors.today()
    if offer is not None:
        offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
        if offer.employer_id != employer.pk:
            raise CareersError(_("No such offer."), 404)
        if offer.status in (Offer.Status.FILLED, Offer.Status.CLOSED):
            raise CareersError(_("A filled or closed offer cannot be changed."), 409)
    _check(data, day)
    names = [matching.normalise(r[0]) for r in data.requirements]
    if len(set(names)) != len(names):
        raise OfferRefused([_m(gettext_noop("A skill is listed twice."))])
    if offer is None:
        offer = Offer(employer=employer, created_by=by)
    for name in OfferData.FIELDS:
        value = getattr(data, name)
        setattr(offer, name, list(value) if name == "genres" else value)
    offer.save()
    offer.requirements.all().delete()
    offer.languages.all().delete()
    offer.credentials.all().delete()
    OfferRequirement.objects.bulk_create([OfferRequirement(offer=offer, name=n.strip(), level=int(lv), required=bool(r),
                                                           software=bool(sw)) for n, lv, r, sw in data.requirements])
    OfferLanguage.objects.bulk_create([OfferLanguage(offer=offer, language=lang.strip(), level=lv, required=bool(r))
                                       for lang, lv, r in data.languages])
    OfferCredential.objects.bulk_create([OfferCredential(offer=offer, achievement=a, required=bool(r))
                                         for a, r in data.credentials])
    return refresh_facts(offer)


@transaction.atomic
def publish_offer(offer: Offer, *, by, day: datetime.date | None = None) -> Offer:
    """Publish a draft (checked again today: dates and French law)."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("employer", "programme").get(pk=offer.pk)
    _require_member(by, offer.employer)
    if offer.status != Offer.Status.DRAFT:
        raise CareersError(_("Only a draft can be published."), 409)
    law_problems = law.check_offer(selectors.offer_terms(offer), selectors.legal_rates(), day or selectors.today())
    if law_problems:
        raise OfferRefused(law_problems)
    offer.status, offer.published_at = Offer.Status.PUBLISHED, timezone.now()
    offer.save(update_fields=["status", "published_at", "updated_at"])
    return offer


@transaction.atomic
def delete_offer(offer: Offer, *, by) -> None:
    """Delete a draft (a published offer is closed instead: its applications stay)."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("employer").get(pk=offer.pk)
    _require_member(by, offer.employer)
    if offer.status != Offer.Status.DRAFT or offer.applications.exists():
        raise CareersError(_("Only a draft can be deleted; close a published offer instead."), 409)
    offer.delete()


@transaction.atomic
def close_offer(offer: Offer, *, by, reason: str = "") -> Offer:
    """Close an offer: its pending applications are declined with the reason, each student told."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("employer").get(pk=offer.pk)
    _require_member(by, offer.employer)
    if offer.status == Offer.Status.CLOSED:
        return offer
    offer.status = Offer.Status.CLOSED
    offer.save(update_fields=["status", "updated_at"])
    _decline_pending(offer, by, reason or _("The employer closed the offer."))
    return offer


def _language(user) -> str:
    from django.conf import settings

    lang = (getattr(user, "preferred_language", "") or "")[:2]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _decline_pending(offer: Offer, by, reason) -> None:
    """Decline the offer's pending applications; a reason of ours is written in each student's language."""
    now = timezone.now()
    for app in (Application.objects.select_for_update(of=("self",)).select_related("student")
                .filter(offer=offer, status__in=Application.PENDING)):
        with translation.override(_language(app.student)):
            text = str(reason)
        app.status, app.decision_reason, app.decided_at, app.decided_by = Application.Status.DECLINED, text, now, by
        app.save(update_fields=["status", "decision_reason", "decided_at", "decided_by", "updated_at"])
        _notify_status(app.pk)


@transaction.atomic
def boost_offer(offer: Offer, *, by, day: datetime.date | None = None) -> PriorityPlacement:
    """Make a published offer a priority offer for ``selectors.PRIORITY_DAYS`` days, paid by one of the employer's
    live "priority offer" contracts that has a placement left (199 € an offer in the price list)."""
    day = day or selectors.today()
    offer = Offer.objects.select_for_update(of=("self",)).select_related("employer").get(pk=offer.pk)
    _require_member(by, offer.employer)
    if offer.status != Offer.Status.PUBLISHED:
        raise CareersError(_("Only a published offer can be made a priority offer."), 409)
    if PriorityPlacement.objects.filter(offer=offer, ends_on__gte=day).exists():
        raise CareersError(_("This offer is already a priority offer."), 409)
    credit = next((c for c in selectors.priority_credit(offer.employer, day) if c["left"] > 0), None)
    if credit is None:
        raise CareersError(_("No priority offer left in your contracts: a priority offer is sold per offer in the "
                             "price list (“Diffusion offre prioritaire”)."), 402)
    return PriorityPlacement.objects.create(
        offer=offer, contract=credit["contract"], starts_on=day,
        ends_on=min(day + datetime.timedelta(days=selectors.PRIORITY_DAYS - 1), offer.expires_on), created_by=by)


# --- applications -------------------------------------------------------------------------------------------------

def _clean_parts(parts) -> list[str]:
    unknown = set(parts) - set(ConsentPart.values)
    if unknown:
        raise CareersError(_("Unknown part of the profile: %(part)s."), 422, part=sorted(unknown)[0])
    return [p for p in ConsentPart.values if p in set(parts)]


@transaction.atomic
def apply(offer: Offer, student, *, message: str, consent_parts, day: datetime.date | None = None) -> Application:
    """Apply to a live offer the student may see, once, with a message and the parts of the profile the employer
    may see (the consent is recorded with its date)."""
    day = day or selectors.today()
    if not roles.has_role(student, roles.STUDENT):
        raise CareersError(_("Only students can apply."), 403)
    offer = Offer.objects.select_for_update(of=("self",)).select_related("employer").get(pk=offer.pk)
    previous = Application.objects.filter(offer=offer, student=student).first()
    if previous is not None:
        raise CareersError(_("You already applied to this offer on %(date)s (status: %(status)s); one application "
                             "per offer."), 409, date=timezone.localtime(previous.created_at).date().isoformat(),
                           status=Application.Status(previous.status).label)
    if offer.status != Offer.Status.PUBLISHED:
        raise CareersError(_("This offer is %(status)s: it no longer takes applications."), 409,
                           status=_lower(Offer.Status(offer.status).label))
    if offer.expires_on < day:
        raise CareersError(_("Applications to this offer closed on %(date)s."), 409, date=offer.expires_on.isoformat())
    if not selectors.can_see_offer(student, offer, day=day):
        raise CareersError(_("No such offer."), 404)
    message = (message or "").strip()
    if not message:
        raise CareersError(_("Write a message to the employer."), 422)
    if len(message) > 3000:
        raise CareersError(_("The message is too long (3,000 characters at most)."), 422)
    parts = _clean_parts(consent_parts)
    facts = selectors.student_facts(student, day)
    value, _excluded = matching.score(facts, matching.offer_facts_from_json(offer.facts))
    try:
        with transaction.atomic():
            app = Application.objects.create(
                offer=offer, student=student, message=message, consent_parts=parts, consent_given_at=timezone.now(),
                score=value.quantize(Decimal("0.01")))
    except IntegrityError:
        raise CareersError(_("You already applied to this offer; one application per offer."), 409) from None
    _notify_employer(app.pk, "new_application")
    return app


@transaction.atomic
def withdraw(application: Application, student) -> Application:
    """The student withdraws a pending application."""
    app = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if app.student_id != student.pk:
        raise CareersError(_("No such application."), 404)
    if not app.is_pending:
        raise CareersError(_("Only a pending application can be withdrawn (this one is %(status)s)."), 409,
                           status=_lower(Application.Status(app.status).label))
    app.status = Application.Status.WITHDRAWN
    app.save(update_fields=["status", "updated_at"])
    _notify_employer(app.pk, "withdrawn")
    return app


@transaction.atomic
def withdraw_consent(application: Application, student) -> Application:
    """The student takes back what the employer may see of their profile (recorded with its date)."""
    app = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if app.student_id != student.pk:
        raise CareersError(_("No such application."), 404)
    if app.consent_withdrawn_at is None:
        app.consent_withdrawn_at = timezone.now()
        app.save(update_fields=["consent_withdrawn_at", "updated_at"])
    return app


ACTIONS = ("shortlist", "accept", "decline")


@transaction.atomic
def decide(application: Application, *, by, action: str, reason: str = "", message: str = "",
           day: datetime.date | None = None) -> Application:
    """The employer shortlists, accepts or declines (a reason is required) a pending application; the student is
    told by e-mail and on their page. When the accepted applications fill the places, the offer is filled and the
    other pending applications are declined. An accepted apprentice's pay is the offer's, raised to their legal
    minimum when that is higher."""
    app = Application.objects.select_for_update(of=("self",)).select_related("offer__employer").get(pk=application.pk)
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=app.offer_id)
    if not selectors.is_employer_member(by, offer.employer_id):
        raise CareersError(_("No such application."), 404)
    if action not in ACTIONS:
        raise CareersError(_("Unknown decision."), 422)
    if not app.is_pending:
        raise CareersError(_("This application is %(status)s: there is nothing more to decide."), 409,
                           status=_lower(Application.Status(app.status).label))
    reason = (reason or "").strip()
    now = timezone.now()
    if action == "shortlist":
        if app.status == Application.Status.SHORTLISTED:
            raise CareersError(_("This application is already shortlisted."), 409)
        app.status = Application.Status.SHORTLISTED
    elif action == "decline":
        if not reason:
            raise CareersError(_("Give the candidate a reason."), 422)
        app.status, app.decision_reason = Application.Status.DECLINED, reason
    else:
        accepted = Application.objects.filter(offer=offer, status=Application.Status.ACCEPTED).count()
        if offer.status == Offer.Status.CLOSED:
            raise CareersError(_("This offer is closed."), 409)
        if accepted >= offer.places or offer.status != Offer.Status.PUBLISHED:
            raise CareersError(_("Every place of this offer is filled."), 409)
        app.status, app.decision_reason = Application.Status.ACCEPTED, reason
        app.monthly_pay = _agreed_pay(offer, app.student_id)
    app.decided_at, app.decided_by = now, by
    app.save()
    if message.strip():
        ApplicationMessage.objects.create(application=app, author=by, body=message.strip()[:3000])
    _notify_status(app.pk)
    if action == "accept" and accepted + 1 >= offer.places:
        offer.status = Offer.Status.FILLED
        offer.save(update_fields=["status", "updated_at"])
        _decline_pending(offer, by, _("Every place of this offer is now filled."))
    return app


def _agreed_pay(offer: Offer, student_id: int) -> Decimal:
    if offer.kind != Kind.APPRENTICESHIP:
        return offer.pay_monthly
    born = CareerProfile.objects.filter(user_id=student_id).values_list("birth_date", flat=True).first()
    if born is None:
        return offer.pay_monthly
    minimum = law.apprentice_minimum(law.age_on(born, offer.start_date), offer.contract_year, offer.start_date,
                                     offer.end_date, offer.weekly_hours, selectors.legal_rates())
    return law.apprentice_pay_for(offer.pay_monthly, minimum)


@transaction.atomic
def send_message(application: Application, *, author, body: str) -> ApplicationMessage:
    """A message between the candidate and the employer's staff on one application."""
    app = Application.objects.select_related("offer").get(pk=application.pk)
    is_student = app.student_id == author.pk
    if not is_student and not selectors.is_employer_member(author, app.offer.employer_id):
        raise CareersError(_("No such application."), 404)
    body = (body or "").strip()
    if not body:
        raise CareersError(_("Write a message."), 422)
    msg = ApplicationMessage.objects.create(application=app, author=author, body=body[:3000])
    if is_student:
        _notify_employer(app.pk, "message")
    else:
        _notify_student(app.pk, "message")
    return msg


# --- the student's careers settings, the school --------------------------------------------------------------------

@transaction.atomic
def save_career_profile(user, **values) -> CareerProfile:
    """Save the student's careers settings; making the profile visible in the CV database is dated."""
    cp, _created = CareerProfile.objects.select_for_update(of=("self",)).get_or_create(user=user)
    for key in ("kinds", "genres", "venue_sizes", "cv_parts"):
        if key in values:
            values[key] = list(values[key] or [])
    if "cv_parts" in values:
        values["cv_parts"] = _clean_parts(values["cv_parts"])
    visible_before = cp.cv_visible
    for key, value in values.items():
        setattr(cp, key, value)
    if cp.cv_visible and not visible_before:
        cp.cv_visible_since = timezone.now()
    if not cp.cv_visible:
        cp.cv_visible_since = None
    cp.save()
    return cp


@transaction.atomic
def contact_school(student, offer: Offer, *, message: str) -> ContactRequest:
    """"Contacter l'école": the student's school referent receives the request with the offer."""
    school, _m = selectors.student_school(student)
    if school is None:
        raise CareersError(_("You are not in a school's cohort: there is no school referent to write to."), 409)
    if not selectors.can_see_offer(student, offer):
        raise CareersError(_("No such offer."), 404)
    message = (message or "").strip()
    if not message:
        raise CareersError(_("Write a message to your school."), 422)
    req = ContactRequest.objects.create(student=student, school=school, offer=offer, message=message[:2000])
    pk = req.pk
    _enqueue("careers.tasks.notify_school_contact", pk)
    return req


@transaction.atomic
def mark_partner_employer(school, employer: Employer, *, by, since: datetime.date | None = None):
    """A school marks an employer as its partner (a source of the certified-partner mark)."""
    from partnerships import access

    if not access.can_manage(by, school):
        raise CareersError(_("You are not staff of this school."), 403)
    obj, _created = SchoolPartnerEmployer.objects.update_or_create(
        school=school, employer=employer, defaults={"since": since or selectors.today(), "until": None,
                                                    "marked_by": by})
    from .receivers import bump_offers_version

    bump_offers_version()
    return obj


@transaction.atomic
def unmark_partner_employer(school, employer: Employer, *, by, day: datetime.date | None = None) -> None:
    """The school no longer calls the employer its partner (the row is ended, not deleted: history)."""
    from partnerships import access

    if not access.can_manage(by, school):
        raise CareersError(_("You are not staff of this school."), 403)
    day = day or selectors.today()
    SchoolPartnerEmployer.objects.filter(school=school, employer=employer).update(until=day - datetime.timedelta(days=1))
    from .receivers import bump_offers_version

    bump_offers_version()


# --- notifications (on commit, through Celery) ----------------------------------------------------------------------

# Each notification is a task of careers/tasks.py run once after the transaction commits, through the transactional
# outbox (lms/queue.py): Redis down or the process lost, the outbox's sweep sends it when the worker is back.
_enqueue = enqueue_on_commit


def _notify_status(application_id: int) -> None:
    _enqueue("careers.tasks.notify_status_change", application_id)


def _notify_student(application_id: int, event: str) -> None:
    _enqueue("careers.tasks.notify_student", application_id, event)


def _notify_employer(application_id: int, event: str) -> None:
    _enqueue("careers.tasks.notify_employer", application_id, event)


# --- the nightly recomputation ---------------------------------------------------------------------------------------

TOP_MATCHES = 20  # kept per student


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def recompute_matches(*, chunk_size: int = 200, top: int = TOP_MATCHES, day: datetime.date | None = None,
                      user_ids=None) -> MatchRun:
    """Score every active student against every live offer they may see and keep each student's ``top`` matches.

    Bounded memory whatever the numbers: the live offers' facts once (the same snapshot the pages use), then
    students in chunks of ``chunk_size`` (their facts, access and rankings), each chunk's stored matches replaced in
    its own transaction; nothing grows with the number of students."""
    from django.contrib.auth import get_user_model

    day = day or selectors.today()
    run = MatchRun.objects.create(started_at=timezone.now())
    offers = selectors.live_offer_facts(day)
    certified = frozenset(selectors.certified_employer_ids(day))
    students = (get_user_model().objects.filter(groups__name=roles.STUDENT, is_active=True)
                .order_by("pk").values_list("pk", flat=True).distinct())
    if user_ids is not None:
        students = students.filter(pk__in=user_ids)
    school_rights = _school_rights()
    pairs = stored = count = 0
    last = 0
    while True:
        chunk = list(students.filter(pk__gt=last)[:chunk_size])
        if not chunk:
            break
        last = chunk[-1]
        facts = selectors.student_facts_for(chunk, day)
        schools = dict(selectors.CohortMembership.objects.filter(user_id__in=chunk)
                       .order_by("user_id", "cohort__graduation_year")
                       .values_list("user_id", "cohort__programme__school_id"))
        now = timezone.now()
        rows = []
        for uid in chunk:
            rights = school_rights.get(schools.get(uid), set())
            access = selectors.Access(None, "internship_database" in rights, "apprenticeship_programme" in rights,
                                      certified)
            visible = [o for o in offers if access.allows(o)]
            student = facts.get(uid) or matching.StudentFacts(user_id=uid)
            ranked = matching.rank(student, visible, day, matches_only=True)[:top]
            pairs += len(visible)
            rows.extend(StoredMatch(student_id=uid, offer_id=r.offer.id, score=r.score.quantize(Decimal("0.01")),
                                    rank=i, computed_at=now) for i, r in enumerate(ranked, start=1))
        with transaction.atomic():
            StoredMatch.objects.filter(student_id__in=chunk).delete()
            StoredMatch.objects.bulk_create(rows, batch_size=1000)
        stored += len(rows)
        count += len(chunk)
    run.finished_at, run.students, run.offers, run.pairs, run.stored = timezone.now(), count, len(offers), pairs, stored
    run.peak_memory_kb = _peak_kb()
    run.save()
    return run


def _school_rights() -> dict[int, set[str]]:
    from partnerships.models import Partnership

    rights: dict[int, set[str]] = {}
    for school_id, code in (Partnership.objects.filter(status__in=Partnership.LIVE_STATUSES)
                            .values_list("school_id", "tier__entitlements__code")):
        if code:
            rights.setdefault(school_id, set()).add(code)
    return rights


def timed(fn, *args, **kwargs):
    """(result, seconds) — for the commands and benchmarks."""
    t = time.perf_counter()
    return fn(*args, **kwargs), time.perf_counter() - t


# --- agreements ("convention de stage") ------------------------------------------------------------------------------

TUTOR_LINK_SALT = "careers.agreement.tutor-link"
TUTOR_LINK_MAX_AGE = datetime.timedelta(days=14)


class AgreementRefused(OfferRefused):
    """The agreement's terms break rules (French law, dates): ``problems`` are ``lms.messages.Message``s."""


@dataclass
class AgreementTerms:
    """What the school and the host organisation write in an agreement (the parties come from the application)."""

    activities: str
    objectives: tuple  # ({"objective": …, "measure": …}, …)
    start_date: datetime.date
    end_date: datetime.date
    weekly_hours: Decimal
    presence_days: tuple  # weekdays, 0 = Monday
    monthly_pay: Decimal
    pay_terms: str
    tutor_name: str
    absence_terms: str
    insurer: str
    insurance_policy: str
    tutor_role: str = ""
    tutor_email: str = ""
    leave_days: int = 0
    track: str = ""
    rhythm: str = ""
    contract_year: int = 1
    ects_credits: Decimal | None = None  # final report and credits: not in the signed document; None keeps it

    FIELDS = ("activities", "objectives", "start_date", "end_date", "weekly_hours", "presence_days", "monthly_pay",
              "pay_terms", "tutor_name", "absence_terms", "insurer", "insurance_policy", "tutor_role", "tutor_email",
              "leave_days", "track", "rhythm", "contract_year")


def agreement_hash(agreement: Agreement) -> str:
    """The SHA-256 of the agreement's canonical document (``careers.agreement_document``)."""
    return agreement_document.digest(agreement_document.content(agreement))


def agreement_problems(agreement: Agreement) -> list:
    offer = agreement.application.offer
    problems = []
    objectives = agreement.objectives or []
    if not objectives:
        problems.append(_m(gettext_noop("Write at least one learning objective, with how it is measured.")))
    for i, o in enumerate(objectives, start=1):
        if not str(o.get("objective", "")).strip() or not str(o.get("measure", "")).strip():
            problems.append(_m(gettext_noop("Learning objective %(n)s: write the objective and how it is measured "
                                            "(e.g. “Mix a show's front of house alone | three shows mixed without "
                                            "the tutor”)."), n=i))
    if any(int(d) not in range(7) for d in agreement.presence_days):
        problems.append(_m(gettext_noop("Unknown day of presence.")))
    if agreement.kind == Kind.APPRENTICESHIP and agreement.track not in Track.values:
        problems.append(_m(gettext_noop("Choose the programme track (Tech, Business development, Operations or "
                                        "Creative).")))
    for label, value in ((gettext_noop("the activities"), agreement.activities),
                         (gettext_noop("how the pay is computed"), agreement.pay_terms),
                         (gettext_noop("the tutor's name"), agreement.tutor_name),
                         (gettext_noop("the leave and absences"), agreement.absence_terms),
                         (gettext_noop("the school's insurer"), agreement.insurer),
                         (gettext_noop("the insurance policy number"), agreement.insurance_policy)):
        if not str(value or "").strip():
            problems.append(_m(gettext_noop("Write %(what)s."), what=_m(label)))
    p = offer.programme
    terms = law.OfferTerms(kind=agreement.kind, start=agreement.start_date, end=agreement.end_date,
                           weekly_hours=agreement.weekly_hours, pay_monthly=agreement.monthly_pay,
                           contract_year=agreement.contract_year, programme_name=p.name if p else "",
                           programme_months=p.duration_months if p else 0,
                           programme_floor=p.floor_monthly_pay if p else None)
    age = None
    if agreement.kind == Kind.APPRENTICESHIP:
        born = (CareerProfile.objects.filter(user_id=agreement.application.student_id)
                .values_list("birth_date", flat=True).first())
        age = law.age_on(born, agreement.start_date) if born else None
    problems += law.check_agreement(terms, selectors.legal_rates(), offer_start=offer.start_date,
                                    offer_end=offer.end_date, presence_days=len(set(agreement.presence_days)),
                                    apprentice_age=age)
    return problems


def may_edit_agreement(user, agreement: Agreement) -> bool:
    from partnerships import access

    return (user.is_authenticated and (access.can_manage(user, agreement.school_id)
                                       or agreement.referent_id == user.pk
                                       or selectors.is_employer_member(user, agreement.application.offer.employer_id)))


def _default_terms(app: Application) -> dict:
    offer = app.offer
    p = offer.programme
    return {
        "kind": offer.kind, "activities": offer.description, "objectives": [],
        "start_date": offer.start_date, "end_date": offer.end_date, "weekly_hours": offer.weekly_hours,
        "presence_days": [0, 1, 2, 3, 4], "monthly_pay": app.monthly_pay if app.monthly_pay is not None
        else offer.pay_monthly, "pay_terms": "", "tutor_name": offer.tutor_name, "tutor_role": offer.tutor_role,
        "track": offer.track, "contract_year": offer.contract_year,
        "rhythm": (f"{p.school_days}/{p.company_days}" if p else ""),
    }


@transaction.atomic
def create_agreement(application: Application, *, by) -> Agreement:
    """Open the agreement of an accepted application (one per application), prefilled from the offer and the agreed
    pay, with the school's referent; the school or the host organisation completes it before anyone signs."""
    from partnerships import access

    app = Application.objects.select_for_update(of=("self",)).select_related("offer__employer", "offer__programme",
                                                                 "student").get(pk=application.pk)
    school, _membership = selectors.student_school(app.student)
    is_host = selectors.is_employer_member(by, app.offer.employer_id)
    if not (is_host or (school is not None and access.can_manage(by, school))):
        raise CareersError(_("No such application."), 404)
    if app.status != Application.Status.ACCEPTED:
        raise CareersError(_("Only an accepted application becomes an agreement (this one is %(status)s)."), 409,
                           status=_lower(Application.Status(app.status).label))
    if school is None:
        raise CareersError(_("The student is in no school's cohort: there is no school to sign the agreement."), 409)
    if Agreement.objects.filter(application=app).exists():
        raise CareersError(_("This application already has its agreement."), 409)
    referents = [u for u in selectors.referents_of(school)]
    referent = by if access.can_manage(by, school) and not is_host else (referents[0] if referents else None)
    return Agreement.objects.create(application=app, school=school, created_by=by, referent=referent,
                                    **_default_terms(app))


def _live_signatures(agreement: Agreement):
    return AgreementSignature.objects.filter(agreement=agreement, voided_at__isnull=True)


@transaction.atomic
def update_agreement(agreement: Agreement, terms: AgreementTerms, *, by, referent=None) -> Agreement:
    """Change the terms (the school's staff or referent, the host organisation's staff). Refused, nothing written,
    when they break a rule. A change of the signed document voids every signature given so far: the parties are
    asked again (each told by e-mail)."""
    agreement = (Agreement.objects.select_for_update(of=("self",))
                 .select_related("application__offer__employer", "application__offer__programme",
                                 "application__student", "school", "referent").get(pk=agreement.pk))
    if not may_edit_agreement(by, agreement):
        raise CareersError(_("No such agreement."), 404)
    if agreement.status == Agreement.Status.CANCELLED:
        raise CareersError(_("This agreement is cancelled."), 409)
    before = agreement_hash(agreement)
    for name in AgreementTerms.FIELDS:
        value = getattr(terms, name)
        if name in ("objectives", "presence_days"):
            value = [dict(o) for o in value] if name == "objectives" else sorted({int(d) for d in value})
        elif isinstance(value, str):
            value = value.strip()
        setattr(agreement, name, value)
    if referent is not None:
        from partnerships import access

        if not access.can_manage(referent, agreement.school_id):
            raise CareersError(_("The referent must be a staff member of the school."), 422)
        agreement.referent = referent
    problems = agreement_problems(agreement)
    if problems:
        raise AgreementRefused(problems)
    if terms.ects_credits is not None and Decimal(terms.ects_credits) != agreement.ects_credits:
        if agreement.reports.filter(status="locked").exists():
            raise CareersError(_("The final report is co-signed: its ECTS credits are validated and no longer "
                                 "change."), 409)
        agreement.ects_credits = Decimal(terms.ects_credits)
        if agreement_hash(agreement) == before:
            agreement.save(update_fields=["ects_credits", "updated_at"])
    if agreement_hash(agreement) == before:
        return agreement
    agreement.version += 1
    now, voided = timezone.now(), 0
    for sig in _live_signatures(agreement).select_for_update(of=("self",)):
        sig.voided_at = now
        sig.save(update_fields=["voided_at"])  # one by one: each voiding is in the signatures' history
        voided += 1
    agreement.status = Agreement.Status.DRAFT
    agreement.save()
    if voided:
        pk = agreement.pk
        _enqueue("careers.tasks.notify_agreement", pk, "changed")
    if agreement.tutor_email and (voided or agreement.tutor_links.filter(used_at__isnull=True).exists()):
        send_tutor_link(agreement, by=by, authorised=True)  # the links sent for the old document no longer work
    return agreement


def signatory_parties(user, agreement: Agreement) -> set[str]:
    """The parties ``user`` may sign for on ``agreement`` (empty: none)."""
    from partnerships import access

    if not user.is_authenticated:
        return set()
    parties = set()
    if agreement.application.student_id == user.pk:
        parties.add(Party.STUDENT)
    if selectors.is_employer_member(user, agreement.application.offer.employer_id):
        parties.add(Party.EMPLOYER)
    if agreement.referent_id == user.pk or (access.can_manage(user, agreement.school_id)
                                           and not access.is_flowstage_staff(user)):
        parties.add(Party.SCHOOL)
    return parties


def _sign(agreement: Agreement, party: str, *, signer, name: str, email: str, via: str,
          expected_hash: str | None = None) -> AgreementSignature:
    """Record one signature on a locked agreement: in turn (student, host organisation, school last), once per
    party, on the document as it is now (``expected_hash``: the document the signer was shown)."""
    if agreement.status == Agreement.Status.CANCELLED:
        raise CareersError(_("This agreement is cancelled."), 409)
    problems = agreement_problems(agreement)
    if problems:
        raise AgreementRefused(problems)
    if agreement.referent_id is None:
        raise CareersError(_("The school has not named its referent teacher yet: the agreement cannot be signed."),
                           409)
    doc_hash = agreement_hash(agreement)
    if expected_hash is not None and expected_hash != doc_hash:
        raise CareersError(_("The agreement changed since you read it: read it again before signing."), 409)
    signed = {s.party: s for s in _live_signatures(agreement)}
    if party in signed:
        raise CareersError(_("%(party)s already signed this agreement on %(date)s."), 409,
                           party=Party(party).label, date=timezone.localtime(signed[party].signed_at)
                           .strftime("%Y-%m-%d %H:%M"))
    for before in SIGNING_ORDER[:SIGNING_ORDER.index(party)]:
        if before not in signed:
            raise CareersError(_("The parties sign in turn (the student, the host organisation, then the school): "
                                 "%(party)s has not signed yet."), 409, party=_lower(Party(before).label))
    try:
        with transaction.atomic():
            sig = AgreementSignature.objects.create(
                agreement=agreement, party=party, signer=signer, signer_name=name, signer_email=email, via=via,
                document_hash=doc_hash, signed_at=timezone.now())
    except IntegrityError:
        raise CareersError(_("This party already signed this agreement."), 409) from None
    if party == SIGNING_ORDER[-1]:
        agreement.status = Agreement.Status.SIGNED
        agreement.save(update_fields=["status", "updated_at"])
    pk = agreement.pk
    _enqueue("careers.tasks.notify_agreement", pk, "signed")
    return sig


def _locked_agreement(agreement: Agreement) -> Agreement:
    return (Agreement.objects.select_for_update(of=("self",))
            .select_related("application__offer__employer", "application__offer__programme", "application__student",
                            "school", "referent").get(pk=agreement.pk))


@transaction.atomic
def sign_agreement(agreement: Agreement, *, by, party: str, document_hash: str | None = None) -> AgreementSignature:
    """A party signs the agreement through their account."""
    agreement = _locked_agreement(agreement)
    if party not in Party.values:
        raise CareersError(_("Unknown party."), 422)
    parties = signatory_parties(by, agreement)
    if not parties and not may_edit_agreement(by, agreement):
        raise CareersError(_("No such agreement."), 404)
    if party not in parties:
        raise CareersError(_("You cannot sign for %(party)s."), 403, party=_lower(Party(party).label))
    sig = _sign(agreement, party, signer=by, name=by.get_display_name(), email=by.email,
                via=AgreementSignature.Via.ACCOUNT, expected_hash=document_hash)
    if party == Party.STUDENT and agreement.tutor_email:
        send_tutor_link(agreement, by=by, authorised=True)
    return sig


@transaction.atomic
def send_tutor_link(agreement: Agreement, *, by, authorised: bool = False) -> TutorLink:
    """E-mail the tutor an expiring single-purpose link to sign the agreement as it is now (earlier links for
    another version stop working: they carry the hash of the document they were sent for)."""
    agreement = _locked_agreement(agreement)
    if not authorised and not (may_edit_agreement(by, agreement) or agreement.application.student_id == by.pk):
        raise CareersError(_("No such agreement."), 404)
    if not agreement.tutor_email:
        raise CareersError(_("Write the tutor's e-mail address first."), 422)
    link = TutorLink.objects.create(agreement=agreement, action=TutorLink.Action.SIGN,
                                    document_hash=agreement_hash(agreement), sent_to=agreement.tutor_email,
                                    sent_at=timezone.now())
    token = signing.dumps({"a": agreement.pk, "l": link.pk, "act": link.action, "h": link.document_hash},
                          salt=TUTOR_LINK_SALT)
    link_id = link.pk
    _enqueue("careers.tasks.send_tutor_link", link_id, token)
    return link


@dataclass(frozen=True)
class TutorAccess:
    agreement: Agreement
    link: TutorLink


def open_tutor_link(token: str, action: str = TutorLink.Action.SIGN) -> TutorAccess:
    """Read a tutor's link: refused with a clear reason when it was tampered with, has expired, was used, is for
    another action, or the agreement changed since it was sent."""
    try:
        data = signing.loads(token, salt=TUTOR_LINK_SALT, max_age=TUTOR_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise CareersError(_("This link has expired (links are valid for %(days)s days): ask the school or the "
                             "student for a new one."), 410, days=TUTOR_LINK_MAX_AGE.days) from None
    except signing.BadSignature:
        raise CareersError(_("This link is not valid: copy the whole address from the e-mail."), 400) from None
    if not isinstance(data, dict) or data.get("act") != action:
        raise CareersError(_("This link is not valid for this action."), 400)
    link = (TutorLink.objects.select_related("agreement").filter(pk=data.get("l"), agreement_id=data.get("a"),
                                                                 action=action, document_hash=data.get("h")).first())
    if link is None:
        raise CareersError(_("This link is not valid: copy the whole address from the e-mail."), 400)
    if link.used_at is not None:
        raise CareersError(_("This link was already used on %(date)s: a link signs once."), 410,
                           date=timezone.localtime(link.used_at).strftime("%Y-%m-%d %H:%M"))
    agreement = link.agreement
    if agreement.status == Agreement.Status.CANCELLED:
        raise CareersError(_("This agreement is cancelled."), 410)
    if agreement_hash(agreement) != link.document_hash:
        raise CareersError(_("The agreement changed since this link was sent: use the newest link you received."),
                           409)
    return TutorAccess(agreement, link)


@transaction.atomic
def sign_by_tutor_link(token: str, *, name: str) -> AgreementSignature:
    """The tutor signs for the host organisation through their e-mailed link (once)."""
    access_ = open_tutor_link(token)
    link = TutorLink.objects.select_for_update(of=("self",)).get(pk=access_.link.pk)
    if link.used_at is not None:
        raise CareersError(_("This link was already used on %(date)s: a link signs once."), 410,
                           date=timezone.localtime(link.used_at).strftime("%Y-%m-%d %H:%M"))
    agreement = _locked_agreement(access_.agreement)
    name = (name or "").strip()[:160]
    if not name:
        raise CareersError(_("Write your full name to sign."), 422)
    sig = _sign(agreement, Party.EMPLOYER, signer=None, name=name, email=link.sent_to,
                via=AgreementSignature.Via.LINK, expected_hash=link.document_hash)
    link.used_at = sig.signed_at
    link.save(update_fields=["used_at"])
    return sig

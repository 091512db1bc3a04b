"""JSON API of careers, mounted at /api/v1/careers. Scoped by role: students see the offers they may see, their
matches and their own applications; employers' staff their company's offers and applicants; anyone else gets
403. Refusals answer a 4xx with ``detail`` in stable English and, for French-law refusals, each broken rule under
``problems`` with ``localized`` in the client's language (Accept-Language; French by default)."""
from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.http import JsonResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from badges.models import Achievement
from lms.accounts import roles
from lms.converters import Id
from lms.templatetags.i18n_messages import localize

from . import matching, selectors, services
from .models import Application, ApprenticeshipProgramme, ConsentPart, Kind, Offer

router = Router(tags=["careers"])

MAX_LIMIT = 100


def _lang() -> str:
    return (translation.get_language() or "fr")[:2]


def _student(request):
    if not roles.has_role(request.user, roles.STUDENT):
        raise HttpError(403, "Students only.")


def _employer(request):
    employers = list(selectors.employers_of(request.user))
    if not employers:
        raise HttpError(403, "Employers' staff only.")
    return employers


def _refused(exc: services.OfferRefused) -> JsonResponse:
    return JsonResponse({"detail": str(exc), "problems": [str(p) for p in exc.problems],
                         "localized": {"language": translation.get_language(),
                                       "problems": [localize(p) for p in exc.problems]}},
                        status=exc.status, json_dumps_params={"ensure_ascii": False})


def refusals(endpoint):
    """A refused use-case answers its 4xx: ``detail`` in stable English, ``localized`` in the client's language;
    French-law refusals list each broken rule under ``problems``."""

    @functools.wraps(endpoint)
    def wrapper(request, *args, **kwargs):
        try:
            return endpoint(request, *args, **kwargs)
        except services.OfferRefused as exc:
            return _refused(exc)
        except services.CareersError as exc:
            return JsonResponse({"detail": exc.english, "localized": {"language": translation.get_language(),
                                                                      "detail": exc.message}},
                                status=exc.status, json_dumps_params={"ensure_ascii": False})

    return wrapper


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _offer_out(o: Offer, certified: set | None = None) -> dict:
    return {
        "id": o.pk, "kind": o.kind, "title": o.title, "employer": o.employer.name, "employer_id": o.employer_id,
        "specialisation": o.specialisation, "sector": o.sector, "genres": list(o.genres or []),
        "venue_size": o.venue_size, "city": o.city, "postcode": o.postcode, "start_date": o.start_date.isoformat(),
        "end_date": o.end_date.isoformat(), "months": o.months, "weekly_hours": str(o.weekly_hours),
        "pay_monthly": _money(o.pay_monthly),
        "tutor": {"name": o.tutor_name, "role": o.tutor_role, "years": o.tutor_years},
        "places": o.places, "status": o.status, "expires_on": o.expires_on.isoformat(),
        "programme": o.programme.code if o.programme_id else None, "track": o.track or None,
        "certified_partner": None if certified is None else o.employer_id in certified,
    }


def _explanation_out(e: matching.Explanation) -> dict:
    return {
        "score": f"{e.score:.2f}", "rounded": e.rounded, "band": e.band, "headline": localize(e.headline),
        "excluded": e.excluded, "cap": None if e.cap is None else str(e.cap),
        "components": [{"key": c.key, "label": localize(c.label), "weight": str(c.weight),
                        "percent": f"{c.percent:.2f}", "points": f"{c.points:.2f}",
                        "sentences": [localize(line) for line in c.lines]} for c in e.components],
        "constraints": [localize(m) for m in e.constraints],
        "improvements": [{"kind": i.kind, "name": i.name, "target": i.target, "gain": f"{i.gain:.2f}",
                          "sentence": localize(i.message)} for i in e.improvements],
    }


def _application_out(a: Application) -> dict:
    return {"id": a.pk, "offer_id": a.offer_id, "offer": a.offer.title, "employer": a.offer.employer.name,
            "status": a.status, "score": f"{a.score:.2f}", "message": a.message,
            "consent_parts": a.consent_parts, "consent_given_at": a.consent_given_at.isoformat(),
            "consent_withdrawn_at": a.consent_withdrawn_at.isoformat() if a.consent_withdrawn_at else None,
            "decision_reason": a.decision_reason or None, "monthly_pay": _money(a.monthly_pay),
            "created_at": a.created_at.isoformat()}


class OfferFilters(Schema):
    kind: str = ""
    field: str = ""
    place: str = Field("", max_length=80)
    starts_after: datetime.date | None = None
    ends_before: datetime.date | None = None
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# --- offers and matches (students; school and Flow Stage staff may read offers) ------------------------------------

@router.get("/offers", summary="Offers the user may see")
def list_offers(request, filters: Query[OfferFilters]):
    """Live offers visible to the user, filtered; for a student ranked by their match score (each with it)."""
    user = request.user
    if not (roles.has_role(user, roles.STUDENT, roles.SCHOOL_STAFF, roles.FLOWSTAGE_STAFF)):
        raise HttpError(403, "Students, school staff and Flow Stage staff only.")
    f = selectors.Filters(kind=filters.kind, field=filters.field, place=filters.place,
                          starts_after=filters.starts_after, ends_before=filters.ends_before, show_all=True)
    if roles.has_role(user, roles.STUDENT):
        r = selectors.ranking(user, f, request=request)
        rows = r.rows[filters.offset:filters.offset + filters.limit]
        offers = selectors.offers_by_id(x.offer.id for x in rows)
        return {"count": len(r.rows), "matches": r.matches, "offers": [
            {**_offer_out(offers[x.offer.id], r.access.certified), "score": f"{x.score:.2f}",
             "excluded": x.excluded, "priority": x.priority} for x in rows if x.offer.id in offers]}
    if roles.has_role(user, roles.FLOWSTAGE_STAFF):
        access = selectors.Access(None, True, True, frozenset(selectors.certified_employer_ids()))
    else:
        school = selectors.schools_for_staff(user)
        access = selectors.access_for(user, school=school) if school else selectors.Access(
            None, False, False, frozenset(), False, selectors.today().toordinal())
    facts = [o for o in selectors.live_offer_facts(request=request) if access.allows(o)]
    facts = [o for o in facts if f.keep(o, matching.StudentFacts())]
    facts.sort(key=lambda o: (o.start, o.id))
    page = facts[filters.offset:filters.offset + filters.limit]
    offers = selectors.offers_by_id(o.id for o in page)
    return {"count": len(facts), "offers": [_offer_out(offers[o.id], access.certified) for o in page if o.id in offers]}


@router.get("/offers/{offer_id}", summary="One offer (with the student's explained score)")
def get_offer(request, offer_id: Id):
    offer = Offer.objects.select_related("employer", "programme").filter(pk=offer_id).first()
    if offer is None or not selectors.can_see_offer(request.user, offer):
        opens = selectors.embargo_of(request.user, offer) if offer is not None else None
        if opens is not None:  # only the school's missing priority access hides it: say so
            raise HttpError(403, services.CareersError(services.PRIORITY_REFUSAL, 403, date=opens.isoformat(),
                                                       days=selectors.PRIORITY_ACCESS_DAYS).english)
        raise HttpError(404, "No such offer.")
    out = _offer_out(offer, selectors.certified_employer_ids())
    out["description"] = offer.description
    out["requirements"] = [{"name": r.name, "level": r.level, "required": r.required, "software": r.software}
                           for r in offer.requirements.all()]
    out["languages"] = [{"language": x.language, "level": x.level, "required": x.required}
                        for x in offer.languages.all()]
    if roles.has_role(request.user, roles.STUDENT):
        out["match"] = _explanation_out(selectors.explain_offer(request.user, offer, _lang()))
    return out


@router.get("/matches", summary="My matches, explained (students)")
def my_matches(request, limit: int = Query(10, ge=1, le=50)):
    """The student's matches in order, each with its score components, sentences, constraints and improvements."""
    _student(request)
    r = selectors.ranking(request.user, request=request)
    rows = r.rows[:limit]
    offers = selectors.offers_by_id(x.offer.id for x in rows)
    return {"matches": r.matches, "language": translation.get_language(), "offers": [
        {**_offer_out(offers[x.offer.id], r.access.certified), "priority": x.priority,
         "match": _explanation_out(matching.explain(r.student, x.offer, _lang()))}
        for x in rows if x.offer.id in offers]}


class ApplyIn(Schema):
    message: str = Field(..., max_length=3000)
    consent_parts: list[str] = Field(default_factory=list, max_length=len(ConsentPart.values))


@router.post("/offers/{offer_id}/apply", summary="Apply (students)")
@refusals
def apply(request, offer_id: Id, payload: ApplyIn):
    _student(request)
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise HttpError(404, "No such offer.")
    app = services.apply(offer, request.user, message=payload.message, consent_parts=payload.consent_parts)
    return _application_out(Application.objects.select_related("offer__employer").get(pk=app.pk))


@router.get("/applications", summary="My applications (students)")
def my_applications(request):
    _student(request)
    return {"applications": [_application_out(a) for a in selectors.applications_of(request.user)]}


@router.get("/applications/{application_id}", summary="One of my applications (students)")
def my_application(request, application_id: Id):
    _student(request)
    app = selectors.application_of_student(request.user, application_id)
    if app is None:
        raise HttpError(404, "No such application.")
    return _application_out(app)


@router.post("/applications/{application_id}/withdraw", summary="Withdraw a pending application (students)")
@refusals
def withdraw(request, application_id: Id):
    _student(request)
    app = selectors.application_of_student(request.user, application_id)
    if app is None:
        raise HttpError(404, "No such application.")
    services.withdraw(app, request.user)
    return _application_out(selectors.application_of_student(request.user, application_id))


# --- employers --------------------------------------------------------------------------------------------------

class RequirementIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    level: int = Field(..., ge=1, le=5)
    required: bool = True
    software: bool = False


class LanguageIn(Schema):
    language: str = Field(..., min_length=1, max_length=60)
    level: str = Field(..., pattern="^(A1|A2|B1|B2|C1|C2|native)$")
    required: bool = True


class CredentialIn(Schema):
    achievement: str = Field(..., max_length=120, description="The achievement's slug")
    required: bool = False


class OfferIn(Schema):
    kind: str = Field(Kind.INTERNSHIP, pattern="^(internship|apprenticeship)$")
    title: str = Field(..., min_length=1, max_length=160)
    specialisation: str = Field(..., max_length=20)
    sector: str = Field("", max_length=20)
    genres: list[str] = Field(default_factory=list, max_length=12)
    venue_size: str = Field("", max_length=10)
    description: str = Field("", max_length=5000)
    address: str = Field("", max_length=200)
    postcode: str = Field(..., pattern=r"^\d{5}$")
    city: str = Field(..., min_length=1, max_length=120)
    start_date: datetime.date
    end_date: datetime.date
    weekly_hours: Decimal = Field(Decimal("35"), gt=0, le=48, max_digits=4, decimal_places=1)
    pay_monthly: Decimal = Field(..., ge=0, max_digits=8, decimal_places=2)
    tutor_name: str = Field(..., min_length=1, max_length=120)
    tutor_role: str = Field("", max_length=120)
    tutor_years: int = Field(0, ge=0, le=60)
    places: int = Field(1, ge=1, le=50)
    expires_on: datetime.date
    programme: str = Field("", max_length=40, description="The apprenticeship programme's code")
    track: str = Field("", max_length=20)
    contract_year: int = Field(1, ge=1, le=3)
    requirements: list[RequirementIn] = Field(default_factory=list, max_length=30)
    languages: list[LanguageIn] = Field(default_factory=list, max_length=10)
    credentials: list[CredentialIn] = Field(default_factory=list, max_length=10)


def _offer_data(payload: OfferIn) -> services.OfferData:
    from .models import FIELD_CHOICES, SECTOR_CHOICES, VENUE_CHOICES, Track

    if payload.specialisation not in dict(FIELD_CHOICES):
        raise HttpError(422, f"Unknown specialisation: {payload.specialisation}.")
    if payload.sector and payload.sector not in dict(SECTOR_CHOICES):
        raise HttpError(422, f"Unknown sector: {payload.sector}.")
    if payload.venue_size and payload.venue_size not in dict(VENUE_CHOICES):
        raise HttpError(422, f"Unknown venue size: {payload.venue_size}.")
    if payload.track and payload.track not in Track.values:
        raise HttpError(422, f"Unknown track: {payload.track}.")
    programme = None
    if payload.programme:
        programme = ApprenticeshipProgramme.objects.filter(code=payload.programme).first()
        if programme is None:
            raise HttpError(422, f"Unknown programme: {payload.programme}.")
    achievements = {a.slug: a for a in Achievement.objects.filter(slug__in=[c.achievement for c in payload.credentials])}
    missing = [c.achievement for c in payload.credentials if c.achievement not in achievements]
    if missing:
        raise HttpError(422, f"Unknown achievement: {missing[0]}.")
    values = payload.dict(exclude={"requirements", "languages", "credentials", "programme", "genres"})
    return services.OfferData(
        **values, genres=tuple(payload.genres), programme=programme,
        requirements=tuple((r.name, r.level, r.required, r.software) for r in payload.requirements),
        languages=tuple((x.language, x.level, x.required) for x in payload.languages),
        credentials=tuple((achievements[c.achievement], c.required) for c in payload.credentials))


def _own_offer(request, offer_id) -> Offer:
    _employer(request)
    offer = selectors.offer_for_employer(request.user, offer_id)
    if offer is None:
        raise HttpError(404, "No such offer among your company's offers.")
    return offer


@router.get("/employer/offers", summary="My company's offers (employers)")
def employer_offers(request):
    employers = _employer(request)
    return {"offers": [dict(_offer_out(o), applications=o.n_applications, pending=o.n_pending, accepted=o.n_accepted)
                       for e in employers for o in selectors.employer_offers(e)]}


@router.post("/employer/offers", summary="Create an offer (employers)")
@refusals
def create_offer(request, payload: OfferIn, employer: str = ""):
    """Create a draft. Refused with 422 and each broken rule (French law with its figures, dates) when it breaks one."""
    employers = _employer(request)
    target = next((e for e in employers if e.slug == employer), employers[0]) if employer else employers[0]
    offer = services.save_offer(target, _offer_data(payload), by=request.user)
    return JsonResponse(_offer_out(Offer.objects.select_related("employer", "programme").get(pk=offer.pk)), status=201)


@router.put("/employer/offers/{offer_id}", summary="Change an offer (employers)")
@refusals
def update_offer(request, offer_id: Id, payload: OfferIn):
    offer = _own_offer(request, offer_id)
    services.save_offer(offer.employer, _offer_data(payload), by=request.user, offer=offer)
    return _offer_out(Offer.objects.select_related("employer", "programme").get(pk=offer.pk))


@router.post("/employer/offers/{offer_id}/publish", summary="Publish a draft (employers)")
@refusals
def publish_offer(request, offer_id: Id):
    offer = _own_offer(request, offer_id)
    services.publish_offer(offer, by=request.user)
    return _offer_out(Offer.objects.select_related("employer", "programme").get(pk=offer.pk))


@router.post("/employer/offers/{offer_id}/close", summary="Close an offer (employers)")
@refusals
def close_offer(request, offer_id: Id):
    offer = _own_offer(request, offer_id)
    services.close_offer(offer, by=request.user)
    return _offer_out(Offer.objects.select_related("employer", "programme").get(pk=offer.pk))


@router.get("/employer/offers/{offer_id}/applicants", summary="Applicants to an offer (employers)")
def offer_applicants(request, offer_id: Id):
    """Each application with the candidate's explained score (a component's sentences only when the candidate shared
    the part of the profile they describe), the parts shared, and the badges' verdicts from the verifier."""
    offer = _own_offer(request, offer_id)
    out = []
    for row in selectors.applicants(offer, _lang()):
        a, parts = row.application, row.shared.get("parts", set())
        e = _explanation_out(row.explanation)
        for comp in e["components"]:
            if selectors.COMPONENT_PARTS.get(comp["key"]) not in parts:
                comp["sentences"] = []
        out.append({
            "application_id": a.pk, "student": a.student.get_display_name(),
            "email": a.student.email if "contact" in parts else None, "status": a.status,
            "message": a.message, "applied_score": f"{a.score:.2f}", "match": e, "shared_parts": sorted(parts),
            "badges": [{"name": b["name"], "verdict": b["verdict"], "reason": localize(b["reason"])}
                       for b in row.badges],
            "legal_minimum": _money(row.minimum.amount) if row.minimum else None,
        })
    return {"offer": _offer_out(offer), "applicants": out}


class DecisionIn(Schema):
    action: str = Field(..., pattern="^(shortlist|accept|decline)$")
    reason: str = Field("", max_length=2000)
    message: str = Field("", max_length=3000)


@router.post("/employer/applications/{application_id}/decision", summary="Shortlist, accept or decline")
@refusals
def decision(request, application_id: Id, payload: DecisionIn):
    _employer(request)
    app = selectors.application_for_employer(request.user, application_id)
    if app is None:
        raise HttpError(404, "No such application.")
    services.decide(app, by=request.user, action=payload.action, reason=payload.reason, message=payload.message)
    return _application_out(Application.objects.select_related("offer__employer").get(pk=app.pk))


# --- agreements (read): the parties only ----------------------------------------------------------------------------

def _agreement_out(a, report=None, detail: bool = False) -> dict:
    app, offer = a.application, a.application.offer
    out = {
        "id": a.pk, "kind": a.kind, "status": a.status, "version": a.version,
        "student": app.student.get_display_name(), "school": a.school.name, "employer": offer.employer.name,
        "offer": {"id": offer.pk, "title": offer.title}, "start_date": a.start_date.isoformat(),
        "end_date": a.end_date.isoformat(), "ects_credits": str(a.ects_credits),
        "cancelled_at": a.cancelled_at.isoformat() if a.cancelled_at else None,
        "report": None if report is None else {
            "version": report.version, "status": report.status,
            "grade_out_of_20": None if report.grade is None else f"{report.grade:.2f}",
            "locked_at": report.locked_at.isoformat() if report.locked_at else None,
            "credential_id": str(report.credential_id) if report.credential_id else None},
    }
    if detail:
        out.update({
            "objectives": [{"objective": o.get("objective", ""), "measure": o.get("measure", "")}
                           for o in a.objectives or []],
            "weekly_hours": str(a.weekly_hours), "monthly_pay": _money(a.monthly_pay), "tutor_name": a.tutor_name,
            "referent": a.referent.get_display_name() if a.referent_id else None,
            "document_sha256": services.agreement_hash(a), "cancel_reason": a.cancel_reason,
            "signatures": [{"party": s.party, "signed_by": s.signer_name, "signed_at": s.signed_at.isoformat(),
                            "document_sha256": s.document_hash}
                           for s in selectors.live_signatures(a).values()],
        })
    return out


def _current_reports(agreement_ids) -> dict:
    from .models import FinalReport

    return {r.agreement_id: r for r in FinalReport.objects.filter(agreement_id__in=agreement_ids)
            .exclude(status=FinalReport.Status.SUPERSEDED)}


@router.get("/agreements", summary="The agreements I am a party to (the student, the host's staff, the school's staff)")
def agreements(request, limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=100_000)):
    rows = selectors.agreements_for(request.user)
    page = rows[offset:offset + limit]
    reports = _current_reports([a.pk for a in page])
    return {"count": len(rows), "agreements": [_agreement_out(a, reports.get(a.pk)) for a in page]}


@router.get("/agreements/{agreement_id}", summary="One agreement I am a party to, with its signatures and report")
def agreement(request, agreement_id: Id):
    a = selectors.agreement_for(request.user, agreement_id)
    if a is None:
        raise HttpError(404, "No such agreement.")
    return _agreement_out(a, _current_reports([a.pk]).get(a.pk), detail=True)


@router.get("/agreements/{agreement_id}/follow-up",
            summary="The follow-up during the internship (the student, the referent, the school's staff)")
def agreement_followup(request, agreement_id: Id):
    """Objectives met at the mid-term evaluation, its state, the contacts made during the internship and the
    readiness score. 403 with the reason when the school's partnership does not include supervised internships."""
    from . import followup

    a = selectors.agreement_for(request.user, agreement_id)
    if a is None or selectors.followup_role(request.user, a) is None:
        raise HttpError(404, "No such agreement.")
    if not followup.supervised(a):
        raise HttpError(403, services.CareersError(followup.SUPERVISION_REFUSAL, 403, school=a.school.name).english)
    f = selectors.followup(a)
    ev = f["evaluation"]
    readiness = f["readiness"]
    return {
        "agreement": a.pk, "midpoint": f["midpoint"].isoformat(), "progress": f["progress"],
        "objectives_met": list(f["met"]) if f["met"] else None, "objectives": f["objectives_total"],
        "evaluation": None if ev is None else {"status": ev.status, "due_on": ev.due_on.isoformat(),
                                               "reminders": ev.reminders,
                                               "rows": [{**r, "label": str(r["label"])} for r in ev.rows()]
                                               if f["submitted"] else []},
        "contacts": len(f["contacts"]),
        "readiness": None if not readiness else {"score": str(readiness["score"]),
                                                 "change": None if readiness.get("change") is None
                                                 else str(readiness["change"])},
    }

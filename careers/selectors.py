"""Reads of careers for its pages, its API and the composing pages in lms/: each a bounded number of queries,
whatever the number of offers, applicants or students.

Ranking (``ranking``) reads no offer row on a warm process: the live offers' facts are parsed once and kept in the
process's memory under the offers' cache version (``receivers.OFFERS_VERSION_KEY``, moved by every offer change),
and the student's facts cost one query per profile table. The pure scoring (``careers.matching``) does the rest.
"""
from __future__ import annotations

import dataclasses
import datetime
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from badges.models import Achievement, Credential
from exams.models import Attempt
from lms import cache_versions
from lms.accounts.models import (
    AvailabilityPeriod, InternshipRecord, LanguageSkill, PortfolioItem, ProjectParticipation, SectorPreference,
    SoftwareSkill, Specialisation, StudentProfile, TargetRole, TechnicalSkill,
)
from partnerships import entitlements
from partnerships.models import CohortMembership, Employer, EnterpriseContract, Partnership, School, SchoolMember

from . import agreement_document, law, matching
from .models import (
    SIGNING_ORDER, Agreement, AgreementSignature, ApprenticePayRate, Application, CareerProfile, Kind, ConsentPart,
    ContactRequest, InternshipRate, LearningPath, Offer, PriorityPlacement, SchoolCalendar, SchoolPartnerEmployer, SchoolReferent, SmicRate, StoredMatch,
)
from .receivers import OFFERS_VERSION_KEY

CVTHEQUE_CODE = "cvtheque_access"
PRIORITY_OFFER_CODE = "priority_offer"
PRIORITY_DAYS = 30  # a priority offer's period: 30 days from the day it is bought
# The schools' "priority access to job offers" entitlement (Certified tier and above): their students see an offer
# from the day it is published; the others from PRIORITY_ACCESS_DAYS days later.
PRIORITY_ACCESS_DAYS = 7


def today() -> datetime.date:
    return timezone.localdate()


# --- French law's figures ------------------------------------------------------------------------------------------

def legal_rates() -> law.Rates:
    """The rate tables as plain values (3 queries)."""
    return law.Rates(
        internship=tuple(law.InternshipRate(r.valid_from, r.hourly_ceiling, r.percent, r.source)
                         for r in InternshipRate.objects.all()),
        smic=tuple(law.SmicRate(r.valid_from, r.hourly, r.monthly, r.source) for r in SmicRate.objects.all()),
        apprentice=tuple(law.ApprenticeRate(r.valid_from, r.age_from, r.age_to, r.contract_year, r.percent, r.source)
                         for r in ApprenticePayRate.objects.all()),
    )


def offer_terms(offer: Offer) -> law.OfferTerms:
    p = offer.programme if offer.programme_id else None
    return law.OfferTerms(
        kind=offer.kind, start=offer.start_date, end=offer.end_date, weekly_hours=offer.weekly_hours,
        pay_monthly=offer.pay_monthly, expires_on=offer.expires_on, contract_year=offer.contract_year,
        programme_name=p.name if p else "", programme_months=p.duration_months if p else 0,
        programme_floor=p.floor_monthly_pay if p else None,
    )


# --- contracts, entitlements, the certified-partner mark ----------------------------------------------------------

def contract_live(unit: str, quantity: Decimal, signed_on: datetime.date, day: datetime.date) -> bool:
    """A contract sold per year runs ``quantity`` years from its signature; any other one counts for the 12 months
    after it (a sale by the offer, the hire or the day makes the employer a client for a year)."""
    if signed_on > day:
        return False
    if unit == "year":
        months = int((Decimal(quantity) * 12).to_integral_value())
        return day < law.add_months(signed_on, max(months, 1))
    return day < law.add_months(signed_on, 12)


def _live_contracts(day: datetime.date, employer_ids=None, code: str | None = None) -> list[EnterpriseContract]:
    qs = EnterpriseContract.objects.select_related("item")
    if employer_ids is not None:
        qs = qs.filter(employer_id__in=employer_ids)
    if code:
        qs = qs.filter(item__code=code)
    return [c for c in qs if contract_live(c.item.unit, c.quantity, c.signed_on, day)]


def _live_school_partner_employers(day: datetime.date):
    live_schools = Partnership.objects.filter(status__in=Partnership.LIVE_STATUSES).values("school_id")
    return (SchoolPartnerEmployer.objects.filter(since__lte=day, school_id__in=live_schools)
            .filter(Q(until__isnull=True) | Q(until__gte=day)))


def certified_employer_ids(day: datetime.date | None = None) -> set[int]:
    """Employers with the "Partenaire École certifié" mark, from data only: a school with a live partnership
    marked them as its partner, or they hold a live contract with Flow Stage (2 queries)."""
    day = day or today()
    ids = set(_live_school_partner_employers(day).values_list("employer_id", flat=True))
    ids |= {c.employer_id for c in _live_contracts(day)}
    return ids


def certification_reasons(employer: Employer, day: datetime.date | None = None) -> dict:
    """Why an employer has the mark: the schools that marked it, its live contracts."""
    day = day or today()
    schools = list(_live_school_partner_employers(day).filter(employer=employer).select_related("school")
                   .values_list("school__name", flat=True))
    contracts = _live_contracts(day, [employer.pk])
    return {"certified": bool(schools or contracts), "schools": schools, "contracts": contracts}


def cv_database_access(employer: Employer, day: datetime.date | None = None) -> bool:
    """The CV database is open to an employer holding a live "Accès CVthèque étudiants" contract."""
    return bool(_live_contracts(day or today(), [employer.pk], CVTHEQUE_CODE))


def priority_credit(employer: Employer, day: datetime.date | None = None) -> list[dict]:
    """The employer's live priority-offer contracts with the placements used and left (2 queries)."""
    contracts = _live_contracts(day or today(), [employer.pk], PRIORITY_OFFER_CODE)
    used = dict(PriorityPlacement.objects.filter(contract__in=[c.pk for c in contracts]).values("contract_id")
                .annotate(n=Count("id")).values_list("contract_id", "n"))
    return [{"contract": c, "used": used.get(c.pk, 0), "left": max(int(c.quantity) - used.get(c.pk, 0), 0)}
            for c in contracts]


def employers_of(user):
    return Employer.objects.filter(members=user).order_by("name")


def is_employer_member(user, employer_id: int) -> bool:
    return Employer.objects.filter(pk=employer_id, members=user).exists()


# --- what a student may see ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """What offers a student (or school staff member) may see: every published offer, except those of
    certified-partner employers (the schools' internship database: the school's ``internship_database``
    entitlement), those of the Flow Stage apprenticeship programme (``apprenticeship_programme``), and, without the
    school's ``priority_job_access``, an offer published less than ``PRIORITY_ACCESS_DAYS`` days before ``day``
    (an ordinal; 0: no such rule, e.g. Flow Stage's staff)."""

    school: School | None
    internship_database: bool
    programme: bool
    certified: frozenset
    priority_jobs: bool = True
    day: int = 0

    def allows(self, o: matching.OfferFacts) -> bool:
        if o.programme and not self.programme:
            return False
        if self.embargoed(o):
            return False
        return self.internship_database or o.employer_id not in self.certified

    def embargoed(self, o: matching.OfferFacts) -> bool:
        """Published too recently for a student without priority access."""
        return bool(not self.priority_jobs and self.day and o.published
                    and self.day < o.published + PRIORITY_ACCESS_DAYS)

    def visible_on(self, o: matching.OfferFacts) -> datetime.date:
        return datetime.date.fromordinal(o.published + PRIORITY_ACCESS_DAYS)


def student_school(user):
    m = (CohortMembership.objects.filter(user=user).select_related("cohort__programme__school")
         .order_by("-cohort__graduation_year").first())
    return m.cohort.programme.school if m else None, m


def schools_for_staff(user):
    """The first school where the user is staff (school staff see their school's internship database)."""
    m = (SchoolMember.objects.filter(user=user, role=SchoolMember.Role.STAFF).select_related("school")
         .order_by("school__name").first())
    return m.school if m else None


def access_for(user, day: datetime.date | None = None, school=None) -> Access:
    day = day or today()
    if school is None:
        school, _m = student_school(user)
    codes = entitlements.school_entitlements(school) if school else set()
    return Access(school, entitlements.INTERNSHIP_DATABASE in codes, entitlements.APPRENTICESHIP_PROGRAMME in codes,
                  frozenset(certified_employer_ids(day)), entitlements.PRIORITY_JOB_ACCESS in codes, day.toordinal())


def published_ordinal(published_at) -> int:
    return timezone.localdate(published_at).toordinal() if published_at else 0


def live_offers_q(day: datetime.date) -> Q:
    return Q(status=Offer.Status.PUBLISHED, expires_on__gte=day)


# --- the live offers' facts, kept in each process's memory ---------------------------------------------------------

_SNAPSHOT_LOCK = threading.Lock()
_SNAPSHOT: dict = {"key": None, "offers": (), "by_rev": {}}


def live_offer_facts(day: datetime.date | None = None, request=None) -> tuple[matching.OfferFacts, ...]:
    """Every live offer's matching facts (published, not expired), parsed once per change of any offer. A warm call
    costs one read of the offers' version from the shared cache (none more when ``request`` already read it)."""
    day = day or today()
    key = (cache_versions.version(OFFERS_VERSION_KEY, request), day)
    snapshot = _SNAPSHOT
    if snapshot["key"] == key:
        return snapshot["offers"]
    with _SNAPSHOT_LOCK:
        if _SNAPSHOT["key"] == key:
            return _SNAPSHOT["offers"]
        previous = _SNAPSHOT["by_rev"]
        priorities = _priority_periods(day)
        by_rev, offers = {}, []
        rows = list(Offer.objects.filter(live_offers_q(day)).exclude(facts={})
                    .values_list("id", "updated_at", "published_at"))
        stale = [pk for pk, updated, _p in rows if (pk, updated) not in previous]
        fresh = dict(Offer.objects.filter(pk__in=stale).values_list("id", "facts")) if stale else {}
        for pk, updated, published_at in rows:
            parsed = previous.get((pk, updated))
            if parsed is None:
                parsed = dataclasses.replace(matching.offer_facts_from_json(fresh[pk]),
                                             published=published_ordinal(published_at))
            if parsed.priority != priorities.get(pk, ()):
                parsed = dataclasses.replace(parsed, priority=priorities.get(pk, ()))
            by_rev[(pk, updated)] = parsed
            offers.append(parsed)
        _SNAPSHOT.update(key=key, offers=tuple(offers), by_rev=by_rev)
        return _SNAPSHOT["offers"]


def _priority_periods(day: datetime.date) -> dict[int, tuple[int, int]]:
    out = {}
    for offer_id, start, end in (PriorityPlacement.objects.filter(starts_on__lte=day, ends_on__gte=day)
                                 .values_list("offer_id", "starts_on", "ends_on")):
        out[offer_id] = (start.toordinal(), end.toordinal())
    return out


def forget_live_offers() -> None:
    """Drop the process's parsed offers (tests, benchmarks)."""
    with _SNAPSHOT_LOCK:
        _SNAPSHOT.update(key=None, offers=(), by_rev={})


# --- the student's facts --------------------------------------------------------------------------------------------

def _by_profile(model, profile_ids, *fields):
    out = defaultdict(list)
    for row in model.objects.filter(profile_id__in=profile_ids).values_list("profile_id", *fields):
        out[row[0]].append(row[1:] if len(row) > 2 else row[1])
    return out


def _held_achievements(user_ids, now) -> dict[int, set[int]]:
    """Achievements each student holds: a valid (not revoked, not expired) credential, or a passed certification
    (its achievement) even before the badge is issued. 2 queries."""
    held = defaultdict(set)
    for uid, ach in (Credential.objects.filter(user_id__in=user_ids, revoked_at__isnull=True)
                     .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
                     .values_list("user_id", "achievement_id")):
        held[uid].add(ach)
    passed = (Attempt.objects.filter(user_id__in=user_ids, passed=True, exam__certification__isnull=False)
              .values_list("user_id", "exam__certification__badge_achievement"))
    for uid, ach in passed:
        if ach:
            held[uid].add(ach)
    return held


def student_facts_for(user_ids, day: datetime.date | None = None) -> dict[int, matching.StudentFacts]:
    """Matching facts of many students: one query per profile table (13), whatever their number. ``user_ids`` is a
    list (a chunk of the nightly recomputation) or a subquery of user ids."""
    day, now = day or today(), timezone.now()
    profiles = {p["user_id"]: p for p in StudentProfile.objects.filter(user_id__in=user_ids).values(
        "id", "user_id", "mobility", "salary_min")}
    pids = [p["id"] for p in profiles.values()]
    tech = _by_profile(TechnicalSkill, pids, "name", "level")
    soft = _by_profile(SoftwareSkill, pids, "software", "level")
    specs = _by_profile(Specialisation, pids, "name")
    roles = _by_profile(TargetRole, pids, "title")
    sectors = _by_profile(SectorPreference, pids, "sector")
    langs = _by_profile(LanguageSkill, pids, "language", "level")
    avail = _by_profile(AvailabilityPeriod, pids, "start", "end")
    domains = {}
    for uid, domain in (CohortMembership.objects.filter(user_id__in=user_ids)
                        .order_by("user_id", "cohort__graduation_year")
                        .values_list("user_id", "cohort__programme__domain")):
        domains[uid] = domain  # the latest cohort wins
    careers = {c.user_id: c for c in CareerProfile.objects.filter(user_id__in=user_ids)}
    held = _held_achievements(user_ids, now)
    out = {}
    uids = set(profiles) | set(careers) | set(held) | set(domains)
    for uid in uids:
        p = profiles.get(uid) or {"id": None, "mobility": "", "salary_min": None}
        pid = p["id"]
        skills = {}
        for name, level in tech.get(pid, []) + soft.get(pid, []):
            key = matching.normalise(name)
            skills[key] = max(skills.get(key, 0), int(level))
        role_titles = tuple(roles.get(pid, []))
        cp = careers.get(uid)
        out[uid] = matching.StudentFacts(
            user_id=uid, skills=skills,
            fields=matching.fields_of(specs.get(pid, []) + list(role_titles), domains.get(uid, "")),
            sectors=frozenset(sectors.get(pid, [])),
            target_roles=tuple(matching.tokens(t) for t in role_titles), target_role_titles=role_titles,
            languages={matching.language_key(name): matching.CEFR_RANK.get(level, 0)
                       for name, level in langs.get(pid, [])},
            credentials=frozenset(held.get(uid, ())),
            availability=matching.merge_periods(a for a in avail.get(pid, []) if a[1] >= day),
            postcode=cp.postcode if cp else "", country=(cp.country if cp else "FR") or "FR",
            mobility=p["mobility"] or "", salary_min=p["salary_min"],
            kinds=frozenset(cp.kinds) if cp else frozenset(), genres=frozenset(cp.genres) if cp else frozenset(),
            venue_sizes=frozenset(cp.venue_sizes) if cp else frozenset(),
        )
    return out


def student_facts(user, day: datetime.date | None = None) -> matching.StudentFacts:
    return student_facts_for([user.pk], day).get(user.pk) or matching.StudentFacts(user_id=user.pk)


# --- the student's ranking ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    kind: str = ""
    field: str = ""
    starts_after: datetime.date | None = None
    ends_before: datetime.date | None = None
    place: str = ""  # a postcode or department prefix, or words of the city
    mobility_only: bool = False
    show_all: bool = False  # every visible offer, not only the matches

    def keep(self, o: matching.OfferFacts, student: matching.StudentFacts) -> bool:
        if self.kind and o.kind != self.kind:
            return False
        if self.field and o.field != self.field:
            return False
        if self.starts_after and o.start < self.starts_after.toordinal():
            return False
        if self.ends_before and o.end > self.ends_before.toordinal():
            return False
        if self.place:
            wanted = matching.normalise(self.place)
            if wanted.isdigit():
                if not o.postcode.startswith(wanted):
                    return False
            elif wanted not in matching.normalise(o.city):
                return False
        if self.mobility_only:
            zone = matching.geo.smallest_zone(student.postcode, student.country, o.postcode, o.country)
            if zone is None or not matching.geo.within(student.mobility, zone):
                return False
        return True


@dataclass
class Ranking:
    student: matching.StudentFacts
    rows: list  # matching.Ranked, in order
    matches: int  # visible offers that match (the page's "N disponibles")
    visible: int  # visible live offers before the filters
    access: Access | None = None
    embargoed: int = 0  # offers published too recently for a student whose school lacks priority access


def ranking(user, filters: Filters | None = None, day: datetime.date | None = None, request=None) -> Ranking:
    """The student's ranked offers among those they may see: matches only unless ``filters.show_all``."""
    day, filters = day or today(), filters or Filters()
    student = student_facts(user, day)
    access = access_for(user, day)
    live = live_offer_facts(day, request)
    visible = [o for o in live if access.allows(o)]
    embargoed = 0
    if not access.priority_jobs:
        entitled = dataclasses.replace(access, priority_jobs=True)
        embargoed = sum(1 for o in live if access.embargoed(o) and entitled.allows(o))
    ranked_all = matching.rank(student, visible, day)
    matches = sum(1 for r in ranked_all if not r.excluded and r.score >= matching.MATCH_THRESHOLD)
    rows = [r for r in ranked_all if filters.keep(r.offer, student)
            and (filters.show_all or (not r.excluded and r.score >= matching.MATCH_THRESHOLD))]
    return Ranking(student, rows, matches, len(visible), access, embargoed)


def offers_by_id(ids) -> dict[int, Offer]:
    """Offers with their employer and programme, for cards (1 query)."""
    return {o.pk: o for o in Offer.objects.filter(pk__in=list(ids)).select_related("employer", "programme")}


def can_see_offer(user, offer: Offer, access: Access | None = None, day: datetime.date | None = None) -> bool:
    """A student may open a live offer they are allowed to see; the offer's employer staff and Flow Stage staff
    always; an offer's page stays visible to a student who applied to it, even once closed."""
    from lms.accounts import roles

    if roles.has_role(user, roles.FLOWSTAGE_STAFF) or is_employer_member(user, offer.employer_id):
        return True
    if Application.objects.filter(offer=offer, student=user).exists():
        return True
    day = day or today()
    if offer.status != Offer.Status.PUBLISHED or offer.expires_on < day:
        return False
    if access is None:
        school = None
        if not roles.has_role(user, roles.STUDENT):
            school = schools_for_staff(user)
            if school is None:
                return False
        access = access_for(user, day, school=school)
    facts = offer_facts_of(offer)
    return facts is not None and access.allows(facts)


def offer_facts_of(offer: Offer) -> matching.OfferFacts | None:
    if not offer.facts:
        return None
    return dataclasses.replace(matching.offer_facts_from_json(offer.facts),
                               published=published_ordinal(offer.published_at))


def embargo_of(user, offer: Offer, day: datetime.date | None = None) -> datetime.date | None:
    """The day a live offer becomes visible to this student when only their school's missing priority access hides
    it today (None otherwise)."""
    from lms.accounts import roles

    day = day or today()
    if not roles.has_role(user, roles.STUDENT):  # the window is the students'; others see or not for other reasons
        return None
    facts = offer_facts_of(offer)
    if facts is None or offer.status != Offer.Status.PUBLISHED or offer.expires_on < day:
        return None
    access = access_for(user, day)
    if not access.embargoed(facts) or not dataclasses.replace(access, priority_jobs=True).allows(facts):
        return None
    return access.visible_on(facts)


# --- one offer, explained -----------------------------------------------------------------------------------------

def learning_links(improvements) -> dict[str, dict]:
    """For each improvement, the course or certification that leads there (2 queries)."""
    links: dict[str, dict] = {}
    skill_keys = {i.key for i in improvements if i.kind == "skill"}
    if skill_keys:
        for path in LearningPath.objects.select_related("course", "certification"):
            key = matching.normalise(path.skill)
            if key in skill_keys:
                links[f"skill:{key}"] = {"course": path.course, "certification": path.certification}
    ach_ids = [int(i.key) for i in improvements if i.kind == "credential"]
    if ach_ids:
        for ach in Achievement.objects.filter(pk__in=ach_ids).select_related("certification__preparation_course"):
            cert = getattr(ach, "certification", None)
            links[f"credential:{ach.pk}"] = {"certification": cert,
                                             "course": cert.preparation_course if cert else None}
    return links


def explain_offer(user, offer: Offer, lang: str, student: matching.StudentFacts | None = None):
    student = student or student_facts(user)
    facts = matching.offer_facts_from_json(offer.facts)
    return matching.explain(student, facts, lang)


def legal_panel(offer: Offer, user=None, rates: law.Rates | None = None) -> dict:
    """What French law says about this offer, with the figures: an internship's hours of presence and minimum
    gratification; an apprenticeship's grid for its contract year and, for a student who gave their date of birth,
    their own minimum."""
    rates = rates or legal_rates()
    out = {"kind": offer.kind}
    if offer.kind == Kind.INTERNSHIP:
        out["internship"] = law.internship_terms(offer.start_date, offer.end_date, offer.weekly_hours, rates)
        return out
    out["grid"] = law.apprentice_grid(offer.contract_year, offer.start_date, offer.end_date, offer.weekly_hours, rates)
    if user is not None:
        cp = CareerProfile.objects.filter(user=user).only("birth_date").first()
        if cp and cp.birth_date:
            age = law.age_on(cp.birth_date, offer.start_date)
            minimum = law.apprentice_minimum(age, offer.contract_year, offer.start_date, offer.end_date,
                                             offer.weekly_hours, rates)
            out["mine"] = {"age": age, "minimum": minimum, "pay": law.apprentice_pay_for(offer.pay_monthly, minimum)}
    return out


def rhythm_panel(offer: Offer, school) -> dict | None:
    """An apprenticeship's rhythm by the student's school calendar: school weekdays and days over the contract."""
    if offer.kind != "apprenticeship" or school is None:
        return None
    from . import rhythm

    cal = (SchoolCalendar.objects.filter(school=school, valid_from__lte=offer.start_date,
                                         valid_until__gte=offer.start_date).prefetch_related("days").first())
    programme = offer.programme
    if cal is None:
        return {"school": school, "calendar": None, "programme": programme}
    calendar = cal.as_calendar()
    end = min(offer.end_date, cal.valid_until)
    return {"school": school, "calendar": cal, "programme": programme, "weekdays": sorted(calendar.school_weekdays),
            "split": rhythm.split(calendar, offer.start_date, end), "until": end}


# --- applications -------------------------------------------------------------------------------------------------

def applications_of(user):
    return list(Application.objects.filter(student=user).select_related("offer__employer").order_by("-created_at"))


def application_of_student(user, application_id: int) -> Application | None:
    """The student's own application, or None (another student's is never found)."""
    return (Application.objects.select_related("offer__employer", "offer__programme")
            .filter(pk=application_id, student=user).first())


def application_for_employer(user, application_id: int) -> Application | None:
    """An application to one of the user's employers' offers, or None."""
    return (Application.objects.select_related("offer__employer", "student")
            .filter(pk=application_id, offer__employer__members=user).first())


def offer_for_employer(user, offer_id: int) -> Offer | None:
    return (Offer.objects.select_related("employer", "programme").filter(pk=offer_id, employer__members=user)
            .first())


def employer_offers(employer: Employer) -> list[Offer]:
    return list(employer.offers.select_related("programme").annotate(
        n_applications=Count("applications", filter=~Q(applications__status="withdrawn")),
        n_pending=Count("applications", filter=Q(applications__status__in=Application.PENDING)),
        n_accepted=Count("applications", filter=Q(applications__status="accepted")),
    ).order_by("-created_at"))


def shared_profiles(parts_by_user: dict[int, set[str]]) -> dict[int, dict]:
    """What each student consented to show, read in one query per table whatever the number of students."""
    uids = [uid for uid, parts in parts_by_user.items() if parts]
    profiles = {p.user_id: p for p in StudentProfile.objects.filter(user_id__in=uids)}

    def rows(model, part, order=("id",)):
        wanted = [profiles[u].pk for u in uids if part in parts_by_user[u] and u in profiles]
        out = defaultdict(list)
        if wanted:
            for r in model.objects.filter(profile_id__in=wanted).order_by(*order):
                out[r.profile_id].append(r)
        return out

    tech = rows(TechnicalSkill, ConsentPart.SKILLS, ("-level", "name"))
    soft = rows(SoftwareSkill, ConsentPart.SKILLS, ("-level", "software"))
    portfolio = rows(PortfolioItem, ConsentPart.PORTFOLIO, ("-year", "id"))
    internships = rows(InternshipRecord, ConsentPart.EXPERIENCE, ("-start",))
    projects = rows(ProjectParticipation, ConsentPart.EXPERIENCE, ("-year",))
    roles = rows(TargetRole, ConsentPart.CAREER)
    sectors = rows(SectorPreference, ConsentPart.CAREER)
    avail = rows(AvailabilityPeriod, ConsentPart.CAREER, ("start",))
    academic_users = [u for u in uids if ConsentPart.ACADEMIC in parts_by_user[u]]
    cohorts = {}
    for m in (CohortMembership.objects.filter(user_id__in=academic_users).select_related("cohort__programme__school")
              .order_by("cohort__graduation_year")):
        cohorts[m.user_id] = m.cohort
    out = {}
    for uid in uids:
        parts, p = parts_by_user[uid], profiles.get(uid)
        pid = p.pk if p else None
        out[uid] = {
            "parts": parts, "profile": p,
            "cohort": cohorts.get(uid) if ConsentPart.ACADEMIC in parts else None,
            "technical": tech.get(pid, []), "software": soft.get(pid, []), "portfolio": portfolio.get(pid, []),
            "internships": internships.get(pid, []), "projects": projects.get(pid, []),
            "roles": roles.get(pid, []), "sectors": sectors.get(pid, []), "availability": avail.get(pid, []),
        }
    return out


def verified_badges(user_ids) -> dict[int, list[dict]]:
    """Each student's credentials, each checked by the platform's verifier on its stored signed document (the
    verdict VALID / REVOKED / EXPIRED / INVALID as an employer verifying it would get). 1 query + the checks."""
    from badges.resolver import verify

    out = defaultdict(list)
    for cred in (Credential.objects.filter(user_id__in=list(user_ids), superseded_at__isnull=True)
                 .select_related("achievement")
                 .order_by("-issued_at")):
        report = verify(cred.signed_json)
        out[cred.user_id].append({"credential": cred, "name": cred.achievement.text("name"),
                                  "verdict": report.verdict, "reason": report.message})
    return out


@dataclass
class Applicant:
    application: Application
    explanation: matching.Explanation | None
    shared: dict = field(default_factory=dict)
    badges: list = field(default_factory=list)
    minimum: law.ApprenticeMinimum | None = None


# Which component of the explanation rests on which consented part: the employer sees a component's sentences only
# when the student shared the part they describe (the percentage is always shown).
COMPONENT_PARTS = {"skills": ConsentPart.SKILLS, "availability": ConsentPart.CAREER, "field": ConsentPart.CAREER,
                   "location": ConsentPart.CAREER, "credentials": ConsentPart.BADGES, "languages": ConsentPart.SKILLS,
                   "pay": ConsentPart.CAREER, "preferences": ConsentPart.CAREER}


def applicants(offer: Offer, lang: str, statuses=None) -> list[Applicant]:
    """The applications to an offer with each candidate's score explained (live facts), the profile parts they
    consented to and their badges checked by the verifier. Bounded: the same queries for 1 or 100 applicants."""
    qs = offer.applications.select_related("student").order_by("-score", "created_at")
    if statuses:
        qs = qs.filter(status__in=statuses)
    apps = list(qs)
    if not apps:
        return []
    uids = [a.student_id for a in apps]
    facts = student_facts_for(uids)
    offer_facts = matching.offer_facts_from_json(offer.facts)
    parts = {a.student_id: a.visible_parts() for a in apps}
    shared = shared_profiles(parts)
    badge_users = [u for u, p in parts.items() if ConsentPart.BADGES in p]
    badges = verified_badges(badge_users) if badge_users else {}
    minimums = {}
    if offer.kind == "apprenticeship":
        rates = legal_rates()
        births = dict(CareerProfile.objects.filter(user_id__in=uids, birth_date__isnull=False)
                      .values_list("user_id", "birth_date"))
        for uid, born in births.items():
            minimums[uid] = law.apprentice_minimum(law.age_on(born, offer.start_date), offer.contract_year,
                                                   offer.start_date, offer.end_date, offer.weekly_hours, rates)
    out = []
    for a in apps:
        student = facts.get(a.student_id) or matching.StudentFacts(user_id=a.student_id)
        explanation = matching.explain(student, offer_facts, lang, improvements=False, employer=True)
        out.append(Applicant(a, explanation, shared.get(a.student_id, {"parts": set()}),
                             badges.get(a.student_id, []), minimums.get(a.student_id)))
    return out


# --- the CV database ------------------------------------------------------------------------------------------------

def cv_database(filters: Filters | None = None, field_code: str = "", skill: str = "", limit: int = 100):
    """Students who made their profile visible to employers, with the parts they chose (bounded queries)."""
    qs = CareerProfile.objects.filter(cv_visible=True, user__is_active=True).select_related("user")
    cps = list(qs.order_by("-cv_visible_since")[:1000])
    facts = student_facts_for([c.user_id for c in cps])
    wanted_skill = matching.normalise(skill)
    keep = []
    for c in cps:
        f = facts.get(c.user_id)
        if f is None:
            continue
        if field_code and field_code not in f.fields:
            continue
        if wanted_skill and not any(wanted_skill in k for k in f.skills):
            continue
        keep.append(c)
        if len(keep) >= limit:
            break
    shared = shared_profiles({c.user_id: set(c.cv_parts) for c in keep})
    return [{"career": c, "user": c.user, "shared": shared.get(c.user_id, {"parts": set()}),
             "facts": facts.get(c.user_id)} for c in keep]


# --- schools ----------------------------------------------------------------------------------------------------

def referents_of(school) -> list:
    """Who receives "Contacter l'école": the school's referent, else its staff members."""
    ref = SchoolReferent.objects.filter(school=school).select_related("user").first()
    if ref is not None:
        return [ref.user]
    return [m.user for m in SchoolMember.objects.filter(school=school, role=SchoolMember.Role.STAFF)
            .select_related("user").order_by("user__email")]


def school_careers(school: School, limit: int = 50) -> dict:
    """The school's students' applications and placements, for its dashboard (5 queries, the students as a
    subquery)."""
    students = CohortMembership.objects.filter(cohort__programme__school=school).values("user_id")
    apps = Application.objects.filter(student_id__in=students)
    counts = dict(apps.values("status").annotate(n=Count("id")).values_list("status", "n"))
    recent = list(apps.select_related("student", "offer__employer").order_by("-updated_at")[:limit])
    placements = list(apps.filter(status=Application.Status.ACCEPTED)
                      .select_related("student", "offer__employer", "agreement").order_by("-offer__start_date")[:limit])
    contacts = list(ContactRequest.objects.filter(school=school).select_related("student", "offer__employer")
                    .order_by("-created_at")[:20])
    applicants = apps.values("student_id").distinct().count()
    return {"counts": counts, "total": sum(counts.values()), "recent": recent, "placements": placements,
            "placed": counts.get(Application.Status.ACCEPTED, 0), "contacts": contacts, "applicants": applicants,
            "pending": sum(counts.get(s, 0) for s in Application.PENDING)}


# --- the student dashboard's block ---------------------------------------------------------------------------------

def dashboard_block(user, lang: str, request=None, limit: int = 3) -> dict:
    """The three best matches (from the nightly recomputation, or computed now when there is none yet) and the
    student's applications by status."""
    stored = list(StoredMatch.objects.filter(student=user, offer__status=Offer.Status.PUBLISHED,
                                             offer__expires_on__gte=today())
                  .select_related("offer__employer").order_by("rank")[:limit])
    if stored:
        top = [{"offer": m.offer, "score": m.score} for m in stored]
        matches = None
    else:
        r = ranking(user, request=request)
        offers = offers_by_id(x.offer.id for x in r.rows[:limit])
        top = [{"offer": offers[x.offer.id], "score": x.score} for x in r.rows[:limit] if x.offer.id in offers]
        matches = r.matches
    counts = dict(Application.objects.filter(student=user).values("status").annotate(n=Count("id"))
                  .values_list("status", "n"))
    return {"top": top, "matches": matches, "counts": counts, "agreements": student_agreements(user),
            "pending": sum(counts.get(s, 0) for s in Application.PENDING),
            "accepted": counts.get(Application.Status.ACCEPTED, 0)}


# --- agreements ---------------------------------------------------------------------------------------------------

_AGREEMENT_RELATED = ("application__offer__employer", "application__offer__programme", "application__student",
                      "school", "referent")


def agreements_q(user) -> Q:
    """The agreements ``user`` is a party to: their own (student), their employers' (host staff), their schools'
    (school staff) and those they are the referent of."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return (Q(application__student=user) | Q(application__offer__employer__members=user)
            | Q(school__in=SchoolMember.objects.filter(user=user, role=SchoolMember.Role.STAFF).values("school_id"))
            | Q(referent=user))


def agreements_for(user) -> list[Agreement]:
    return list(Agreement.objects.filter(agreements_q(user)).select_related(*_AGREEMENT_RELATED).distinct()
                .order_by("-created_at"))


def agreement_for(user, agreement_id: int) -> Agreement | None:
    """The agreement if ``user`` is a party to it, else None (another agreement is never found)."""
    return (Agreement.objects.filter(agreements_q(user), pk=agreement_id).select_related(*_AGREEMENT_RELATED)
            .distinct().first())


def agreement_of_application(application_id: int) -> Agreement | None:
    return Agreement.objects.filter(application_id=application_id).first()


def live_signatures(agreement: Agreement) -> dict[str, AgreementSignature]:
    return {s.party: s for s in agreement.signatures.filter(voided_at__isnull=True).select_related("signer")}


def next_party(signed) -> str | None:
    return next((p for p in SIGNING_ORDER if p not in signed), None)


def agreement_pay_panel(agreement: Agreement) -> dict:
    """The legal minimum the agreement's pay is checked against, with its figures (as the offer page shows)."""
    rates = legal_rates()
    if agreement.kind == Kind.INTERNSHIP:
        terms = law.internship_terms(agreement.start_date, agreement.end_date, agreement.weekly_hours, rates)
        return {"kind": "internship", "terms": terms, "monthly_hours": law.cents(law.monthly_hours(
            agreement.weekly_hours))}
    born = (CareerProfile.objects.filter(user_id=agreement.application.student_id)
            .values_list("birth_date", flat=True).first())
    age = law.age_on(born, agreement.start_date) if born else law.POSTING_REFERENCE_AGE
    return {"kind": "apprenticeship", "age_known": born is not None, "minimum": law.apprentice_minimum(
        age, agreement.contract_year, agreement.start_date, agreement.end_date, agreement.weekly_hours, rates)}


def agreement_check(document_hash: str) -> dict:
    """What the public check page says of a document hash: ``signed`` (the three parties signed exactly this
    document, with who and when), ``replaced`` (signatures were given on it, then voided by a change) or ``unknown``."""
    document_hash = (document_hash or "").strip().lower()
    if not agreement_document.is_digest(document_hash):
        return {"verdict": "unknown", "hash": document_hash}
    sigs = list(AgreementSignature.objects.filter(document_hash=document_hash)
                .select_related("agreement__application__offer__employer", "agreement__school")
                .order_by("signed_at", "id"))
    live = [s for s in sigs if s.voided_at is None]
    if len({s.party for s in live}) == len(SIGNING_ORDER):
        by_party = {s.party: s for s in live}
        return {"verdict": "signed", "hash": document_hash, "agreement": live[0].agreement,
                "signatures": [by_party[p] for p in SIGNING_ORDER], "signed_on": by_party[SIGNING_ORDER[-1]].signed_at}
    if sigs:
        return {"verdict": "replaced" if any(s.voided_at for s in sigs) else "incomplete", "hash": document_hash,
                "voided_at": max((s.voided_at for s in sigs if s.voided_at), default=None)}
    return {"verdict": "unknown", "hash": document_hash}


def school_staff(school) -> list:
    """Who may be an agreement's referent teacher: the school's staff members."""
    return [m.user for m in SchoolMember.objects.filter(school=school, role=SchoolMember.Role.STAFF)
            .select_related("user").order_by("user__email")]


# --- Final report and credits ---------------------------------------------------------------------------------------

def completed_internship_periods(user) -> list[tuple]:
    """(start, end) of the user's internships and apprenticeships whose final report is co-signed: verified
    experience (the readiness score counts it beside the periods the student declares). One query."""
    from .models import FinalReport

    return list(Agreement.objects.filter(application__student=user, reports__status=FinalReport.Status.LOCKED)
                .exclude(status=Agreement.Status.CANCELLED).distinct().values_list("start_date", "end_date"))


# Follow-up during the internship --------------------------------------------------------------------------------

def followup_role(user, agreement: Agreement) -> str | None:
    """Who reads an agreement's follow-up page: the student, the referent teacher, the staff of the student's school
    ("student", "referent", "staff"); None for anybody else (the host's staff evaluate, they do not read it)."""
    if not user.is_authenticated:
        return None
    if agreement.application.student_id == user.pk:
        return "student"
    if agreement.referent_id == user.pk:
        return "referent"
    if SchoolMember.objects.filter(school_id=agreement.school_id, user=user, role=SchoolMember.Role.STAFF).exists():
        return "staff"
    return None


def followup(agreement: Agreement, day: datetime.date | None = None) -> dict:
    """The follow-up page, all computed from records in four queries whatever the number of contacts, reminders or
    snapshots: the mid-term evaluation (objectives met n/N from it), its call requests, the contacts the student met
    during the internship, and the job-readiness score with its change since 1 September."""
    from lms.accounts.models import ReadinessSnapshot

    from . import followup_rules as rules
    from .models import MidtermEvaluation, ProfessionalContact

    day = day or today()
    student_id = agreement.application.student_id
    evaluation = (MidtermEvaluation.objects.filter(agreement=agreement).select_related("submitted_by")
                  .first())
    calls = list(evaluation.call_requests.select_related("requested_by")) if evaluation else []
    contacts = list(ProfessionalContact.objects.filter(student_id=student_id, met_on__gte=agreement.start_date,
                                                       met_on__lte=min(agreement.end_date, day)))
    snapshots = ReadinessSnapshot.objects.filter(user_id=student_id).values_list("month", "score")
    total = len(agreement.objectives)
    submitted = evaluation is not None and evaluation.status == MidtermEvaluation.Status.SUBMITTED
    met = rules.objectives_met([r.get("rating") for r in evaluation.ratings], total) if submitted else None
    midpoint = rules.midpoint(agreement.start_date, agreement.end_date)
    span = max((agreement.end_date - agreement.start_date).days, 1)
    elapsed = min(max((day - agreement.start_date).days, 0), span)
    return {
        "evaluation": evaluation, "submitted": submitted, "rows": evaluation.rows() if evaluation else [],
        "calls": calls, "met": met, "objectives_total": total, "midpoint": midpoint,
        "progress": round(100 * elapsed / span), "started": day >= agreement.start_date,
        "ended": day > agreement.end_date, "contacts": contacts,
        "readiness": _with_signed_change(rules.readiness_change(list(snapshots), day)),
    }


def _with_signed_change(readiness: dict | None) -> dict | None:
    """The change as the brief writes it ("+45"), rounded for display only."""
    from decimal import ROUND_HALF_UP

    if readiness is None or readiness["change"] is None:
        return readiness
    rounded = readiness["change"].quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    text = f"+{rounded}" if rounded > 0 else ("0" if rounded == 0 else f"−{-rounded}")
    return {**readiness, "signed_change": text}


def pending_evaluations(employer) -> list:
    """The mid-term evaluations the host organisation's tutors have to fill in (its employer pages)."""
    from .models import MidtermEvaluation

    return list(MidtermEvaluation.objects.filter(status=MidtermEvaluation.Status.PENDING,
                                                 agreement__status=Agreement.Status.SIGNED,
                                                 agreement__application__offer__employer=employer)
                .select_related("agreement__application__student", "agreement__application__offer")
                .order_by("due_on"))


def student_agreements(user) -> list[Agreement]:
    """The student's agreements (signed or awaiting signatures) for their dashboard, with the links to follow-up."""
    return list(Agreement.objects.filter(application__student=user).exclude(status=Agreement.Status.CANCELLED)
                .select_related("application__offer__employer").order_by("-start_date")[:5])


def contacts_of(user) -> list:
    from .models import ProfessionalContact

    return list(ProfessionalContact.objects.filter(student=user))


def profile_contacts(user_id: int) -> list:
    """The contacts the student added to the connections shown on their profile."""
    from .models import ProfessionalContact

    return list(ProfessionalContact.objects.filter(student_id=user_id, on_profile=True).order_by("name"))

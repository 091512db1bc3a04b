"""Placement reads of the dashboards (school and Flow Stage): a fixed number of queries whatever the number of
students, outcomes or answers; the figures themselves are computed by the pure ``careers.outcomes``."""
from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from careers import outcomes as figures
from careers.models import Agreement, Outcome, SatisfactionAnswer
from partnerships import entitlements
from partnerships.models import BusinessProjection, Cohort, CohortMembership, Employer, ServiceRequest


def _outcome_facts(qs):
    return [figures.OutcomeFact(s, stage, status, started, employer, agreement) for s, stage, status, started,
            employer, agreement in qs.values_list("student_id", "stage", "status", "started_on", "employer_id",
                                                  "agreement_id")]


def _placement_facts(qs):
    return [figures.PlacementFact(pk, student, employer, start, end) for pk, student, employer, start, end in
            qs.values_list("pk", "application__student_id", "application__offer__employer_id", "start_date",
                           "end_date")]


def service_counts(school=None) -> dict[str, int]:
    qs = ServiceRequest.objects.all() if school is None else ServiceRequest.objects.filter(school=school)
    counts = dict(qs.values("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: counts.get(s, 0) for s in ServiceRequest.Status.values}


def school_placement(school, today: datetime.date | None = None) -> dict:
    """Placement by cohort for the school dashboard (6 queries). Without the "placement_statistics" entitlement only
    the entitlement check runs (the figures are not computed)."""
    today = today or timezone.localdate()
    allowed = entitlements.school_has(school, entitlements.PLACEMENT_STATISTICS)
    services = service_counts(school)
    if not allowed:
        return {"allowed": False, "services": services}
    cohorts = list(Cohort.objects.filter(programme__school=school).select_related("programme")
                   .order_by("-graduation_year", "programme__name"))
    members = list(CohortMembership.objects.filter(cohort__programme__school=school)
                   .values_list("cohort_id", "user_id"))
    students = CohortMembership.objects.filter(cohort__programme__school=school).values("user_id")
    placements = _placement_facts(Agreement.objects.filter(status=Agreement.Status.SIGNED,
                                                           application__student_id__in=students))
    outs = _outcome_facts(Outcome.objects.filter(student_id__in=students))
    rows = figures.by_cohort([(c.pk, c.graduated_on) for c in cohorts], members, placements, outs, today)
    by_id = {c.pk: c for c in cohorts}
    for r in rows:
        r.cohort = by_id[r.cohort_id]
    graduates = [figures.GraduateFact(u, c, by_id[c].graduated_on) for c, u in members]
    states = figures.placements_by_state(placements, today)
    return {
        "allowed": True, "rows": rows, "states": states, "services": services,
        "conversion": figures.conversion(placements, outs, today),
        "employment": figures.employment_within_six_months(graduates, outs, today),
        "breakdown": figures.outcome_breakdown(graduates, outs, today),
    }


def flowstage_placement(today: datetime.date | None = None) -> dict:
    """The brief's §7 placement figures over every school (7 queries)."""
    today = today or timezone.localdate()
    members = list(CohortMembership.objects.values_list("cohort_id", "user_id", "cohort__graduation_date",
                                                        "cohort__graduation_year", "user__last_login"))
    graduates = []
    for cohort_id, user_id, date, year, last_login in members:
        graduated_on = date or datetime.date(year, 6, 30)
        if graduated_on <= today:
            graduates.append(figures.GraduateFact(user_id, cohort_id, graduated_on,
                                                  timezone.localdate(last_login) if last_login else None))
    placements = _placement_facts(Agreement.objects.filter(status=Agreement.Status.SIGNED))
    outs = _outcome_facts(Outcome.objects.all())
    partner_ids = set(Employer.objects.values_list("pk", flat=True))
    projection = BusinessProjection.objects.filter(year=today.year).first()
    answers = list(SatisfactionAnswer.objects.values_list("subject", "score"))
    modules = figures.nps(s for subject, s in answers if subject == SatisfactionAnswer.Subject.MODULE)
    internships = figures.nps(s for subject, s in answers if subject == SatisfactionAnswer.Subject.INTERNSHIP)
    recruiting = figures.recruiting_employers(outs, partner_ids, today.year)
    return {
        "employment": figures.employment_within_six_months(graduates, outs, today),
        "conversion": figures.conversion(placements, outs, today),
        "states": figures.placements_by_state(placements, today),
        "recruiting": len(recruiting), "recruiting_target": projection.recruiting_companies if projection else None,
        "recruiting_ratio": figures.rate(len(recruiting), projection.recruiting_companies)
        if projection and projection.recruiting_companies else None,
        "partner_employers": len(partner_ids), "year": today.year,
        "nps_all": figures.nps(s for _subject, s in answers), "nps_modules": modules, "nps_internships": internships,
        "retention": figures.alumni_retention(graduates, today), "retention_days": figures.RETENTION_DAYS,
        "services": service_counts(),
    }

"""Reads of the dashboards: a bounded number of queries whatever the number of students.

The cross-app selectors are called once each, with the school's students as a subquery.
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from badges import selectors as badges_selectors
from courses import selectors as courses_selectors
from exams import selectors as exams_selectors
from partnerships.models import (
    BusinessProjection, Cohort, CohortMembership, EnterpriseContract, Invoice, Partnership,
    PartnershipTransition, PriceItem, School, Tier,
)

from . import metrics

ZERO = Decimal("0")
CERTIFICATION_PRICE_CODE = "student_certification"
CONTINUING_PRICE_CODE = "continuing_module"


# --- school dashboard --------------------------------------------------------------------------------

def school_dashboard(school: School, now=None) -> dict:
    """Every cohort of the school with its students' rows and aggregates, plus the school's aggregates."""
    now = now or timezone.now()
    cohorts = list(Cohort.objects.filter(programme__school=school).select_related("programme")
                   .order_by("-graduation_year", "programme__name"))
    memberships = list(
        CohortMembership.objects.filter(cohort__programme__school=school)
        .values_list("cohort_id", "user_id", "user__first_name", "user__last_name", "user__display_name", "user__email")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    # the school's students as a subquery: nothing grows client-side with their number
    students = CohortMembership.objects.filter(cohort__programme__school=school).values_list("user_id", flat=True)
    progress = courses_selectors.progress_by_user(students)
    results = exams_selectors.results_by_user(students)
    creds = badges_selectors.credentials_by_user(students)
    rows_by_cohort = defaultdict(list)
    for cohort_id, uid, first, last, display, email in memberships:
        name = display or f"{first} {last}".strip() or email.split("@")[0]
        rows_by_cohort[cohort_id].append(metrics.student_row(
            uid, name, email, cohort_id, progress.get(uid), results.get(uid), creds.get(uid), now))
    blocks = []
    all_rows = []
    for cohort in cohorts:
        rows = rows_by_cohort.get(cohort.pk, [])
        all_rows.extend(rows)
        blocks.append({"cohort": cohort, "rows": rows, "aggregates": metrics.aggregate(rows),
                       "components": metrics.component_columns(rows)})
    return {"school": school, "cohorts": blocks, "aggregates": metrics.aggregate(all_rows), "rows": all_rows,
            "distribution": metrics.progress_distribution(all_rows)}


# --- Flow Stage KPIs -----------------------------------------------------------------------------------

def _price(code, default):
    item = PriceItem.objects.filter(code=code).only("unit_price").first()
    return item.unit_price if item else Decimal(default)


def flowstage_kpis(today: date | None = None) -> dict:
    today = today or timezone.localdate()
    live = Partnership.objects.filter(status__in=Partnership.LIVE_STATUSES)
    partner_ids = set(live.values_list("school_id", flat=True))
    tiers = list(Tier.objects.order_by("rank"))
    by_tier = dict(live.values("tier_id").annotate(n=Count("school", distinct=True)).values_list("tier_id", "n"))
    status_counts = dict(Partnership.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    active_students = (CohortMembership.objects.filter(cohort__programme__school_id__in=partner_ids, user__is_active=True)
                       .values("user_id").distinct().count())
    running = courses_selectors.schools_running_modules()
    adoption = metrics.rate(len(set(running) & partner_ids), len(partner_ids))

    # renewal rate: decisions taken on partnerships that came up for renewal
    decisions = defaultdict(lambda: {"renewed": 0, "lapsed": 0})
    for to_status, year, n in (PartnershipTransition.objects.filter(
            from_status=Partnership.Status.RENEWAL_DUE, to_status__in=[Partnership.Status.RENEWED, Partnership.Status.LAPSED])
            .annotate(y=ExtractYear("on")).values("to_status", "y").annotate(n=Count("id")).values_list("to_status", "y", "n")):
        decisions[year][to_status] += n
    renewed = sum(d["renewed"] for d in decisions.values())
    lapsed = sum(d["lapsed"] for d in decisions.values())

    certs_by_year = exams_selectors.certifications_passed_by_year()
    regs_by_year = exams_selectors.certification_registrations_by_year()
    paid_by_year = courses_selectors.paid_enrolments_by_year()

    cert_price = _price(CERTIFICATION_PRICE_CODE, "149")
    continuing_price = _price(CONTINUING_PRICE_CODE, "199")
    invoices_by_year = dict(
        Invoice.objects.filter(status__in=Invoice.BILLED_STATUSES).annotate(y=ExtractYear("period_start"))
        .values("y").annotate(total=Sum("amount")).values_list("y", "total"))
    amount = ExpressionWrapper(F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=14, decimal_places=4))
    enterprise_by_year = dict(
        EnterpriseContract.objects.annotate(y=ExtractYear("signed_on")).values("y").annotate(total=Sum(amount))
        .values_list("y", "total"))
    enterprise_by_item = list(
        EnterpriseContract.objects.values("item__name", "item__name_en", "item__code").annotate(total=Sum(amount), n=Count("id"))
        .order_by("-total"))
    projections = list(BusinessProjection.objects.order_by("year"))
    years = sorted({p.year for p in projections} | set(invoices_by_year) | set(enterprise_by_year)
                   | set(certs_by_year) | set(paid_by_year) | {today.year})

    def revenue(year):
        paid = paid_by_year.get(year) or {}
        continuing = paid.get("revenue")
        if continuing is None:
            continuing = continuing_price * int(paid.get("count") or 0)
        return {
            "partnerships": Decimal(invoices_by_year.get(year) or ZERO).quantize(Decimal("0.01")),
            # certification revenue: registrations at the price list's student-certification price
            "certifications": (cert_price * int(regs_by_year.get(year) or 0)).quantize(Decimal("0.01")),
            "continuing": Decimal(continuing).quantize(Decimal("0.01")),
            "enterprise": Decimal(enterprise_by_year.get(year) or ZERO).quantize(Decimal("0.01")),
        }

    years = [y for y in years if y <= today.year]  # no "actual" for the future
    actual = {}
    for y in years:
        r = revenue(y)
        r["total"] = sum(r.values(), ZERO)
        actual[y] = r
    # schools and students are stocks: today's values count for the current year only
    comparison = []
    for p in projections:
        a = actual.get(p.year, {})
        is_current = p.year == today.year
        comparison.append({
            "projection": p, "year": p.year, "label": p.label,
            "rows": [
                ("partner_schools", p.partner_schools, len(partner_ids) if is_current else None),
                ("active_students", p.active_students, active_students if is_current else None),
                ("certifications", p.certifications, certs_by_year.get(p.year, 0) if p.year <= today.year else None),
                ("revenue_partnerships", p.revenue_partnerships, a.get("partnerships")),
                ("revenue_certifications", p.revenue_certifications, a.get("certifications")),
                ("revenue_enterprise", p.revenue_enterprise, a.get("enterprise")),
                ("revenue_continuing", p.revenue_continuing, a.get("continuing")),
                ("revenue_total", p.revenue_total, a.get("total")),
            ],
        })
    pilots = list(Partnership.objects.filter(status=Partnership.Status.PILOT).select_related("school", "tier")
                  .order_by("school__name"))
    pilot_students = dict(
        CohortMembership.objects.filter(cohort__programme__school_id__in=[p.school_id for p in pilots])
        .values("cohort__programme__school_id").annotate(n=Count("user", distinct=True))
        .values_list("cohort__programme__school_id", "n"))
    this_year_certs = certs_by_year.get(today.year, 0)
    return {
        "today": today,
        "partner_schools": len(partner_ids),
        "schools_by_tier": [(t, by_tier.get(t.pk, 0)) for t in tiers],
        "status_counts": [(s, status_counts.get(s.value, 0)) for s in Partnership.Status],
        "active_students": active_students,
        "certifications_by_year": certs_by_year,
        "certifications_this_year": this_year_certs,
        "certification_rate": metrics.rate(this_year_certs, active_students),
        "module_adoption": adoption,
        "schools_running_modules": len(set(running) & partner_ids),
        "renewal_rate": metrics.rate(renewed, renewed + lapsed),
        "renewed": renewed, "lapsed": lapsed,
        "revenue_by_year": actual, "years": years,
        "comparison": comparison, "projections": projections,
        "enterprise_by_item": enterprise_by_item,
        "prices": {"certification": cert_price, "continuing": continuing_price},
        "pilots": [{"partnership": p, "students": pilot_students.get(p.school_id, 0)} for p in pilots],
    }

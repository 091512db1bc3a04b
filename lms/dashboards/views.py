"""School dashboard (school staff, Flow Stage staff) and Flow Stage KPI dashboard (Flow Stage staff)."""
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from careers import outcomes as outcome_figures
from careers import selectors as careers_selectors
from lms import csv_safe
from lms.money import format_kilo_money, localized_number, short_number
from partnerships import access
from partnerships.models import School, SchoolMember

from . import charts, placement, selectors

PAGE_SIZE = 100


def _status_label(code):
    labels = {"not_started": _("Not started"), "in_progress": _("In progress"),
              "awaiting_grading": _("Awaiting grading"), "passed": _("Passed"), "failed": _("Failed")}
    return labels.get(code, code)


def _risk_labels():
    return {"inactive": _("no activity for 14 days"), "below_pass_mark": _("below the pass mark")}


def _school_for(request, slug) -> School:
    school = get_object_or_404(School, slug=slug)
    if not access.can_manage(request.user, school):
        raise PermissionDenied(_("You can only see your own school's dashboard."))
    return school


@login_required
def school_dashboard_home(request):
    """Send school staff to their school's dashboard (Flow Stage staff choose a school)."""
    member = (SchoolMember.objects.filter(user=request.user, role=SchoolMember.Role.STAFF)
              .select_related("school").order_by("school__name").first())
    if member:
        return redirect("school_dashboard", slug=member.school.slug)
    if access.is_flowstage_staff(request.user):
        return redirect("partnerships:schools")
    raise PermissionDenied(_("School staff only."))


def _pct(value):
    return "—" if value is None else f"{number_format(Decimal(value), 0)} %"


def _nps(value):
    """A net promoter score with its sign ("+20", "−5,5"), "—" without answers."""
    if value is None:
        return "—"
    text = number_format(abs(Decimal(value)), 1 if Decimal(value) % 1 else 0)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


@login_required
def school_dashboard(request, slug):
    school = _school_for(request, slug)
    data = selectors.school_dashboard(school)
    blocks = data["cohorts"]
    selected = None
    wanted = request.GET.get("cohort")
    for block in blocks:
        if wanted and str(block["cohort"].pk) == wanted:
            selected = block
    if selected is None and blocks:
        selected = next((b for b in blocks if b["rows"]), blocks[0])
    risk_only = request.GET.get("risk") == "1"
    page = None
    table_rows = []
    if selected:
        rows = [r for r in selected["rows"] if r.at_risk] if risk_only else selected["rows"]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        risk_labels = _risk_labels()
        for r in page.object_list:
            table_rows.append({
                "row": r,
                "components": [
                    next(((c.get("components") or {}).get(col) for c in r.courses
                          if (c.get("components") or {}).get(col) is not None), None)
                    for col in selected["components"]],
                "exams": [{"title": e.get("exam_title"), "attempts": e.get("attempts"), "best": e.get("best_score"),
                           "status": e.get("status"), "label": _status_label(e.get("status"))} for e in r.exams],
                "cert_label": _status_label(r.certification_status),
                "risks": [risk_labels[k] for k in r.risks],
            })
    distribution = charts.column_chart(
        data["distribution"], title=_("Students by course progress (%)"), uid="chart-progress",
        y_label=_("Students"), fmt=lambda v: f"{int(v or 0)}", counts=True)
    rates = charts.grouped_columns(
        [b["cohort"].label or b["cohort"].programme.name for b in blocks] or ["—"],
        [(_("Completion"), [b["aggregates"].completion_rate for b in blocks]),
         (_("Exam pass rate"), [b["aggregates"].exam_pass_rate for b in blocks]),
         (_("Certification"), [b["aggregates"].certification_rate for b in blocks])],
        title=_("Rates per cohort (%)"), uid="chart-rates", fmt=charts.percent, axis_fmt=localized_number,
    )
    return render(request, "dashboards/school.html", {
        "school": school, "data": data, "agg": data["aggregates"], "blocks": blocks, "selected": selected,
        "page": page, "table_rows": table_rows, "risk_only": risk_only,
        "chart_progress": distribution, "chart_rates": rates, "careers": careers_selectors.school_careers(school),
        "placement": placement.school_placement(school), "pct": _pct,
    })


class _Echo:
    def write(self, value):
        return value


def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v:.1f}"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


@login_required
def school_dashboard_csv(request, slug):
    """Stream a table of the dashboard: ?table=summary (one line per cohort) or students (every student,
    optionally ?cohort=<id>)."""
    school = _school_for(request, slug)
    data = selectors.school_dashboard(school)
    table = request.GET.get("table", "students")
    cohort = request.GET.get("cohort")
    writer = csv_safe.writer(_Echo())  # every cell neutralised against formulas (lms/csv_safe.py)

    def summary():
        yield writer.writerow(["cohort", "graduation_year", "students", "average_progress_pct", "completion_rate_pct",
                               "average_grade_pct", "exam_pass_rate_pct", "certification_rate_pct", "at_risk"])
        for b in data["cohorts"]:
            a = b["aggregates"]
            yield writer.writerow([str(b["cohort"]), b["cohort"].graduation_year, a.students, _csv_value(a.average_progress),
                                   _csv_value(a.completion_rate), _csv_value(a.average_grade),
                                   _csv_value(a.exam_pass_rate), _csv_value(a.certification_rate), a.at_risk])

    def students():
        blocks = [b for b in data["cohorts"] if not cohort or str(b["cohort"].pk) == cohort]
        columns = []
        for b in blocks:
            for c in b["components"]:
                if c not in columns:
                    columns.append(c)
        yield writer.writerow(["cohort", "student", "email", "progress_pct", "grade_pct", *columns, "exam_attempts",
                               "best_exam_score_pct", "exam_results", "certification_status", "badge",
                               "last_activity", "at_risk"])
        for b in blocks:
            label = str(b["cohort"])
            for r in b["rows"]:
                comps = [next(((c.get("components") or {}).get(col) for c in r.courses
                               if (c.get("components") or {}).get(col) is not None), None) for col in columns]
                best = max((e.get("best_score") for e in r.exams if e.get("best_score") is not None), default=None)
                yield writer.writerow([
                    label, r.name, r.email, _csv_value(r.progress_pct), _csv_value(r.grade_pct),
                    *[_csv_value(c) for c in comps], r.attempts, _csv_value(best),
                    "; ".join(f"{e.get('exam_title')}: {e.get('status')}" for e in r.exams),
                    r.certification_status, r.badge, _csv_value(r.last_activity), " ".join(r.risks),
                ])

    def placement_rows(figures):
        yield writer.writerow(["cohort", "graduation_date", "students", "placements_upcoming", "placements_in_progress",
                               "placements_completed", "converted_to_job", "conversion_rate_pct",
                               "graduates_due", "employed_within_6_months", "employment_rate_pct",
                               *[f"outcome_{code}" for code in outcome_figures.STATUSES], "outcome_unknown"])
        for r in figures["rows"]:
            yield writer.writerow([str(r.cohort), r.graduated_on.isoformat(), r.students, r.upcoming, r.in_progress,
                                   r.completed, r.conversion.part, _csv_value(r.conversion.pct), r.employment.whole,
                                   r.employment.part, _csv_value(r.employment.pct),
                                   *[r.breakdown[c] for c in outcome_figures.STATUSES], r.breakdown["unknown"]])

    if table == "placement":
        figures = placement.school_placement(school)
        if not figures["allowed"]:
            raise PermissionDenied(_("Placement statistics come with the “placement statistics” entitlement of your "
                                     "partnership tier."))
        stream = placement_rows(figures)
    else:
        stream = summary() if table == "summary" else students()
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{school.slug}-{table}-{stamp}.csv"'
    return response


_keur = format_kilo_money  # "12 k€" in French, "€12k" in English


@login_required
def flowstage_dashboard(request):
    if not access.is_flowstage_staff(request.user):
        raise PermissionDenied(_("Flow Stage staff only."))
    k = selectors.flowstage_kpis()
    comparison = k["comparison"]
    labels = {
        "partner_schools": _("Partner schools"), "active_students": _("Active students"),
        "certifications": _("Certifications per year"), "revenue_partnerships": _("School partnerships"),
        "revenue_certifications": _("Student certifications"), "revenue_enterprise": _("Enterprise services"),
        "revenue_continuing": _("Continuing education"), "revenue_total": _("Total revenue"),
    }
    money = {"revenue_partnerships", "revenue_certifications", "revenue_enterprise", "revenue_continuing", "revenue_total"}
    table = []
    for key in labels:
        cells = []
        for block in comparison:
            row = next(r for r in block["rows"] if r[0] == key)
            projected, actual = row[1], row[2]
            ratio = None if actual is None or not projected else Decimal(actual) * 100 / Decimal(projected)
            fmt = _keur if key in money else (lambda v: "—" if v is None else number_format(v, 0, force_grouping=True))
            cells.append({"projected": fmt(projected), "actual": fmt(actual),
                          "ratio": None if ratio is None else f"{number_format(ratio, 0)} %"})
        table.append({"label": labels[key], "cells": cells, "total": key == "revenue_total"})
    years = [c["year"] for c in comparison]
    for i, c in enumerate(comparison, start=1):
        c["label"] = _("Year %(n)s") % {"n": i}
    revenue_chart = charts.grouped_columns(
        [f'{c["label"]} · {c["year"]}' for c in comparison] or ["—"],
        [(_("Projection (brief)"), [c["projection"].revenue_total for c in comparison]),
         (_("Actual"), [k["revenue_by_year"].get(y, {}).get("total") for y in years])],
        title=_("Revenue: projection vs actual (€)"), uid="chart-revenue", fmt=_keur, axis_fmt=short_number,
        colors=["#c9d3ea", charts.PALETTE[0]],
    )
    segments = [("partnerships", _("School partnerships")), ("certifications", _("Student certifications")),
                ("enterprise", _("Enterprise services")), ("continuing", _("Continuing education"))]
    segment_chart = charts.grouped_columns(
        [str(y) for y in k["years"]],
        [(label, [k["revenue_by_year"][y][code] for y in k["years"]]) for code, label in segments],
        title=_("Actual revenue by segment and year (€)"), uid="chart-segments", fmt=_keur, axis_fmt=short_number,
    )
    tier_chart = charts.bar_chart(
        [(t.name, n) for t, n in k["schools_by_tier"]], title=_("Partner schools by tier"), uid="chart-tiers",
        fmt=lambda v: f"{int(v or 0)}")
    cert_years = sorted(set(k["certifications_by_year"]) | set(years))
    cert_chart = charts.grouped_columns(
        [str(y) for y in cert_years],
        [(_("Projection (brief)"), [next((c["projection"].certifications for c in comparison if c["year"] == y), None)
                                    for y in cert_years]),
         (_("Certifications passed"), [k["certifications_by_year"].get(y, 0) if y <= k["today"].year else None
                                       for y in cert_years])],
        title=_("Certifications per year"), uid="chart-certs", fmt=lambda v: "—" if v is None else localized_number(int(v)),
        axis_fmt=localized_number,
        colors=["#c9d3ea", charts.PALETTE[2]],
    )
    revenue_rows = [{"year": y, **k["revenue_by_year"][y]} for y in k["years"]]
    pl = placement.flowstage_placement(k["today"])
    for key in ("nps_all", "nps_modules", "nps_internships"):
        pl[key].text = _nps(pl[key].score)
    pl["nps_rows"] = [(_("Course modules"), pl["nps_modules"]), (_("Internships"), pl["nps_internships"]),
                      (_("All"), pl["nps_all"])]
    nps_chart = charts.grouped_columns(
        [str(n) for n in range(11)],
        [(_("Course modules"), pl["nps_modules"].distribution), (_("Internships"), pl["nps_internships"].distribution)],
        title=_("Answers by score (0–10)"), uid="chart-nps", fmt=lambda v: "—" if v is None else localized_number(int(v)),
        axis_fmt=localized_number, colors=[charts.PALETTE[0], charts.PALETTE[2]],
    )
    return render(request, "dashboards/flowstage.html", {
        "pl": pl, "chart_nps": nps_chart,
        "k": k, "table": table, "comparison": comparison, "revenue_rows": revenue_rows,
        "chart_revenue": revenue_chart, "chart_segments": segment_chart, "chart_tiers": tier_chart,
        "chart_certs": cert_chart,
    })

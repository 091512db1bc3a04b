"""Pure dashboard logic: rows, aggregates, risk, distribution; SVG charts."""
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

from lms.dashboards import charts, metrics

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)


def row(uid, progress=None, grade=None, passed=None, exams=(), creds=(), last=None):
    courses = [] if progress is None else [{"progress_pct": D(progress), "grade_pct": grade, "passed": passed,
                                            "components": {"CC": D(50)}, "last_activity": last}]
    return metrics.student_row(uid, f"S{uid}", f"s{uid}@x", 1, courses, list(exams), list(creds), NOW)


def test_student_row_and_risks():
    r = row(1, 100, D(80), True, last=NOW - timedelta(days=2),
            exams=[{"certification": "AE", "attempts": 2, "best_score": D(81), "passed": True, "status": "passed"}],
            creds=[{"name": "Flow Stage Ready", "status": "valid"}])
    assert r.completed and r.certified and r.exam_passed and r.attempts == 2 and r.badge == "Flow Stage Ready"
    assert not r.at_risk and r.certification_status == "passed"
    idle = row(2, 40, D(40), False, last=NOW - timedelta(days=15))
    assert idle.risks == ["inactive", "below_pass_mark"]
    never = row(3)
    assert never.risks == ["inactive"] and never.progress_pct is None
    failed = row(4, 50, None, None, last=NOW, exams=[{"certification": "AE", "attempts": 1, "passed": False, "status": "failed",
                                                      "last_attempt_at": NOW}])
    assert failed.risks == ["below_pass_mark"] and failed.certification_status == "failed"


def test_aggregates():
    rows = [row(1, 100, D(80), True, last=NOW), row(2, 50, D(60), True, last=NOW), row(3),
            row(4, 20, None, None, last=NOW, exams=[{"attempts": 1, "passed": False, "status": "failed"}])]
    a = metrics.aggregate(rows)
    assert a.students == 4
    assert a.completion_rate == D("33.3")  # 1 of the 3 students with a course
    assert a.average_grade == D("70.0")
    assert a.exam_pass_rate == D("0.0")
    assert a.certification_rate == D("0.0")
    assert a.at_risk == 2
    empty = metrics.aggregate([])
    assert empty.completion_rate is None and empty.average_grade is None and empty.at_risk == 0


def test_progress_distribution_covers_0_to_100():
    rows = [row(i, p, last=NOW) for i, p in enumerate([0, 19, 20, 59, 80, 100, 100])] + [row(99)]
    dist = metrics.progress_distribution(rows)
    assert [n for _, n in dist] == [2, 1, 1, 0, 3]
    assert dist[-1][0] == "80–100"


def test_component_columns():
    rows = [row(1, 10, last=NOW)]
    assert metrics.component_columns(rows) == ["CC"]
    assert metrics.component_means(rows[0], ["CC", "X"]) == [D("50.0"), None]


def test_charts_are_valid_accessible_svg_and_escape_text():
    svgs = [
        charts.bar_chart([("<Premium>", 3), ("Certified", 0), ("Void", None)], title="Tiers & co", uid="a"),
        charts.column_chart([("0–19", 2), ("80–100", 7)], title="Progress", uid="b"),
        charts.grouped_columns(["An 1", "An 2"], [("Projection", [D(285000), D(889000)]), ("Actual", [D(12000), None])],
                               title="Revenue", uid="c", axis_fmt=charts._short),
        charts.grouped_columns([], [], title="Empty", uid="d"),
    ]
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert "&lt;Premium&gt;" in svgs[0] and "Tiers &amp; co" in svgs[0]
    assert "Projection 285000" in svgs[2]
    assert charts._short(889000) == "889k" and charts.percent(D("66.6")) == "67 %"


def test_count_axis_has_whole_numbers_only():
    """A histogram of one student had its grid lines at 0.25, 0.5 and 0.75, each printed "0"."""
    import re

    from lms.dashboards import charts

    svg = charts.column_chart([("0–19", 1), ("20–39", 0)], title="t", uid="u", fmt=lambda v: f"{int(v)}", counts=True)
    labels = re.findall(r'text-anchor="end" fill="[^"]+">([^<]+)<', svg)
    assert labels == ["0", "1", "2", "3", "4"]
    assert [charts._integer_max(v) for v in (0, 1, 5, 17, 41, 99)] == [4, 4, 8, 20, 80, 100]

"""Server-rendered SVG charts (pure)."""
import datetime

from lms.accounts.charts import score_trend_svg, skill_history_svg

d = datetime.date
LABELS = {1: "Notions", 2: "Beginner", 3: "Operational", 4: "Advanced", 5: "Expert"}


def label(day):
    return day.strftime("%b %y")


def test_skill_chart_draws_one_line_per_skill_and_legend():
    series = [("FOH <mix>", [(d(2026, 1, 5), 1), (d(2026, 6, 1), 3)]), ("Patch", [(d(2026, 2, 1), 2)])]
    svg = skill_history_svg(series, d(2026, 11, 25), LABELS, label, "Skills & time")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2
    assert "FOH &lt;mix&gt;" in svg and "<mix>" not in svg  # escaped
    assert 'aria-label="Skills &amp; time"' in svg
    assert "Expert" in svg and "Notions" in svg


def test_skill_chart_changes_when_a_level_changes():
    base = [("FOH", [(d(2026, 1, 5), 2)])]
    more = [("FOH", [(d(2026, 1, 5), 2), (d(2026, 11, 20), 4)])]
    a = skill_history_svg(base, d(2026, 11, 25), LABELS, label, "t")
    b = skill_history_svg(more, d(2026, 11, 25), LABELS, label, "t")
    assert a != b


def test_skill_chart_removed_skill_ends_its_line():
    svg = skill_history_svg([("Old", [(d(2026, 1, 1), 2), (d(2026, 3, 1), None)])], d(2026, 11, 25), LABELS, label, "t")
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1


def test_empty_charts_are_valid_svg():
    assert skill_history_svg([], d(2026, 1, 1), LABELS, label, "t").endswith("</svg>")
    assert score_trend_svg([], "t", label).endswith("</svg>")


def test_trend_chart_points():
    svg = score_trend_svg([(d(2026, 1, 1), 30), (d(2026, 2, 1), 40), (d(2026, 3, 1), 52)], "Trend", label)
    assert svg.count("<circle") == 3 and "52/100" in svg

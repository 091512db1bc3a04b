"""Prerequisite checks as pure functions."""
from datetime import date

from exams.prerequisites import (
    Period, Requirements, StudentRecord, all_met, check_all, months_of_experience,
)

REQ = Requirements()
TODAY = date(2026, 6, 1)


def record(**kw):
    base = dict(programme_name="Ingénieur Son", programme_domain="sound", degree_level=3,
                experience=[Period(date(2025, 1, 1), date(2025, 4, 10))],
                software=[("Pro Tools", "advanced"), ("Logic Pro", "expert")], portfolio_projects=5, today=TODAY)
    base.update(kw)
    return StudentRecord(**base)


def by_code(results):
    return {r.code: r for r in results}


def test_all_met():
    results = check_all(record(), REQ)
    assert all_met(results)
    assert [r.code for r in results] == ["curriculum", "experience", "software", "portfolio"]


def test_curriculum_rules():
    assert not by_code(check_all(record(programme_domain="cinema"), REQ))["curriculum"].met
    r = by_code(check_all(record(degree_level=1), REQ))["curriculum"]
    assert not r.met and "Bac+1" in r.reason
    assert by_code(check_all(record(degree_level=2), REQ))["curriculum"].met
    assert "no programme" in by_code(check_all(record(programme_domain=None), REQ))["curriculum"].reason


def test_experience_union_of_overlapping_periods():
    p = [Period(date(2025, 1, 1), date(2025, 2, 14)), Period(date(2025, 1, 15), date(2025, 2, 14))]
    assert months_of_experience(p, TODAY) == 1  # 45 days: the overlap is counted once (not 76 days)
    assert months_of_experience([Period(date(2026, 3, 1), None)], TODAY) == 3  # ongoing, up to today
    assert months_of_experience([Period(date(2027, 1, 1), None)], TODAY) == 0  # future
    r = by_code(check_all(record(experience=p), REQ))["experience"]
    assert not r.met and "3 required" in r.reason


def test_software_needs_advanced():
    r = by_code(check_all(record(software=[("Pro Tools", "advanced"), ("Ableton", "operational")]), REQ))["software"]
    assert not r.met and "1 professional" in r.reason


def test_portfolio():
    assert not by_code(check_all(record(portfolio_projects=4), REQ))["portfolio"].met


def test_exemption_turns_missing_into_met():
    results = check_all(record(portfolio_projects=0), REQ, {"portfolio": "jury waiver"})
    r = by_code(results)["portfolio"]
    assert r.met and r.exempted and "jury waiver" in r.reason
    assert all_met(results)


def test_reasons_are_templates_with_params_and_english_plurals():
    results = by_code(check_all(record(portfolio_projects=1, experience=[], software=[("Pro Tools", "expert")]), REQ))
    assert results["portfolio"].reason == "1 documented project, 5 required"
    assert results["experience"].reason == "0 months of practical experience, 3 required"
    assert results["software"].reason == "1 professional software package at advanced level or above, 2 required"
    # The template and its parameters, for the pages to translate (no Django here).
    assert results["portfolio"].message.template.plural == "%(n)s documented projects, %(min)s required"
    assert results["portfolio"].message.params == {"n": 1, "min": 5}
    assert str(by_code(check_all(record(programme_domain="cinema", programme_name="Réalisation"), REQ))[
        "curriculum"].message) == "programme “Réalisation” is in cinema; a curriculum in audio/sound is required"


def test_labels_state_the_certifications_own_requirements():
    from exams.prerequisites import label

    req = Requirements(min_degree_level=3, min_experience_months=1, min_software=3, min_software_level="expert",
                       min_portfolio_projects=1)
    assert [str(label(c, req)) for c in ("curriculum", "experience", "software", "portfolio")] == [
        "Curriculum in audio/sound, Bac+3 or above",
        "At least 1 month of practical experience (internship/apprenticeship)",
        "At least 3 professional software packages at expert level or above",
        "Portfolio of at least 1 documented project",
    ]

"""careers/law.py: French law on internships and apprenticeships, pure; the rates come from careers/legal_data.py
(the same rows the migration seeds)."""
from datetime import date
from decimal import Decimal

import pytest

from careers import geo, law, legal_data, rhythm

D = Decimal


def rates() -> law.Rates:
    return law.Rates(
        internship=tuple(law.InternshipRate(v, c, p, s) for v, c, p, s, _u in legal_data.INTERNSHIP_RATES),
        smic=tuple(law.SmicRate(v, h, mo, s) for v, h, mo, s, _u in legal_data.SMIC_RATES),
        apprentice=tuple(law.ApprenticeRate(v, a, b, y, p, s) for v, a, b, y, p, s, _u in legal_data.apprentice_rows()),
    )


def terms(**kw) -> law.OfferTerms:
    base = dict(kind="internship", start=date(2027, 5, 3), end=date(2027, 7, 30), weekly_hours=D(35),
                pay_monthly=D("700"), expires_on=date(2027, 4, 20))
    base.update(kw)
    return law.OfferTerms(**base)


TODAY = date(2026, 11, 30)


# --- the dated figures ----------------------------------------------------------------------------------------------

def test_the_gratification_is_15_percent_of_the_hourly_ceiling_4_35_then_4_50():
    r = rates()
    assert law.in_force(r.internship, date(2024, 6, 1)).hourly_minimum == D("4.35")
    assert law.in_force(r.internship, date(2025, 12, 31)).hourly_minimum == D("4.35")
    assert law.in_force(r.internship, date(2026, 1, 1)).hourly_minimum == D("4.50")
    assert law.in_force(r.internship, date(2027, 6, 1)).hourly_minimum == D("4.50")  # the latest known row
    assert all(row.source for row in r.internship)


def test_the_smic_of_2026_and_its_source():
    smic = law.in_force(rates().smic, date(2026, 3, 1))
    assert (smic.hourly, smic.monthly) == (D("12.02"), D("1823.03"))
    assert "17 décembre 2025" in smic.source
    assert law.in_force(rates().smic, date(2025, 6, 1)).monthly == D("1801.80")


def test_rows_during_a_period_and_before_the_first_row():
    r = rates()
    assert [x.valid_from.year for x in law.rows_during(r.internship, date(2025, 11, 1), date(2026, 2, 1))] == [2025, 2026]
    assert law.in_force(r.internship, date(2020, 1, 1)).valid_from == date(2024, 1, 1)
    assert law.in_force((), date(2026, 1, 1)) is None


# --- presence and gratification -------------------------------------------------------------------------------------

@pytest.mark.parametrize("start,end,expected", [
    (date(2027, 5, 3), date(2027, 5, 9), 5), (date(2027, 5, 8), date(2027, 5, 9), 0), (date(2027, 5, 7), date(2027, 5, 10), 2),
    (date(2027, 5, 3), date(2027, 7, 30), 65), (date(2027, 5, 3), date(2027, 5, 2), 0), (date(2027, 5, 5), date(2027, 5, 5), 1),
])
def test_working_days(start, end, expected):
    assert law.working_days(start, end) == expected


def test_the_brief_card_at_600_is_refused_in_2027_with_the_rule_and_the_figures():
    t = terms(pay_monthly=D("600"))
    problems = law.check_offer(t, rates(), TODAY)
    assert len(problems) == 1
    text = str(problems[0])
    assert "from the 309th hour; this one is 455 hours" in text
    assert "at least 4.50 € per hour" in text and "ceiling of 30 € in force from 2026-01-01" in text
    assert "682.50 € a month; this offer pays 600 €" in text and "L124-6" in text
    assert law.check_offer(terms(pay_monthly=D("682.50")), rates(), TODAY) == []
    assert law.check_offer(terms(pay_monthly=D("682.49")), rates(), TODAY) != []


def test_the_same_card_in_2025_owed_4_35_an_hour():
    t = terms(start=date(2025, 5, 5), end=date(2025, 8, 1), pay_monthly=D("600"), expires_on=None)
    info = law.internship_terms(t.start, t.end, t.weekly_hours, rates())
    assert info.hourly_minimum == D("4.35") and info.monthly_minimum == D("659.75")


def test_an_internship_across_new_year_owes_the_higher_rate():
    info = law.internship_terms(date(2025, 11, 3), date(2026, 2, 27), D(35), rates())
    assert info.rate.valid_from == date(2026, 1, 1) and info.monthly_minimum == D("682.50")


@pytest.mark.parametrize("end,due", [(date(2027, 6, 30), False), (date(2027, 7, 1), False), (date(2027, 7, 2), True)])
def test_two_months_is_44_days_of_7_hours_the_309th_hour_starts_the_gratification(end, due):
    # from Monday 3 May 2027 at 35 hours a week (7 a day): 1 July is the 44th day (308 h), 2 July the 45th
    info = law.internship_terms(date(2027, 5, 3), end, D(35), rates())
    assert info.gratification_due is due
    assert info.presence_hours == D(7) * law.working_days(date(2027, 5, 3), end)


def test_exactly_308_hours_needs_no_gratification_309_does():
    start = date(2027, 5, 3)  # a Monday: 44 working days end on Thursday 1 July
    assert law.working_days(start, date(2027, 7, 1)) == 44
    assert not law.internship_terms(start, date(2027, 7, 1), D(35), rates()).gratification_due
    assert law.check_offer(terms(end=date(2027, 7, 1), pay_monthly=D(0)), rates(), TODAY) == []
    # 308 hours + 1: a longer week makes the same dates 309.4 hours
    assert law.internship_terms(start, date(2027, 7, 1), D("35.16"), rates()).gratification_due


def test_part_time_lengthens_the_internship_before_the_threshold():
    info = law.internship_terms(date(2027, 5, 3), date(2027, 7, 30), D(20), rates())
    assert info.presence_hours == D(260) and not info.gratification_due


def test_more_than_six_months_is_refused():
    t = terms(start=date(2027, 1, 4), end=date(2027, 7, 30), pay_monthly=D(800), expires_on=date(2026, 12, 20))
    text = " ".join(str(p) for p in law.check_offer(t, rates(), TODAY))
    assert "at most six months per teaching year" in text and "924" in text and "L124-5" in text
    ok = terms(start=date(2027, 1, 4), end=date(2027, 6, 30), pay_monthly=D(800), expires_on=date(2026, 12, 20))
    assert law.working_days(ok.start, ok.end) * 7 <= 924 and law.check_offer(ok, rates(), TODAY) == []


def test_no_rate_recorded_is_said_not_ignored():
    problems = law.check_offer(terms(), law.Rates(), TODAY)
    assert "No internship gratification rate is recorded" in str(problems[0])


# --- dates ------------------------------------------------------------------------------------------------------

def test_an_offer_ending_before_it_starts():
    text = str(law.check_offer(terms(end=date(2027, 5, 1)), rates(), TODAY)[0])
    assert text == "The offer ends on 2027-05-01, before it starts on 2027-05-03."


def test_dates_in_the_past():
    problems = [str(p) for p in law.check_offer(terms(start=date(2026, 11, 2), end=date(2026, 12, 18),
                                                      expires_on=date(2026, 11, 1)), rates(), TODAY)]
    assert "The offer starts on 2026-11-02, a date in the past." in problems
    assert "The offer expires on 2026-11-01, a date in the past." in problems


def test_expiry_after_the_end():
    text = str(law.check_offer(terms(expires_on=date(2027, 8, 1)), rates(), TODAY)[0])
    assert text == "The offer expires on 2027-08-01, after it ends on 2027-07-30."


def test_weekly_hours_and_negative_pay():
    assert "at most 48" in str(law.check_offer(terms(weekly_hours=D(50)), rates(), TODAY)[0])
    assert "negative" in str(law.check_offer(terms(pay_monthly=D(-1)), rates(), TODAY)[0])


# --- apprentices ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("age,year,percent,amount", [
    (16, 1, 27, "492.22"), (17, 3, 55, "1002.67"), (18, 1, 43, "783.90"), (20, 2, 51, "929.75"),
    (21, 1, 53, "966.21"), (25, 3, 78, "1421.96"), (26, 1, 100, "1823.03"), (40, 2, 100, "1823.03"), (15, 1, 27, "492.22"),
])
def test_apprentice_minimum_by_age_and_contract_year(age, year, percent, amount):
    mini = law.apprentice_minimum(age, year, date(2027, 9, 1), date(2028, 8, 31), D(35), rates())
    assert (mini.percent, mini.amount) == (D(percent), D(amount))
    assert "D6222-26" in mini.source and mini.smic.monthly == D("1823.03")


def test_apprentice_minimum_part_time_and_after_year_three():
    mini = law.apprentice_minimum(21, 4, date(2027, 9, 1), date(2028, 8, 31), D("17.5"), rates())
    assert mini.contract_year == 3 and mini.amount == D("710.98")


def test_an_apprenticeship_below_the_minimum_is_refused_with_the_figures():
    t = terms(kind="apprenticeship", start=date(2027, 9, 1), end=date(2028, 8, 31), pay_monthly=D("780"),
              expires_on=date(2027, 8, 1))
    text = str(law.check_offer(t, rates(), TODAY)[0])
    assert "aged 18 to 20 in year 1" in text and "43 % of the SMIC" in text and "1823.03" in text
    assert "783.90 € a month" in text and "this offer pays 780 €" in text
    assert law.check_offer(terms(kind="apprenticeship", start=date(2027, 9, 1), end=date(2028, 8, 31),
                                 pay_monthly=D("783.90"), expires_on=date(2027, 8, 1)), rates(), TODAY) == []


def test_the_programme_floor_and_length():
    base = dict(kind="apprenticeship", start=date(2027, 9, 1), end=date(2028, 8, 31), expires_on=date(2027, 8, 1),
                programme_name="Programme alternance Flow Stage", programme_months=12, programme_floor=D(800))
    assert law.check_offer(terms(**base, pay_monthly=D(800)), rates(), TODAY) == []
    text = str(law.check_offer(terms(**base, pay_monthly=D(790)), rates(), TODAY)[0])
    assert "at least 800 € a month" in text and "this offer pays 790 €" in text
    base["end"] = date(2028, 6, 30)
    text = str(law.check_offer(terms(**base, pay_monthly=D(850)), rates(), TODAY)[0])
    assert "lasts 12 months" in text and "ends on 2028-08-31, not 2028-06-30" in text


def test_an_apprenticeship_lasts_six_months_to_three_years():
    short = terms(kind="apprenticeship", start=date(2027, 9, 1), end=date(2028, 1, 31), pay_monthly=D(900),
                  expires_on=date(2027, 8, 1))
    assert "from six months to three years" in str(law.check_offer(short, rates(), TODAY)[0])


def test_the_pay_of_an_accepted_apprentice_is_raised_to_their_minimum():
    mini = law.apprentice_minimum(22, 1, date(2027, 9, 1), date(2028, 8, 31), D(35), rates())
    assert law.apprentice_pay_for(D(850), mini) == D("966.21")
    assert law.apprentice_pay_for(D(1000), mini) == D(1000)
    assert law.apprentice_pay_for(D(850), None) == D(850)


@pytest.mark.parametrize("born,day,age", [(date(2004, 9, 14), date(2027, 9, 13), 22), (date(2004, 9, 14), date(2027, 9, 14), 23),
                                          (date(2008, 2, 29), date(2027, 2, 28), 18), (date(2008, 2, 29), date(2027, 3, 1), 19)])
def test_age_on(born, day, age):
    assert law.age_on(born, day) == age


def test_months_between_and_add_months():
    assert law.months_between(date(2027, 9, 1), date(2028, 8, 31)) == 12
    assert law.months_between(date(2027, 5, 3), date(2027, 7, 30)) == 2
    assert law.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


# --- geography and rhythm ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("postcode,dept,region", [("75011", "75", "IDF"), ("93100", "93", "IDF"), ("20090", "2A", "COR"),
                                                  ("20200", "2B", "COR"), ("97400", "974", "LRE"), ("6900", "", ""),
                                                  ("ABCDE", "", "")])
def test_departments_and_regions(postcode, dept, region):
    assert geo.department(postcode) == dept and geo.region(postcode) == region


def test_every_metropolitan_department_has_a_region():
    depts = [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B"]
    assert all(d in geo.REGION_OF for d in depts)


def test_the_rhythm_follows_the_school_calendar():
    cal = rhythm.Calendar(frozenset({0, 1}), {date(2027, 11, 11): rhythm.CLOSED, date(2027, 9, 6): rhythm.COMPANY})
    week = rhythm.split(cal, date(2027, 9, 6), date(2027, 9, 12))  # Monday 6 September is a company day
    assert week == {"school": 1, "company": 4, "closed": 0}
    assert rhythm.day_kind(cal, date(2027, 9, 11)) is None
    assert rhythm.day_kind(cal, date(2027, 11, 11)) == rhythm.CLOSED
    assert rhythm.check_calendar(cal, 2) == []
    assert "has 2 school days a week; this calendar has 3" in str(
        rhythm.check_calendar(rhythm.Calendar(frozenset({0, 1, 2})), 2)[0])
    assert rhythm.check_calendar(rhythm.Calendar(frozenset({5, 1})), 2)

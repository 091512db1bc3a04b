"""French law on internships and apprenticeships, as pure functions (no Django import).

The rules are stated here once; the figures they use are dated data (``careers/legal_data.py`` seeds the rate
tables, Flow Stage staff add next year's rows), passed in as ``Rates``. Every refusal is an ``lms.messages.Message``
naming the rule and the figures, so pages show it in the reader's language.

Internships (stages), Code de l'éducation:
- Presence is counted in hours (D124-6): 7 hours of presence make one day, 22 days make one month.
- An internship of more than two months, i.e. more than 44 days of presence at 7 hours = more than 308 hours
  (from the 309th hour), must pay a gratification of at least 15 % of the hourly social-security ceiling per hour
  of presence (L124-6, D124-8): 29 € × 15 % = 4.35 €/h in 2024 and 2025, 30 € × 15 % = 4.50 €/h from 1 January 2026.
- An internship lasts at most six months per teaching year in the same host organisation (L124-5): 6 × 22 days
  × 7 hours = 924 hours of presence.
- An offer's hours of presence are its working days (Monday to Friday, start and end included) × its weekly hours
  / 5. Public holidays are not subtracted: that over-counts by a few days at most, which can only make the checks
  stricter, never let an illegal offer through.
- Its minimum pay per month is the hourly minimum × weekly hours × 52 / 12 (the monthly average of a regular
  weekly schedule), rounded half-up to the cent, at the HIGHEST rate in force on any day of the internship (the
  pay is the same every month, and the months after 1 January owe the new rate).

Apprenticeships, Code du travail:
- Minimum pay = a percentage of the SMIC by age band and year of execution of the contract (D6222-26; under 16:
  D6222-27): 16–17 years 27 / 39 / 55 %, 18–20 years 43 / 51 / 67 %, 21–25 years 53 / 61 / 78 %, 26 and over 100 %.
  From 21 the job's conventional minimum applies when it is higher: the platform does not know collective
  agreements and says so. Part time: pro rata of 35 hours. The SMIC used is the highest in force during the contract.
- A contract lasts between six months and three years (L6222-7-1).
- A posted offer does not know its candidate's age: it is refused below the minimum of the youngest adult band
  (18–20 years, ``POSTING_REFERENCE_AGE``) for its contract year; each candidate is then shown the minimum for their
  own age, and an accepted apprentice is paid the higher of the offer and that minimum (``apprentice_pay_for``).
- The Flow Stage apprenticeship programme (brief §2.3) adds its own floor (800 €/month) and its length (12 months):
  the floor never replaces the law (the brief's "55 % SMIC apprenti" label is not the legal grid).

The rate in force on a day is the row with the latest ``valid_from`` on or before it; a day after the last row uses
the last row (the newest figures known), a day before the first row uses the first.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from lms.messages import Message, gettext_noop
from lms.messages import message as _m

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
HOURS_PER_DAY = Decimal(7)  # D124-6
DAYS_PER_MONTH = 22  # D124-6
GRATIFICATION_THRESHOLD_DAYS = 44  # more than two months: more than 44 days of presence
GRATIFICATION_FROM_HOURS = Decimal(309)  # 44 × 7 = 308 hours; due from the 309th hour
MAX_INTERNSHIP_MONTHS = 6  # L124-5
MAX_INTERNSHIP_HOURS = MAX_INTERNSHIP_MONTHS * DAYS_PER_MONTH * HOURS_PER_DAY  # 924 hours
LEGAL_WEEKLY_HOURS = Decimal(35)
MAX_WEEKLY_HOURS = Decimal(48)  # Code du travail L3121-20, applied to interns by L124-14
WEEKS_PER_YEAR, MONTHS_PER_YEAR = Decimal(52), Decimal(12)
APPRENTICESHIP_MIN_MONTHS, APPRENTICESHIP_MAX_MONTHS = 6, 36  # L6222-7-1
POSTING_REFERENCE_AGE = 18

INTERNSHIP, APPRENTICESHIP = "internship", "apprenticeship"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> Decimal:
    """A figure as people write it: 30.00 -> 30, 43.50 -> 43.5 (never an exponent)."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# --- dated rates ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InternshipRate:
    valid_from: date
    hourly_ceiling: Decimal  # plafond horaire de la sécurité sociale
    percent: Decimal  # 15
    source: str = ""

    @property
    def hourly_minimum(self) -> Decimal:
        return self.hourly_ceiling * self.percent / HUNDRED


@dataclass(frozen=True)
class SmicRate:
    valid_from: date
    hourly: Decimal
    monthly: Decimal  # for 35 hours a week
    source: str = ""


@dataclass(frozen=True)
class ApprenticeRate:
    valid_from: date
    age_from: int
    age_to: int | None  # None: no upper bound
    contract_year: int
    percent: Decimal
    source: str = ""

    def covers(self, age: int) -> bool:
        return self.age_from <= age and (self.age_to is None or age <= self.age_to)


@dataclass(frozen=True)
class Rates:
    internship: tuple[InternshipRate, ...] = ()
    smic: tuple[SmicRate, ...] = ()
    apprentice: tuple[ApprenticeRate, ...] = ()


def in_force(rows, day: date):
    """The row in force on ``day`` (latest ``valid_from`` ≤ day); before the first row, the first; None if empty."""
    rows = sorted(rows, key=lambda r: r.valid_from)
    if not rows:
        return None
    found = rows[0]
    for row in rows:
        if row.valid_from <= day:
            found = row
    return found


def rows_during(rows, start: date, end: date) -> list:
    """Every row in force on some day of [start, end]."""
    rows = sorted(rows, key=lambda r: r.valid_from)
    first = in_force(rows, start)
    return [r for r in rows if r is first or start < r.valid_from <= end]


# --- presence ---------------------------------------------------------------------------------------------------

def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days from ``start`` to ``end``, both included (0 when end < start)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for i in range(rest):
        if (weekday + i) % 7 < 5:
            count += 1
    return count


def presence_hours(start: date, end: date, weekly_hours: Decimal) -> Decimal:
    return Decimal(working_days(start, end)) * Decimal(weekly_hours) / 5


def monthly_hours(weekly_hours: Decimal) -> Decimal:
    return Decimal(weekly_hours) * WEEKS_PER_YEAR / MONTHS_PER_YEAR


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months of a contract from ``start`` to ``end`` included (1 Sept – 31 Aug = 12)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    return months


@dataclass(frozen=True)
class InternshipTerms:
    presence_hours: Decimal
    presence_days: Decimal  # periods of 7 hours
    gratification_due: bool
    rate: InternshipRate | None  # the highest rate in force during the internship
    hourly_minimum: Decimal  # 0 when not due
    monthly_minimum: Decimal  # 0 when not due, rounded to the cent
    over_six_months: bool


def internship_terms(start: date, end: date, weekly_hours: Decimal, rates: Rates) -> InternshipTerms:
    hours = presence_hours(start, end, weekly_hours)
    due = hours >= GRATIFICATION_FROM_HOURS
    during = rows_during(rates.internship, start, end)
    rate = max(during, key=lambda r: (r.hourly_minimum, r.valid_from)) if during else None
    hourly = rate.hourly_minimum if (due and rate) else Decimal(0)
    monthly = cents(hourly * monthly_hours(weekly_hours)) if due else Decimal(0)
    return InternshipTerms(hours, hours / HOURS_PER_DAY, due, rate, hourly, monthly, hours > MAX_INTERNSHIP_HOURS)


# --- apprentices ------------------------------------------------------------------------------------------------

def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


AGE_BAND_LABELS = {
    0: gettext_noop("under 18"),
    18: gettext_noop("18 to 20"),
    21: gettext_noop("21 to 25"),
    26: gettext_noop("26 and over"),
}


@dataclass(frozen=True)
class ApprenticeMinimum:
    age_from: int
    age_to: int | None
    contract_year: int
    percent: Decimal
    smic: SmicRate
    weekly_hours: Decimal
    amount: Decimal  # € a month, rounded to the cent
    source: str

    @property
    def band(self) -> Message:
        return _m(AGE_BAND_LABELS.get(self.age_from, gettext_noop("%(age)s and over")), age=self.age_from)


def apprentice_minimum(age: int, contract_year: int, start: date, end: date, weekly_hours: Decimal,
                       rates: Rates) -> ApprenticeMinimum | None:
    """The legal minimum of an apprentice of ``age`` in year ``contract_year`` (1–3; later years use year 3),
    working ``weekly_hours``, at the highest SMIC in force during [start, end]. None without rates."""
    year = max(1, min(3, int(contract_year)))
    smic_rows = rows_during(rates.smic, start, end)
    if not smic_rows:
        return None
    smic = max(smic_rows, key=lambda r: (r.monthly, r.valid_from))
    candidates = [r for r in rates.apprentice if r.contract_year == year and r.covers(age)]
    row = in_force(candidates, start)
    if row is None:
        return None
    amount = cents(smic.monthly * row.percent / HUNDRED * Decimal(weekly_hours) / LEGAL_WEEKLY_HOURS)
    return ApprenticeMinimum(row.age_from, row.age_to, year, row.percent, smic, Decimal(weekly_hours), amount,
                             row.source)


def apprentice_grid(contract_year: int, start: date, end: date, weekly_hours: Decimal,
                    rates: Rates) -> list[ApprenticeMinimum]:
    """The minimum of every age band for one contract year (what an apprenticeship offer shows)."""
    ages = sorted({r.age_from for r in rates.apprentice})
    grid = [apprentice_minimum(a, contract_year, start, end, weekly_hours, rates) for a in ages]
    return [g for g in grid if g is not None]


def apprentice_pay_for(offer_pay: Decimal, minimum: ApprenticeMinimum | None) -> Decimal:
    """What an accepted apprentice is paid: the offer, raised to their legal minimum when that is higher."""
    if minimum is None:
        return Decimal(offer_pay)
    return max(Decimal(offer_pay), minimum.amount)


# --- checks of an offer -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfferTerms:
    kind: str
    start: date
    end: date
    weekly_hours: Decimal
    pay_monthly: Decimal
    expires_on: date | None = None
    contract_year: int = 1
    programme_name: str = ""  # the Flow Stage apprenticeship programme, when the offer belongs to it
    programme_months: int = 0
    programme_floor: Decimal | None = None


def check_dates(t: OfferTerms, today: date) -> list[Message]:
    problems = []
    if t.end < t.start:
        problems.append(_m(gettext_noop("The offer ends on %(end)s, before it starts on %(start)s."),
                           end=t.end, start=t.start))
    if t.start < today:
        problems.append(_m(gettext_noop("The offer starts on %(start)s, a date in the past."), start=t.start))
    if t.expires_on is not None:
        if t.expires_on < today:
            problems.append(_m(gettext_noop("The offer expires on %(expires)s, a date in the past."),
                               expires=t.expires_on))
        elif t.expires_on > t.end:
            problems.append(_m(gettext_noop("The offer expires on %(expires)s, after it ends on %(end)s."),
                               expires=t.expires_on, end=t.end))
    return problems


def check_internship(t: OfferTerms, rates: Rates) -> list[Message]:
    problems = []
    terms = internship_terms(t.start, t.end, t.weekly_hours, rates)
    if terms.over_six_months:
        problems.append(_m(gettext_noop(
            "An internship lasts at most six months per teaching year in the same organisation (Code de "
            "l'éducation L124-5), i.e. %(max_hours)s hours of presence: from %(start)s to %(end)s at %(weekly)s "
            "hours a week, this one is %(hours)s hours (%(days)s days of 7 hours)."),
            max_hours=plain(MAX_INTERNSHIP_HOURS), start=t.start, end=t.end, weekly=plain(t.weekly_hours),
            hours=plain(cents(terms.presence_hours)), days=plain(cents(terms.presence_days))))
    if terms.gratification_due and terms.rate is None:
        problems.append(_m(gettext_noop(
            "No internship gratification rate is recorded: Flow Stage staff must add one before internships of "
            "more than two months can be published.")))
    elif terms.gratification_due and Decimal(t.pay_monthly) < terms.monthly_minimum:
        problems.append(_m(gettext_noop(
            "An internship of more than two months (more than 44 days of presence at 7 hours, i.e. from the 309th "
            "hour; this one is %(hours)s hours) must pay at least %(hourly)s € per hour of presence: 15 %% of the "
            "hourly social-security ceiling of %(ceiling)s € in force from %(from)s (Code de l'éducation L124-6, "
            "D124-8). At %(weekly)s hours a week that is %(monthly)s € a month; this offer pays %(pay)s €."),
            hours=plain(cents(terms.presence_hours)), hourly=cents(terms.hourly_minimum),
            ceiling=plain(terms.rate.hourly_ceiling), **{"from": terms.rate.valid_from}, weekly=plain(t.weekly_hours),
            monthly=terms.monthly_minimum, pay=plain(t.pay_monthly)))
    return problems


def check_apprenticeship(t: OfferTerms, rates: Rates) -> list[Message]:
    problems = []
    months = months_between(t.start, t.end)
    if t.programme_months:
        expected_end = add_months(t.start, t.programme_months) - timedelta(days=1)
        if t.end != expected_end:
            problems.append(_m(gettext_noop(
                "The %(programme)s lasts %(months)s months: starting on %(start)s, the contract ends on "
                "%(expected)s, not %(end)s."),
                programme=t.programme_name, months=t.programme_months, start=t.start, expected=expected_end,
                end=t.end))
    elif not APPRENTICESHIP_MIN_MONTHS <= months <= APPRENTICESHIP_MAX_MONTHS:
        problems.append(_m(gettext_noop(
            "An apprenticeship contract lasts from six months to three years (Code du travail L6222-7-1); this one "
            "lasts %(months)s months."), months=months))
    minimum = apprentice_minimum(POSTING_REFERENCE_AGE, t.contract_year, t.start, t.end, t.weekly_hours, rates)
    if minimum is None:
        problems.append(_m(gettext_noop(
            "No SMIC or apprentice pay rate is recorded: Flow Stage staff must add them before apprenticeships can "
            "be published.")))
    elif Decimal(t.pay_monthly) < minimum.amount:
        problems.append(_m(gettext_noop(
            "An apprentice aged %(band)s in year %(year)s of the contract earns at least %(percent)s %% of the SMIC "
            "(Code du travail D6222-26): with the SMIC at %(smic)s € a month for 35 hours (from %(from)s), that is "
            "%(minimum)s € a month at %(weekly)s hours a week; this offer pays %(pay)s €. Older candidates are owed "
            "more (the offer shows the grid)."),
            band=minimum.band, year=minimum.contract_year, percent=plain(minimum.percent), smic=minimum.smic.monthly,
            **{"from": minimum.smic.valid_from}, minimum=minimum.amount, weekly=plain(t.weekly_hours),
            pay=plain(t.pay_monthly)))
    if t.programme_floor is not None and Decimal(t.pay_monthly) < t.programme_floor:
        problems.append(_m(gettext_noop(
            "Offers of the %(programme)s pay at least %(floor)s € a month (the programme's floor, on top of the "
            "legal minimum); this offer pays %(pay)s €."),
            programme=t.programme_name, floor=plain(t.programme_floor), pay=plain(t.pay_monthly)))
    return problems


def check_offer(t: OfferTerms, rates: Rates, today: date) -> list[Message]:
    """Every rule the offer breaks (empty when it may be published), each naming the rule and the figures."""
    problems = check_dates(t, today)
    if Decimal(t.weekly_hours) <= 0 or Decimal(t.weekly_hours) > MAX_WEEKLY_HOURS:
        problems.append(_m(gettext_noop("Weekly hours must be more than 0 and at most %(max)s."),
                           max=plain(MAX_WEEKLY_HOURS)))
        return problems
    if Decimal(t.pay_monthly) < 0:
        problems.append(_m(gettext_noop("The pay cannot be negative.")))
        return problems
    if t.end < t.start:
        return problems
    if t.kind == INTERNSHIP:
        problems += check_internship(t, rates)
    elif t.kind == APPRENTICESHIP:
        problems += check_apprenticeship(t, rates)
    return problems


# --- checks of an agreement -------------------------------------------------------------------------------------

MAX_DAILY_HOURS = Decimal(10)  # Code du travail L3121-18, applied to interns by L124-14


def check_agreement(t: OfferTerms, rates: Rates, *, offer_start: date, offer_end: date, presence_days: int,
                    apprentice_age: int | None = None) -> list[Message]:
    """Every rule the agreement's terms break (empty when they may be signed): its dates within the offer's, the
    hours a day, and the offer's legal rules (six-month ceiling, minimum gratification or apprentice pay), the
    apprentice's pay checked against their own age when it is known."""
    problems = []
    if t.end < t.start:
        return [_m(gettext_noop("The agreement ends on %(end)s, before it starts on %(start)s."),
                   end=t.end, start=t.start)]
    if t.start < offer_start or t.end > offer_end:
        problems.append(_m(gettext_noop(
            "The agreement runs from %(start)s to %(end)s, outside the offer's dates (%(offer_start)s to "
            "%(offer_end)s)."), start=t.start, end=t.end, offer_start=offer_start, offer_end=offer_end))
    if Decimal(t.weekly_hours) <= 0 or Decimal(t.weekly_hours) > MAX_WEEKLY_HOURS:
        problems.append(_m(gettext_noop("Weekly hours must be more than 0 and at most %(max)s."),
                           max=plain(MAX_WEEKLY_HOURS)))
        return problems
    if presence_days < 1:
        problems.append(_m(gettext_noop("Choose the days of presence.")))
    elif Decimal(t.weekly_hours) / presence_days > MAX_DAILY_HOURS:
        problems.append(_m(gettext_noop(
            "%(weekly)s hours over %(days)s days is more than %(max)s hours a day (Code du travail L3121-18, "
            "Code de l'éducation L124-14)."), weekly=plain(t.weekly_hours), days=presence_days,
            max=plain(MAX_DAILY_HOURS)))
    if Decimal(t.pay_monthly) < 0:
        problems.append(_m(gettext_noop("The pay cannot be negative.")))
        return problems
    if t.kind == INTERNSHIP:
        problems += check_internship(t, rates)
    elif t.kind == APPRENTICESHIP:
        problems += check_apprenticeship(t, rates)
        minimum = (apprentice_minimum(apprentice_age, t.contract_year, t.start, t.end, t.weekly_hours, rates)
                   if apprentice_age is not None else None)
        if minimum is not None and Decimal(t.pay_monthly) < minimum.amount:
            problems.append(_m(gettext_noop(
                "This apprentice is %(age)s: in year %(year)s of the contract they earn at least %(percent)s %% of "
                "the SMIC (Code du travail D6222-26), i.e. %(minimum)s € a month at %(weekly)s hours a week; the "
                "agreement pays %(pay)s €."), age=apprentice_age, year=minimum.contract_year,
                percent=plain(minimum.percent), minimum=minimum.amount, weekly=plain(t.weekly_hours),
                pay=plain(t.pay_monthly)))
    return problems

"""careers/matching.py, the pure explainable matching: every component with its edge cases, the hard constraints,
the bands, improvements, ranking, and the fast score equal to the explained one."""
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction as F

import pytest

from careers import matching as m
from lms.messages import Message

D = Decimal


def student(**kw):
    base = dict(
        user_id=1,
        skills={m.normalise("Mixage façade (FOH)"): 4, m.normalise("Câblage et patch"): 4, m.normalise("Pro Tools"): 4,
                m.normalise("Smaart"): 2, m.normalise("Calage de système"): 2},
        fields=frozenset({"sound"}), sectors=frozenset({"live", "festival"}),
        target_roles=(m.tokens("Assistante ingénieure façade"),), target_role_titles=("Assistante ingénieure façade",),
        languages={"english": m.CEFR_RANK["B2"], "french": m.CEFR_RANK["native"]},
        credentials=frozenset(), availability=m.merge_periods([(date(2027, 5, 1), date(2027, 7, 31))]),
        postcode="75020", mobility="national", salary_min=D("600"), genres=frozenset({"rock", "electro"}),
        venue_sizes=frozenset({"1k5k"}),
    )
    base.update(kw)
    return m.StudentFacts(**base)


FOH_REQS = [("Mixage façade (FOH)", 4, True, False), ("Câblage et patch", 3, True, False),
            ("Calage de système", 3, False, False), ("Smaart", 3, False, True), ("Pro Tools", 3, False, True)]
AUDIO = (7, {"en": "Audio Engineer — Flow Stage Ready", "fr": "Audio Engineer — Flow Stage Ready"}, False)


def offer(**kw):
    base = dict(offer_id=1, kind="internship", employer_id=3, title="Assistant Ingénieur FOH", field_code="sound",
                sector="live", start=date(2027, 5, 3), end=date(2027, 7, 30), city="Paris 11e", postcode="75011",
                country="FR", pay=D("700"), requirements=FOH_REQS, languages=[("Anglais", "B1", True)],
                credentials=[AUDIO], genres={"rock", "electro"}, venue_size="1k5k")
    priority = kw.pop("priority", ())
    base.update(kw)
    return m.offer_facts_from_json(m.offer_facts_json(**base), priority)


def q(fraction) -> Decimal:
    """The exact rational, divided once into a Decimal (what the module promises)."""
    fraction = F(fraction)
    return D(fraction.numerator) / D(fraction.denominator)


def comp(explanation, key):
    return next(c for c in explanation.components if key == c.key)


def text(msg) -> str:
    return str(msg)


# --- the weights, the brief's card ---------------------------------------------------------------------------------

def test_weights_are_stated_once_and_sum_to_100():
    assert sum(m.WEIGHTS.values()) == 100
    assert list(m.WEIGHTS) == ["skills", "availability", "field", "location", "credentials", "languages", "pay",
                               "preferences"]


def test_the_brief_card_scores_in_the_nineties_with_every_component_explained():
    e = m.explain(student(), offer())
    # skills: FOH 4/4 ×2, patch 3/3 ×2, calage 2/3, Smaart 2/3, Pro Tools 3/3 → (4 + 2/3 + 2/3 + 1) / 7
    assert comp(e, "skills").percent == q(F(100) * F(19, 3) / 7)
    assert comp(e, "credentials").percent == 50  # none required (half), the valued one missing
    assert e.score == q(F(30) * F(19, 3) / 7 + 20 + F(15) * (80 + F(20) * F(2, 3)) / 100 + 10 + 5 + 5 + 5 + 5)
    assert 90 <= e.score < 100 and e.band == "perfect" and text(e.headline) == "PERFECT INTERNSHIP"
    assert all(c.lines for c in e.components)
    assert text(comp(e, "skills").lines[0]) == "Mixage façade (FOH) advanced: advanced required ✓"
    assert text(comp(e, "availability").lines[0]) == "available 2027-05-01 – 2027-07-31: covers 100 % of the period"
    assert text(comp(e, "location").lines[0]) == "Paris 11e: within your mobility area"


def test_score_equals_explain_to_the_last_digit_on_random_facts():
    rng = random.Random(7)
    names = ["Mixage façade (FOH)", "Câblage et patch", "Smaart", "DMX", "Pro Tools", "Cadrage"]
    for _ in range(400):
        s = student(
            skills={m.normalise(n): rng.randint(1, 5) for n in rng.sample(names, rng.randint(0, 5))},
            languages={"english": rng.randint(0, 7)}, credentials=frozenset(rng.sample([7, 8], rng.randint(0, 2))),
            availability=m.merge_periods([(date(2027, rng.randint(1, 9), 1), date(2027, rng.randint(9, 12), 28))])
            if rng.random() < .8 else (),
            salary_min=D(rng.choice(["0", "500", "700", "900.5"])), mobility=rng.choice(["", "local", "national"]),
            postcode=rng.choice(["", "75020", "13001"]), genres=frozenset(rng.sample(["rock", "jazz"], rng.randint(0, 2))),
            sectors=frozenset(rng.sample(["live", "studio"], rng.randint(0, 2))),
            target_roles=() if rng.random() < .3 else (m.tokens("assistant son"),),
            target_role_titles=("assistant son",))
        o = offer(
            requirements=[(n, rng.randint(1, 5), rng.random() < .5, False) for n in rng.sample(names, rng.randint(0, 4))],
            languages=[("English", rng.choice(m.CEFR), rng.random() < .5)] if rng.random() < .5 else [],
            credentials=[(a, {"en": str(a)}, rng.random() < .3) for a in rng.sample([7, 8, 9], rng.randint(0, 2))],
            pay=D(rng.choice(["0", "650.40", "800"])), postcode=rng.choice(["75011", "13002", "69001"]),
            sector=rng.choice(["", "live", "studio"]), field_code=rng.choice(["", "sound", "image"]),
            venue_size=rng.choice(["", "1k5k"]), genres=set(rng.sample(["rock", "pop"], rng.randint(0, 2))))
        e = m.explain(s, o, improvements=False)
        value, excluded = m.score(s, o)
        assert (value, excluded) == (e.score, e.excluded)


# --- skills -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("have,need,required,expected", [
    (4, 4, True, D(100)), (5, 3, True, D(100)), (3, 4, True, D(75)), (1, 5, False, D(20)), (0, 3, True, D(0)),
])
def test_one_skill_earns_its_level_over_the_level_asked(have, need, required, expected):
    skills = {"dante": have} if have else {}
    e = m.explain(student(skills=skills), offer(requirements=[("Dante", need, required, True)]))
    assert comp(e, "skills").percent == expected


def test_required_skills_weigh_twice_the_nice_ones():
    s = student(skills={"a": 5})
    e = m.explain(s, offer(requirements=[("A", 5, True, False), ("B", 5, False, False)]))
    assert comp(e, "skills").percent == q(F(200, 3))
    e = m.explain(s, offer(requirements=[("A", 5, False, False), ("B", 5, True, False)]))
    assert comp(e, "skills").percent == q(F(100, 3))


def test_no_skill_listed_is_full_and_said():
    e = m.explain(student(), offer(requirements=[]))
    assert comp(e, "skills").percent == 100
    assert text(comp(e, "skills").lines[0]) == "The offer lists no skill or software."


def test_skill_names_meet_across_case_accents_and_punctuation():
    s = student(skills={m.normalise("MIXAGE FACADE - FOH"): 4})
    assert m.normalise("Mixage façade (FOH)") == m.normalise("MIXAGE FACADE - FOH") == "mixage facade foh"
    e = m.explain(s, offer(requirements=[("Mixage façade (FOH)", 4, True, False)]))
    assert comp(e, "skills").percent == 100


def test_skill_sentences_for_partial_and_missing_items():
    e = m.explain(student(skills={"dante": 2}), offer(requirements=[("Dante", 4, True, True), ("Smaart", 3, False, True)]))
    lines = [text(x) for x in comp(e, "skills").lines]
    assert lines == ["Dante beginner: advanced required (50 %)", "Smaart: not in your profile, operational wanted"]


# --- availability -------------------------------------------------------------------------------------------------

def test_availability_share_of_the_offer_days_covered():
    s = student(availability=m.merge_periods([(date(2027, 5, 1), date(2027, 6, 15))]))
    o = offer(start=date(2027, 6, 1), end=date(2027, 6, 30))
    assert comp(m.explain(s, o), "availability").percent == 50


def test_availability_periods_are_merged_and_counted_once():
    periods = m.merge_periods([(date(2027, 6, 1), date(2027, 6, 10)), (date(2027, 6, 5), date(2027, 6, 20)),
                               (date(2027, 6, 21), date(2027, 6, 30))])
    assert len(periods) == 1
    assert comp(m.explain(student(availability=periods), offer(start=date(2027, 6, 1), end=date(2027, 6, 30))),
                "availability").percent == 100


def test_no_availability_given_counts_half_and_is_not_an_exclusion():
    e = m.explain(student(availability=()), offer())
    assert comp(e, "availability").percent == 50 and not e.excluded


def test_dates_that_do_not_overlap_at_all_exclude_and_say_why():
    s = student(availability=m.merge_periods([(date(2027, 9, 1), date(2027, 12, 31))]))
    e = m.explain(s, offer())
    assert e.excluded and e.score == 0 and not e.is_match and not e.improvements
    assert "does not overlap the offer's dates" in text(e.constraints[0])
    assert m.score(s, offer()) == (D(0), True)


def test_one_day_of_overlap_is_not_an_exclusion():
    s = student(availability=m.merge_periods([(date(2027, 7, 30), date(2027, 8, 30))]))
    e = m.explain(s, offer())
    assert not e.excluded and comp(e, "availability").percent == q(F(100, 89))


# --- field and role -----------------------------------------------------------------------------------------------

def test_field_sector_and_role_shares():
    e = m.explain(student(), offer())
    assert comp(e, "field").percent == q(80 + F(20) * F(2, 3))  # "assistant ingenieur" shared of 3 words
    e = m.explain(student(fields=frozenset({"lighting"}), sectors=frozenset({"theatre"}),
                          target_roles=(m.tokens("éclairagiste"),)), offer())
    assert comp(e, "field").percent == 0
    e = m.explain(student(sectors=frozenset(), target_roles=()), offer())
    assert comp(e, "field").percent == 100
    assert [text(x) for x in comp(e, "field").lines][1:] == ["You prefer no sector in particular.",
                                                            "You have no target role: counted in full."]


def test_gendered_and_plural_forms_meet():
    assert m.tokens("Assistante ingénieure") == m.tokens("assistant ingénieur") == {"assistant", "ingenieur"}
    assert m.tokens("Techniciens de la lumière") == {"technicien", "lumier"}


def test_fields_from_the_programme_and_specialisations():
    assert m.fields_of(["Sonorisation live", "Éclairage"], "cinema") == {"sound", "lighting", "image"}
    assert m.fields_of([], "other") == frozenset()


# --- location -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("home,mobility,place,expected", [
    ("75020", "local", "75011", 100), ("93100", "local", "75011", 0), ("93100", "regional", "75011", 100),
    ("13001", "regional", "75011", 0), ("13001", "national", "75011", 100), ("", "national", "75011", 50),
    ("75020", "", "75011", 50), ("20090", "local", "20167", 100), ("20090", "local", "20200", 0),
])
def test_location_by_mobility_zone(home, mobility, place, expected):
    e = m.explain(student(postcode=home, mobility=mobility), offer(postcode=place))
    assert comp(e, "location").percent == expected


def test_abroad_needs_a_europe_or_world_mobility():
    o = offer(country="BE", postcode="1000")
    assert comp(m.explain(student(mobility="national"), o), "location").percent == 0
    assert comp(m.explain(student(mobility="europe"), o), "location").percent == 100
    o = offer(country="CA", postcode="H2X")
    assert comp(m.explain(student(mobility="europe"), o), "location").percent == 0
    assert comp(m.explain(student(mobility="international"), o), "location").percent == 100


# --- credentials --------------------------------------------------------------------------------------------------

def test_credentials_half_required_half_valued():
    req = (8, {"en": "Rigging"}, True)
    assert comp(m.explain(student(credentials=frozenset({7, 8})), offer(credentials=[AUDIO, req])),
                "credentials").percent == 100
    assert comp(m.explain(student(credentials=frozenset({8})), offer(credentials=[AUDIO, req])),
                "credentials").percent == 50
    assert comp(m.explain(student(credentials=frozenset({7})), offer(credentials=[AUDIO, req])),
                "credentials").percent == 50
    assert comp(m.explain(student(), offer(credentials=[])), "credentials").percent == 100


def test_a_missing_required_credential_caps_the_score_at_60():
    req = (8, {"en": "Rigging", "fr": "Accroche"}, True)
    e = m.explain(student(), offer(credentials=[req]), lang="fr")
    assert e.raw_score > 60 and e.score == 60 and e.cap == 60
    assert text(e.constraints[0]) == "Required: Accroche, which you do not hold: the score is capped at 60 %."
    assert m.score(student(), offer(credentials=[req]))[0] == 60
    assert m.explain(student(credentials=frozenset({8})), offer(credentials=[req])).cap is None


def test_a_required_skill_absent_caps_at_75_and_the_lowest_cap_wins():
    o = offer(requirements=FOH_REQS + [("Dante", 2, True, True)], credentials=[])
    e = m.explain(student(), o)
    assert e.raw_score > 75 and e.cap == 75 and e.score == 75
    assert "Dante, absent from your profile" in text(e.constraints[0])
    o = offer(requirements=[("Dante", 2, True, True)], credentials=[(8, {"en": "Rigging"}, True)])
    assert m.explain(student(), o).cap == 60


def test_the_employer_reads_the_same_explanation_in_the_third_person():
    o = offer(credentials=[(8, {"en": "Rigging"}, True)])
    mine, theirs = m.explain(student(postcode=""), o), m.explain(student(postcode=""), o, employer=True)
    assert [c.percent for c in mine.components] == [c.percent for c in theirs.components]
    assert text(comp(theirs, "location").lines[0]) == "Home not given: counted 50 %."
    assert text(theirs.constraints[0]) == "Required: Rigging, which the candidate does not hold: the score is capped at 60 %."
    assert not any("your" in text(x).lower() or "you " in text(x).lower()
                   for c in theirs.components for x in c.lines)
    outside = m.explain(student(mobility="local"), offer(postcode="13001"), employer=True)
    assert text(comp(outside, "location").lines[0]) == "Paris 11e: outside the candidate's mobility area (their department)"


def test_a_cap_never_raises_a_lower_score():
    o = offer(requirements=[("Dante", 5, True, True)] * 1 + [("X", 5, True, False)], credentials=[],
              sector="studio", field_code="image", pay=D("100"))
    e = m.explain(student(), o)
    assert e.raw_score < 75 and e.score == e.raw_score
    assert e.cap is None and e.constraints == ()  # a cap that changes nothing is not stated


# --- languages, pay, preferences ------------------------------------------------------------------------------------

def test_languages_levels_and_aliases():
    assert m.language_key("Anglais") == m.language_key("english") == "english"
    assert comp(m.explain(student(), offer(languages=[("English", "C1", True)])), "languages").percent == D(400) / 5
    assert comp(m.explain(student(), offer(languages=[("Allemand", "A1", False)])), "languages").percent == 0
    assert comp(m.explain(student(), offer(languages=[("Français", "native", True)])), "languages").percent == 100
    assert comp(m.explain(student(), offer(languages=[])), "languages").percent == 100


@pytest.mark.parametrize("pay,wanted,expected", [
    ("700", "600", D(100)), ("600", "600", D(100)), ("300", "600", D(50)), ("0", "600", D(0)), ("300", None, D(100)),
    ("300", "0", D(100)),
])
def test_pay_against_the_expected_minimum(pay, wanted, expected):
    s = student(salary_min=None if wanted is None else D(wanted))
    assert comp(m.explain(s, offer(pay=D(pay))), "pay").percent == expected


def test_preferences_genres_and_venue_sizes():
    assert comp(m.explain(student(), offer()), "preferences").percent == 100
    assert comp(m.explain(student(), offer(genres={"jazz"})), "preferences").percent == 50
    assert comp(m.explain(student(), offer(genres={"jazz"}, venue_size="gt15k")), "preferences").percent == 0
    assert comp(m.explain(student(genres=frozenset(), venue_sizes=frozenset()), offer(genres={"jazz"})),
                "preferences").percent == 100
    line = comp(m.explain(student(), offer(genres={"rock", "electro"})), "preferences").lines[0]
    assert isinstance(line, Message) and text(line) == "Electronic/Rock: genres you like ✓"


# --- kinds, bands, improvements, ranking --------------------------------------------------------------------------

def test_looking_only_for_the_other_kind_excludes():
    e = m.explain(student(kinds=frozenset({"apprenticeship"})), offer())
    assert e.excluded and text(e.constraints[0]) == "You are looking for apprenticeships only."


@pytest.mark.parametrize("value,band", [(D(90), "perfect"), (D("89.99"), "strong"), (D(75), "strong"),
                                        (D(60), "good"), (D(40), "fair"), (D("39.9"), "weak"), (D(0), "weak")])
def test_bands(value, band):
    assert m.band(value) == band


def test_headline_by_kind():
    assert text(m.headline(D(95), "apprenticeship")) == "PERFECT APPRENTICESHIP"
    assert text(m.headline(D(80), "internship")) == "STRONG MATCH"


def test_improvements_are_exact_gains_largest_first():
    e = m.explain(student(), offer())
    assert [i.kind for i in e.improvements] == ["credential", "skill", "skill"]
    cred = e.improvements[0]
    assert cred.gain == 5 and text(cred.message) == "obtain Audio Engineer — Flow Stage Ready: +5.0 %"
    better = m.explain(replace(student(), credentials=frozenset({7})), offer())
    assert better.score - e.score == cred.gain
    smaart = next(i for i in e.improvements if i.name == "Smaart")
    better = replace(student(), skills={**student().skills, "smaart": 3})
    assert smaart.gain == m.score(better, offer())[0] - e.score
    assert abs(smaart.gain - q(F(30, 21))) < D("1e-25")  # one more 60th of weight 1 over 7, × 30
    assert text(smaart.message) == "operational level in Smaart: +1.4 %"


def test_improvements_include_the_removal_of_a_cap():
    o = offer(credentials=[(8, {"en": "Rigging"}, True)])
    e = m.explain(student(), o)
    assert e.improvements[0].kind == "credential" and e.improvements[0].gain == e.raw_score + 5 - 60


def test_rank_orders_priority_matches_first_then_by_score():
    s = student()
    best = offer(offer_id=1)
    weaker = offer(offer_id=2, genres={"jazz"}, venue_size="gt15k")
    priority = offer(offer_id=3, genres={"jazz"}, venue_size="gt15k", sector="studio",
                     priority=(date(2026, 11, 1).toordinal(), date(2026, 12, 31).toordinal()))
    expired_priority = offer(offer_id=4, priority=(date(2026, 1, 1).toordinal(), date(2026, 1, 31).toordinal()))
    excluded = offer(offer_id=5, start=date(2027, 10, 1), end=date(2027, 12, 1))
    ranked = m.rank(s, [weaker, excluded, priority, best, expired_priority], date(2026, 11, 30))
    assert [r.offer.id for r in ranked] == [3, 1, 4, 2, 5]
    assert ranked[0].priority and not ranked[2].priority and ranked[-1].excluded
    assert [r.offer.id for r in m.rank(s, [excluded, best], date(2026, 11, 30), matches_only=True)] == [1]


def test_a_priority_offer_that_does_not_match_is_not_first():
    s = student()
    far = offer(offer_id=9, start=date(2027, 10, 1), end=date(2027, 12, 1),
                priority=(date(2026, 11, 1).toordinal(), date(2026, 12, 31).toordinal()))
    ranked = m.rank(s, [far, offer(offer_id=1)], date(2026, 11, 30))
    assert [r.offer.id for r in ranked] == [1, 9] and not ranked[1].priority


def test_no_float_anywhere():
    e = m.explain(student(), offer())
    assert all(isinstance(c.percent, Decimal) and isinstance(c.points, Decimal) for c in e.components)
    assert isinstance(e.score, Decimal) and isinstance(m.score(student(), offer())[0], Decimal)


def test_facts_round_trip_through_json():
    import json

    data = json.loads(json.dumps(m.offer_facts_json(
        offer_id=5, kind="apprenticeship", employer_id=2, title="Alternance", field_code="tech", sector="", start=date(2027, 9, 1),
        end=date(2028, 8, 31), city="Paris", postcode="75010", country="FR", pay=D("850.00"),
        requirements=[("CRM", 2, False, True)], languages=[], credentials=[], genres=set(), venue_size="",
        programme=True)))
    f = m.offer_facts_from_json(data)
    assert (f.kind, f.programme, f.pay, f.pay_cents, f.skill_den) == ("apprenticeship", True, D("850.00"), 85000, 60)

"""Explainable matching of a student and an internship or apprenticeship offer.

Pure Python, no Django import, exact arithmetic (like ``lms/scoring.py`` and ``exams/grading.py``): every component
is an exact fraction of integers, the score their exact weighted sum, divided once into a Decimal; never a float.
``StudentFacts`` and ``OfferFacts`` are plain values: ``careers.selectors`` builds a student's from their profile,
cohort, certifications and credentials; an offer's are computed when it is saved (``offer_facts_json``, stored in
``Offer.facts``) so that ranking thousands of offers reads one column and scores them without building a sentence
(``score``); the sentences are written only for the offers a page shows (``explain``).

RULES (stated once, used everywhere)

The score is the weighted sum of eight components, each a percentage in [0, 100]. The weights are ``WEIGHTS``
(they sum to exactly 100, checked at import by ``lms.scoring``):

| key          | weight | 100 % when                                                                                   |
| ------------ | ------ | -------------------------------------------------------------------------------------------- |
| skills       | 30     | each skill or software the offer lists is at its level. A required item weighs 2, a          |
|              |        | nice-to-have 1; an item below its level earns (level held / level asked), a missing one 0.   |
|              |        | No item listed: 100 %.                                                                       |
| availability | 20     | the student's availability periods cover every day of the offer's period (share of its days |
|              |        | covered). No availability given: 50 %.                                                       |
| field        | 15     | the offer's specialisation is one the student trains in (50 of the 100), its sector is one   |
|              |        | they prefer (30; preferring none counts in full), the role shares the words of one of their  |
|              |        | target roles (20 × the share of the role's words; no target role counts in full).           |
| location     | 10     | the place is inside the student's mobility area (else 0). Unknown home or mobility: 50 %.    |
| credentials  | 10     | half: every required certification or badge held (none required: full); half: the share of |
|              |        | the valued ones held (none valued: full). Held = a valid credential or a passed certification.|
| languages    | 5      | each language at its CEFR level (required weighs 2, nice 1; below: rank held / rank asked).  |
|              |        | None listed: 100 %.                                                                          |
| pay          | 5      | the monthly pay reaches the student's expected minimum (else pay / minimum). No expectation: |
|              |        | 100 %.                                                                                       |
| preferences  | 5      | genres (half: a genre shared) and venue size (half: one of the student's sizes); a side      |
|              |        | without genres or sizes counts that half in full.                                           |

Hard constraints, applied to the weighted sum, each stated with its reason:
- EXCLUDED (score 0, never a match): the offer's dates and the student's availability do not overlap at all; the
  student looks only for the other kind of contract (internship / apprenticeship).
- CAPPED at 60 %: a required certification or badge is not held. CAPPED at 75 %: a required skill or software is
  absent from the profile. The lowest cap applies.

Bands, the card's headline: ≥ 90 perfect ("STAGE PARFAIT"), ≥ 75 strong, ≥ 60 good, ≥ 40 worth a look, else weak.
A *match* is an offer that is not excluded and scores at least ``MATCH_THRESHOLD`` (40). In a ranking, a priority
offer (a paid "offre prioritaire" within its period) that matches comes before the others; then by score, start
date and id.

Improvements ("what would raise the score"): for each listed skill, language or credential the student lacks or
holds below its level, the exact gain of reaching it with everything else unchanged (caps included), largest first.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import NamedTuple

from lms import scoring
from lms.messages import Message, gettext_noop
from lms.messages import message as _m

from . import geo

INTERNSHIP, APPRENTICESHIP = "internship", "apprenticeship"

# key, English label (a message template), weight
COMPONENTS = (
    ("skills", gettext_noop("Skills and software"), "30"),
    ("availability", gettext_noop("Availability"), "20"),
    ("field", gettext_noop("Field and role"), "15"),
    ("location", gettext_noop("Location"), "10"),
    ("credentials", gettext_noop("Certifications and badges"), "10"),
    ("languages", gettext_noop("Languages"), "5"),
    ("pay", gettext_noop("Pay"), "5"),
    ("preferences", gettext_noop("Genres and venues"), "5"),
)
SCHEME = scoring.Scheme.of(COMPONENTS, pass_mark="0")  # checks the weights sum to exactly 100
WEIGHTS = {c.key: c.weight for c in SCHEME.components}
KEYS = tuple(WEIGHTS)

REQUIRED_WEIGHT, NICE_WEIGHT = 2, 1
FIELD_SHARE, SECTOR_SHARE, ROLE_SHARE = 50, 30, 20  # of the field component (out of 100)
CAP_MISSING_CREDENTIAL = 60  # percent
CAP_MISSING_SKILL = 75
MATCH_THRESHOLD = Decimal(40)
BANDS = ((Decimal(90), "perfect"), (Decimal(75), "strong"), (Decimal(60), "good"), (Decimal(40), "fair"),
         (Decimal(0), "weak"))
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
_D = [Decimal(i) for i in range(0, 101)]

# --- vocabularies (codes the data stores; English labels are message templates) -------------------------------

LEVELS = {1: gettext_noop("notions"), 2: gettext_noop("beginner"), 3: gettext_noop("operational"),
          4: gettext_noop("advanced"), 5: gettext_noop("expert")}
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
CEFR_RANK = {code: i for i, code in enumerate(CEFR, start=1)}
FIELDS = (
    ("sound", gettext_noop("Sound")),
    ("lighting", gettext_noop("Lighting")),
    ("image", gettext_noop("Image")),
    ("stage", gettext_noop("Stage and rigging")),
    ("production", gettext_noop("Production")),
    ("post", gettext_noop("Post-production")),
    ("business", gettext_noop("Business development")),
    ("tech", gettext_noop("Digital technology")),
)
SECTORS = (  # the same codes as the profile's preferred sectors (lms.accounts SectorPreference)
    ("live", gettext_noop("Live / concerts")),
    ("studio", gettext_noop("Recording studio")),
    ("broadcast", gettext_noop("Broadcast (TV, radio)")),
    ("film", gettext_noop("Film and series")),
    ("post", gettext_noop("Post-production")),
    ("theatre", gettext_noop("Theatre and performing arts")),
    ("events", gettext_noop("Corporate events")),
    ("festival", gettext_noop("Festivals")),
    ("games", gettext_noop("Video games")),
)
GENRES = (
    ("rock", gettext_noop("Rock")), ("electro", gettext_noop("Electronic")), ("pop", gettext_noop("Pop")),
    ("hiphop", gettext_noop("Hip-hop")), ("jazz", gettext_noop("Jazz")), ("classical", gettext_noop("Classical")),
    ("world", gettext_noop("World music")), ("chanson", gettext_noop("Chanson")), ("metal", gettext_noop("Metal")),
    ("theatre", gettext_noop("Theatre")), ("dance", gettext_noop("Dance")), ("film", gettext_noop("Film and TV")),
)
VENUE_SIZES = (
    ("lt1k", gettext_noop("Venues under 1K")),
    ("1k5k", gettext_noop("Venues 1K–5K")),
    ("5k15k", gettext_noop("Venues 5K–15K")),
    ("gt15k", gettext_noop("Arenas and festivals over 15K")),
    ("studio", gettext_noop("Studio / no audience")),
)
ZONE_LABELS = {geo.LOCAL: gettext_noop("your department"), geo.REGIONAL: gettext_noop("your region"),
               geo.NATIONAL: gettext_noop("your country"), geo.EUROPE_ZONE: gettext_noop("Europe"),
               geo.INTERNATIONAL: gettext_noop("the world")}
KIND_LABELS = {INTERNSHIP: gettext_noop("internships"), APPRENTICESHIP: gettext_noop("apprenticeships")}
_FIELD_LABELS, _SECTOR_LABELS = dict(FIELDS), dict(SECTORS)
_GENRE_LABELS, _VENUE_LABELS = dict(GENRES), dict(VENUE_SIZES)

# Words that say which field a specialisation or a programme is in (accents stripped, lower case, word starts).
FIELD_KEYWORDS = {
    "sound": ("son", "sono", "sound", "audio", "mix", "prise de son", "ingenieur son", "retours", "facade"),
    "lighting": ("lumiere", "eclairag", "light", "eclairagiste", "pupitre"),
    "image": ("image", "camera", "cadr", "video", "photo", "cinema", "realisation", "etalonnage"),
    "stage": ("plateau", "machinerie", "rigging", "accroche", "regie plateau", "scene"),
    "production": ("production", "regie generale", "booking", "tour"),
    "post": ("post", "montage", "mastering", "monteu"),
    "business": ("business", "commercial", "vente", "marketing"),
    "tech": ("developpe", "informatique", "digital", "numerique", "data", "logiciel"),
}
PROGRAMME_DOMAIN_FIELDS = {"sound": "sound", "lighting": "lighting", "cinema": "image", "animation": "image"}
LANGUAGE_ALIASES = {
    "anglais": "english", "english": "english", "francais": "french", "french": "french",
    "espagnol": "spanish", "spanish": "spanish", "allemand": "german", "german": "german",
    "italien": "italian", "italian": "italian", "portugais": "portuguese", "portuguese": "portuguese",
    "neerlandais": "dutch", "dutch": "dutch", "chinois": "chinese", "chinese": "chinese",
    "japonais": "japanese", "japanese": "japanese", "arabe": "arabic", "arabic": "arabic",
}
STOP_WORDS = frozenset("de du des la le les l d et en a au aux pour the of and in for un une".split())

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Case-folded, accents stripped, every run of other characters one space: "Façade (FOH)" -> "facade foh"."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_WORD.sub(" ", text).strip()


def _stem(word: str) -> str:
    """A light French/English stem so that gendered and plural forms meet: assistante -> assistant."""
    if len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("e"):
        word = word[:-1]
    return word


def tokens(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in normalise(text).split() if w not in STOP_WORDS)


def language_key(name: str) -> str:
    key = normalise(name)
    return LANGUAGE_ALIASES.get(key, key)


def fields_of(texts, programme_domain: str = "") -> frozenset[str]:
    """The fields (``FIELDS`` codes) a student trains in, from their programme's domain and specialisations."""
    found = set()
    if programme_domain in PROGRAMME_DOMAIN_FIELDS:
        found.add(PROGRAMME_DOMAIN_FIELDS[programme_domain])
    for text in texts:
        words = " " + normalise(text) + " "
        for code, keys in FIELD_KEYWORDS.items():
            if any(" " + k in words for k in keys):
                found.add(code)
    return frozenset(found)


def merge_periods(periods) -> tuple[tuple[int, int], ...]:
    """(start, end) date or ordinal pairs -> sorted, merged ordinal pairs (adjacent days joined)."""
    spans = sorted((_ordinal(a), _ordinal(b)) for a, b in periods if a is not None and b is not None)
    merged: list[list[int]] = []
    for a, b in spans:
        if b < a:
            continue
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


def _ordinal(d) -> int:
    return d.toordinal() if isinstance(d, date) else int(d)


# The same sentences for an employer reading a candidate's explanation (third person): ``for_employer``.
EMPLOYER_WORDING = {
    "%(name)s: not in your profile, %(need)s required": gettext_noop("%(name)s: not in the profile, %(need)s required"),
    "%(name)s: not in your profile, %(need)s wanted": gettext_noop("%(name)s: not in the profile, %(need)s wanted"),
    "You have not said when you are available: counted %(pct)s %%.":
        gettext_noop("Availability not given: counted %(pct)s %%."),
    "%(field)s: one of your specialisations ✓": gettext_noop("%(field)s: one of the candidate's specialisations ✓"),
    "%(field)s: not one of your specialisations":
        gettext_noop("%(field)s: not one of the candidate's specialisations"),
    "You prefer no sector in particular.": gettext_noop("No preferred sector given."),
    "%(sector)s: one of your preferred sectors ✓":
        gettext_noop("%(sector)s: one of the candidate's preferred sectors ✓"),
    "%(sector)s: not one of your preferred sectors":
        gettext_noop("%(sector)s: not one of the candidate's preferred sectors"),
    "You have no target role: counted in full.": gettext_noop("No target role given: counted in full."),
    "“%(title)s”: close to your target role “%(target)s” (%(pct)s %%)":
        gettext_noop("“%(title)s”: close to the candidate's target role “%(target)s” (%(pct)s %%)"),
    "“%(title)s”: unlike your target roles": gettext_noop("“%(title)s”: unlike the candidate's target roles"),
    "We do not know where you live: counted %(pct)s %%.": gettext_noop("Home not given: counted %(pct)s %%."),
    "You have not said how far you would move: counted %(pct)s %%.":
        gettext_noop("Mobility not given: counted %(pct)s %%."),
    "%(place)s: within your mobility area": gettext_noop("%(place)s: within the candidate's mobility area"),
    "%(place)s: outside your mobility area (%(area)s)":
        gettext_noop("%(place)s: outside the candidate's mobility area (%(area)s)"),
    "your department": gettext_noop("their department"),
    "your region": gettext_noop("their region"),
    "your country": gettext_noop("their country"),
    "%(language)s: not in your profile, %(need)s required":
        gettext_noop("%(language)s: not in the profile, %(need)s required"),
    "%(language)s: not in your profile, %(need)s wanted":
        gettext_noop("%(language)s: not in the profile, %(need)s wanted"),
    "You have not stated a pay expectation.": gettext_noop("No pay expectation given."),
    "%(pay)s € a month: reaches your expected %(min)s € ✓":
        gettext_noop("%(pay)s € a month: reaches the expected %(min)s € ✓"),
    "%(pay)s € a month: below your expected %(min)s €": gettext_noop("%(pay)s € a month: below the expected %(min)s €"),
    "You gave no favourite genre.": gettext_noop("No favourite genre given."),
    "%(genres)s: genres you like ✓": gettext_noop("%(genres)s: genres the candidate likes ✓"),
    "%(genres)s: none of your genres": gettext_noop("%(genres)s: none of the candidate's genres"),
    "You gave no preferred venue size.": gettext_noop("No preferred venue size given."),
    "%(size)s: a venue size you like ✓": gettext_noop("%(size)s: a venue size the candidate likes ✓"),
    "%(size)s: not a venue size you chose": gettext_noop("%(size)s: not a venue size the candidate chose"),
    "You are looking for %(kinds)s only.": gettext_noop("The candidate looks for %(kinds)s only."),
    "Your availability does not overlap the offer's dates (%(start)s – %(end)s) at all.":
        gettext_noop("The candidate's availability does not overlap the offer's dates (%(start)s – %(end)s) at all."),
    "Required: %(name)s, which you do not hold: the score is capped at %(cap)s %%.":
        gettext_noop("Required: %(name)s, which the candidate does not hold: the score is capped at %(cap)s %%."),
    "Required: %(name)s, absent from your profile: the score is capped at %(cap)s %%.":
        gettext_noop("Required: %(name)s, absent from the profile: the score is capped at %(cap)s %%."),
}


def for_employer(msg):
    """A sentence of an explanation reworded in the third person, for the employer reading it."""
    if not isinstance(msg, Message):
        return msg
    template = EMPLOYER_WORDING.get(msg.template, msg.template) if isinstance(msg.template, str) else msg.template
    return Message(template, {k: for_employer(v) for k, v in msg.params.items()}, msg.english)


# --- facts ------------------------------------------------------------------------------------------------------

SKILL_UNIT = 60  # lcm(1..5): an item's credit have/need is an integer number of 60ths
LANGUAGE_UNIT = 420  # lcm(1..7) for CEFR ranks


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class StudentFacts:
    user_id: int = 0
    skills: dict = field(default_factory=dict)  # normalised name -> level 1..5 (technical skills and software)
    fields: frozenset = frozenset()
    sectors: frozenset = frozenset()
    target_roles: tuple = ()  # token sets
    target_role_titles: tuple = ()
    languages: dict = field(default_factory=dict)  # language key -> CEFR rank 1..7
    credentials: frozenset = frozenset()  # achievement ids held (valid credential or certification passed)
    availability: tuple = ()  # merged (start, end) ordinals
    postcode: str = ""
    country: str = "FR"
    mobility: str = ""
    salary_min: Decimal | None = None  # € a month
    kinds: frozenset = frozenset()  # kinds sought; empty: both
    genres: frozenset = frozenset()
    venue_sizes: frozenset = frozenset()
    salary_min_cents: int = 0  # derived from salary_min when built

    def __post_init__(self):
        wanted = _cents(self.salary_min) if self.salary_min is not None and self.salary_min > 0 else 0
        object.__setattr__(self, "salary_min_cents", wanted)


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str  # normalised name
    name: str  # as the employer wrote it
    level: int  # 1..5
    required: bool
    software: bool = False

    @property
    def weight(self) -> int:
        return REQUIRED_WEIGHT if self.required else NICE_WEIGHT


@dataclass(frozen=True, slots=True)
class LanguageNeed:
    key: str
    name: str
    level: str  # CEFR code
    required: bool

    @property
    def rank(self) -> int:
        return CEFR_RANK.get(self.level, 1)

    @property
    def weight(self) -> int:
        return REQUIRED_WEIGHT if self.required else NICE_WEIGHT


@dataclass(frozen=True, slots=True)
class CredentialNeed:
    achievement_id: int
    names: dict  # {"en": …, "fr": …}
    required: bool


@dataclass(frozen=True, slots=True)
class OfferFacts:
    id: int
    kind: str = INTERNSHIP
    employer_id: int = 0
    title: str = ""
    title_tokens: frozenset = frozenset()
    field: str = ""
    sector: str = ""
    start: int = 0  # ordinal
    end: int = 0
    city: str = ""
    postcode: str = ""
    country: str = "FR"
    pay: Decimal = ZERO  # € a month
    requirements: tuple = ()
    languages: tuple = ()
    credentials: tuple = ()
    genres: frozenset = frozenset()
    venue_size: str = ""
    programme: bool = False
    priority: tuple = ()  # (first day, last day) ordinals of a paid priority period, () for none
    published: int = 0  # ordinal of the day it was published (0: unknown); the schools' priority access reads it
    # derived from the above when built (``offer_facts_from_json``), for the ranking's integer arithmetic
    skill_terms: tuple = ()  # (key, level, weight × 60 / level, required)
    skill_den: int = 1  # 60 × Σ weights
    language_terms: tuple = ()  # (key, rank, weight × 420 / rank)
    language_den: int = 1
    required_credentials: tuple = ()
    valued_credentials: tuple = ()
    pay_cents: int = 0


def offer_facts_json(*, offer_id, kind, employer_id, title, field_code, sector, start, end, city, postcode,
                     country, pay, requirements, languages, credentials, genres, venue_size, programme=False) -> dict:
    """The JSON stored in ``Offer.facts`` (computed by ``careers.services`` whenever the offer changes).
    ``requirements``: (name, level, required, software); ``languages``: (name, CEFR code, required);
    ``credentials``: (achievement id, {"en", "fr"} names, required)."""
    return {
        "v": 1, "id": offer_id, "kind": kind, "employer": employer_id, "title": title,
        "title_tokens": sorted(tokens(title)), "field": field_code, "sector": sector, "start": start.toordinal(),
        "end": end.toordinal(), "city": city, "postcode": postcode, "country": country or "FR",
        "pay": f"{Decimal(pay):f}",
        "req": [[normalise(n), n, max(1, min(5, int(lv))), bool(r), bool(sw)] for n, lv, r, sw in requirements],
        "lang": [[language_key(n), n, lv, bool(r)] for n, lv, r in languages],
        "cred": [[int(a), names, bool(r)] for a, names, r in credentials],
        "genres": sorted(genres), "venue": venue_size, "programme": bool(programme),
    }


def offer_facts_from_json(data: dict, priority: tuple = ()) -> OfferFacts:
    reqs = tuple(Requirement(k, n, lv, r, sw) for k, n, lv, r, sw in data.get("req", ()))
    langs = tuple(LanguageNeed(k, n, lv, r) for k, n, lv, r in data.get("lang", ()))
    creds = tuple(CredentialNeed(a, names, r) for a, names, r in data.get("cred", ()))
    title = data.get("title", "")
    title_tokens = data.get("title_tokens")
    return OfferFacts(
        id=data["id"], kind=data.get("kind", INTERNSHIP), employer_id=data.get("employer") or 0, title=title,
        title_tokens=frozenset(title_tokens) if title_tokens is not None else tokens(title),
        field=data.get("field", ""), sector=data.get("sector", ""), start=data["start"], end=data["end"],
        city=data.get("city", ""), postcode=data.get("postcode", ""), country=data.get("country", "FR"),
        pay=Decimal(data.get("pay", "0")), requirements=reqs, languages=langs, credentials=creds,
        genres=frozenset(data.get("genres", ())), venue_size=data.get("venue", ""),
        programme=bool(data.get("programme")), priority=tuple(priority),
        skill_terms=tuple((r.key, r.level, r.weight * SKILL_UNIT // r.level, r.required) for r in reqs),
        skill_den=SKILL_UNIT * sum(r.weight for r in reqs) or 1,
        language_terms=tuple((x.key, x.rank, x.weight * LANGUAGE_UNIT // x.rank) for x in langs),
        language_den=LANGUAGE_UNIT * sum(x.weight for x in langs) or 1,
        required_credentials=tuple(c.achievement_id for c in creds if c.required),
        valued_credentials=tuple(c.achievement_id for c in creds if not c.required),
        pay_cents=_cents(data.get("pay", "0")),
    )


# --- results ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComponentResult:
    key: str
    label: Message
    weight: Decimal
    percent: Decimal
    points: Decimal  # percent × weight / 100
    lines: tuple = ()  # Messages, one per fact that made the percentage


@dataclass(frozen=True)
class Improvement:
    kind: str  # "skill" | "language" | "credential"
    key: str  # normalised skill name, language key, or achievement id (as text)
    name: str
    target: str  # level or CEFR code asked ("" for a credential)
    gain: Decimal  # exact points of score gained
    message: Message


@dataclass(frozen=True)
class Explanation:
    offer_id: int
    score: Decimal  # exact, after the hard constraints
    raw_score: Decimal  # the weighted sum before them
    excluded: bool
    cap: Decimal | None
    band: str
    headline: Message
    components: tuple = ()
    constraints: tuple = ()  # Messages: why excluded or capped
    improvements: tuple = ()

    @property
    def rounded(self) -> int:
        return int(self.score.quantize(ONE, rounding=ROUND_HALF_UP))

    @property
    def is_match(self) -> bool:
        return not self.excluded and self.score >= MATCH_THRESHOLD


def band(score: Decimal) -> str:
    for threshold, name in BANDS:
        if score >= threshold:
            return name
    return "weak"


def headline(score: Decimal, kind: str) -> Message:
    name = band(score)
    if name == "perfect":
        return _m(gettext_noop("PERFECT APPRENTICESHIP") if kind == APPRENTICESHIP
                  else gettext_noop("PERFECT INTERNSHIP"))
    return _m({"strong": gettext_noop("STRONG MATCH"), "good": gettext_noop("GOOD MATCH"),
               "fair": gettext_noop("WORTH A LOOK")}.get(name, gettext_noop("WEAK MATCH")))


def plain(value: Decimal) -> Decimal:
    """An amount as people write it: 600.00 -> 600, 682.50 stays (never an exponent)."""
    value = Decimal(value)
    return value.quantize(ONE) if value == value.to_integral_value() else value


def pct(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- the components ---------------------------------------------------------------------------------------------
# Each component is an exact fraction (numerator, denominator) of 100 %: integers, so that ranking thousands of
# offers costs integer arithmetic and one Decimal division per offer. The score in percent is
# Σ weight × numerator / denominator, summed exactly (``_combine``) and divided once into a Decimal (28 digits).
# Each ``_component(s, o, notes)`` appends its sentences to ``notes`` (a list) when given; ``score`` repeats the
# same integer arithmetic inline (no call per component) and tests/careers/test_matching.py keeps the two equal.

def percent(frac: tuple[int, int]) -> Decimal:
    num, den = frac
    return Decimal(100 * num) / Decimal(den)


def _combine(fracs) -> tuple[int, int]:
    """Σ weight × num / den over the components, as one exact fraction (the score in percent)."""
    total_num, total_den = 0, 1
    for weight, (num, den) in zip(_INT_WEIGHTS, fracs):
        total_num = total_num * den + weight * num * total_den
        total_den *= den
    return total_num, total_den


def _skills(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    if not o.requirements:
        if notes is not None:
            notes.append(_m(gettext_noop("The offer lists no skill or software.")))
        return 1, 1
    num = 0
    for r in o.requirements:
        have = min(s.skills.get(r.key, 0), 5)
        num += r.weight * min(have, r.level) * (SKILL_UNIT // r.level)
        if notes is None:
            continue
        need = _m(LEVELS[r.level])
        if have == 0:
            notes.append(_m(gettext_noop("%(name)s: not in your profile, %(need)s required") if r.required
                            else gettext_noop("%(name)s: not in your profile, %(need)s wanted"), name=r.name, need=need))
        elif have >= r.level:
            notes.append(_m(gettext_noop("%(name)s %(have)s: %(need)s required ✓") if r.required
                            else gettext_noop("%(name)s %(have)s: %(need)s wanted ✓"),
                            name=r.name, have=_m(LEVELS[have]), need=need))
        else:
            notes.append(_m(gettext_noop("%(name)s %(have)s: %(need)s required (%(credit)s %%)") if r.required
                            else gettext_noop("%(name)s %(have)s: %(need)s wanted (%(credit)s %%)"),
                            name=r.name, have=_m(LEVELS[have]), need=need, credit=pct(percent((have, r.level)))))
    return num, o.skill_den


def _covered_days(s: StudentFacts, o: OfferFacts) -> int:
    days = 0
    for a, b in s.availability:
        lo, hi = max(a, o.start), min(b, o.end)
        if lo <= hi:
            days += hi - lo + 1
    return days


def _availability(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    if not s.availability:
        if notes is not None:
            notes.append(_m(gettext_noop("You have not said when you are available: counted %(pct)s %%."), pct=50))
        return 1, 2
    covered = _covered_days(s, o)
    frac = (covered, max(o.end - o.start + 1, 1))
    if notes is not None and covered:
        overlapping = [(a, b) for a, b in s.availability if a <= o.end and b >= o.start]
        notes.append(_m(gettext_noop("available %(start)s – %(end)s: covers %(pct)s %% of the period"),
                        start=date.fromordinal(overlapping[0][0]), end=date.fromordinal(overlapping[-1][1]),
                        pct=pct(percent(frac))))
    return frac


def _role_overlap(s: StudentFacts, o: OfferFacts) -> tuple[int, int]:
    """(best number of shared words, index of that target role)."""
    best, best_i = 0, 0
    for i, role in enumerate(s.target_roles):
        shared = len(o.title_tokens & role)
        if shared > best:
            best, best_i = shared, i
    return best, best_i


def _field(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    shares = 0  # out of 100
    if not o.field or o.field in s.fields:
        shares += FIELD_SHARE
    if not s.sectors or not o.sector or o.sector in s.sectors:
        shares += SECTOR_SHARE
    if not s.target_roles or not o.title_tokens:
        words, best, best_i = 1, 1, 0
    else:
        words = len(o.title_tokens)
        best, best_i = _role_overlap(s, o)
    if notes is not None:
        if o.field:
            label = _m(_FIELD_LABELS.get(o.field, o.field))
            notes.append(_m(gettext_noop("%(field)s: one of your specialisations ✓"), field=label) if o.field in s.fields
                         else _m(gettext_noop("%(field)s: not one of your specialisations"), field=label))
        if not s.sectors:
            notes.append(_m(gettext_noop("You prefer no sector in particular.")))
        elif o.sector:
            label = _m(_SECTOR_LABELS.get(o.sector, o.sector))
            notes.append(_m(gettext_noop("%(sector)s: one of your preferred sectors ✓"), sector=label)
                         if o.sector in s.sectors else
                         _m(gettext_noop("%(sector)s: not one of your preferred sectors"), sector=label))
        if not s.target_roles:
            notes.append(_m(gettext_noop("You have no target role: counted in full.")))
        elif o.title_tokens and best:
            notes.append(_m(gettext_noop("“%(title)s”: close to your target role “%(target)s” (%(pct)s %%)"),
                            title=o.title, target=s.target_role_titles[best_i], pct=pct(percent((best, words)))))
        elif o.title_tokens:
            notes.append(_m(gettext_noop("“%(title)s”: unlike your target roles"), title=o.title))
    return shares * words + ROLE_SHARE * best, 100 * words


def _place(o: OfferFacts) -> str:
    return o.city or o.postcode


def _location(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    zone = geo.smallest_zone(s.postcode, s.country, o.postcode, o.country)
    if zone is None or not s.mobility:
        if notes is not None:
            notes.append(_m(gettext_noop("We do not know where you live: counted %(pct)s %%.") if zone is None
                            else gettext_noop("You have not said how far you would move: counted %(pct)s %%."), pct=50))
        return 1, 2
    if geo.within(s.mobility, zone):
        if notes is not None:
            notes.append(_m(gettext_noop("%(place)s: within your mobility area"), place=_place(o)))
        return 1, 1
    if notes is not None:
        notes.append(_m(gettext_noop("%(place)s: outside your mobility area (%(area)s)"), place=_place(o),
                        area=_m(ZONE_LABELS[s.mobility])))
    return 0, 1


def _credential_name(c: CredentialNeed, lang: str) -> str:
    return c.names.get(lang) or c.names.get("en") or c.names.get("fr") or str(c.achievement_id)


def _credentials(s: StudentFacts, o: OfferFacts, notes=None, lang: str = "fr") -> tuple[int, int]:
    if not o.credentials:
        if notes is not None:
            notes.append(_m(gettext_noop("The offer asks for no certification or badge.")))
        return 1, 1
    held = s.credentials
    required_ok = all(a in held for a in o.required_credentials)
    valued = o.valued_credentials
    if valued:
        got = sum(1 for a in valued if a in held)
        frac = (required_ok * len(valued) + got, 2 * len(valued))
    else:
        frac = (required_ok + 1, 2)
    if notes is not None:
        for c in o.credentials:
            has = c.achievement_id in held
            template = {(True, True): gettext_noop("%(name)s: required, held ✓"),
                        (True, False): gettext_noop("%(name)s: required, not held"),
                        (False, True): gettext_noop("%(name)s: valued, held ✓"),
                        (False, False): gettext_noop("%(name)s: valued, not held")}[(c.required, has)]
            notes.append(_m(template, name=_credential_name(c, lang)))
    return frac


def _cefr_label(rank: int):
    code = CEFR[rank - 1]
    return _m(gettext_noop("native")) if code == "native" else code


def _languages(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    if not o.languages:
        return 1, 1
    num = 0
    for x in o.languages:
        need = x.rank
        have = min(s.languages.get(x.key, 0), len(CEFR))
        num += x.weight * min(have, need) * (LANGUAGE_UNIT // need)
        if notes is None:
            continue
        if have == 0:
            notes.append(_m(gettext_noop("%(language)s: not in your profile, %(need)s required") if x.required
                            else gettext_noop("%(language)s: not in your profile, %(need)s wanted"),
                            language=x.name, need=_cefr_label(need)))
        elif have >= need:
            notes.append(_m(gettext_noop("%(language)s %(have)s: %(need)s required ✓") if x.required
                            else gettext_noop("%(language)s %(have)s: %(need)s wanted ✓"),
                            language=x.name, have=_cefr_label(have), need=_cefr_label(need)))
        else:
            notes.append(_m(gettext_noop("%(language)s %(have)s: %(need)s required (%(credit)s %%)") if x.required
                            else gettext_noop("%(language)s %(have)s: %(need)s wanted (%(credit)s %%)"),
                            language=x.name, have=_cefr_label(have), need=_cefr_label(need),
                            credit=pct(percent((have, need)))))
    return num, o.language_den


def _pay(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    wanted = s.salary_min_cents
    if not wanted:
        if notes is not None:
            notes.append(_m(gettext_noop("You have not stated a pay expectation.")))
        return 1, 1
    if o.pay_cents >= wanted:
        if notes is not None:
            notes.append(_m(gettext_noop("%(pay)s € a month: reaches your expected %(min)s € ✓"),
                            pay=plain(o.pay), min=plain(s.salary_min)))
        return 1, 1
    if notes is not None:
        notes.append(_m(gettext_noop("%(pay)s € a month: below your expected %(min)s €"), pay=plain(o.pay),
                        min=plain(s.salary_min)))
    return o.pay_cents, wanted


def _preferences(s: StudentFacts, o: OfferFacts, notes=None) -> tuple[int, int]:
    halves = 0
    if not s.genres or not o.genres or s.genres & o.genres:
        halves += 1
    if not s.venue_sizes or not o.venue_size or o.venue_size in s.venue_sizes:
        halves += 1
    if notes is not None:
        if not s.genres:
            notes.append(_m(gettext_noop("You gave no favourite genre.")))
        elif o.genres:
            shared = s.genres & o.genres
            notes.append(_m(gettext_noop("%(genres)s: genres you like ✓") if shared
                            else gettext_noop("%(genres)s: none of your genres"), genres=_names(shared or o.genres)))
        if not s.venue_sizes:
            notes.append(_m(gettext_noop("You gave no preferred venue size.")))
        elif o.venue_size:
            size = _m(_VENUE_LABELS.get(o.venue_size, o.venue_size))
            notes.append(_m(gettext_noop("%(size)s: a venue size you like ✓"), size=size)
                         if o.venue_size in s.venue_sizes else
                         _m(gettext_noop("%(size)s: not a venue size you chose"), size=size))
    return halves, 2


def _names(codes) -> Message:
    """Genre names joined with "/", each translated: a Message whose template only joins its parameters."""
    names = sorted(codes)
    return Message("/".join(f"%(g{i})s" for i in range(len(names))),
                   {f"g{i}": _m(_GENRE_LABELS.get(c, c)) for i, c in enumerate(names)})


_COMPONENT_FUNCS = (("skills", _skills), ("availability", _availability), ("field", _field),
                    ("location", _location), ("credentials", _credentials), ("languages", _languages),
                    ("pay", _pay), ("preferences", _preferences))
_INT_WEIGHTS = tuple(int(WEIGHTS[k]) for k, _f in _COMPONENT_FUNCS)
assert all(Decimal(w) == WEIGHTS[k] for w, (k, _f) in zip(_INT_WEIGHTS, _COMPONENT_FUNCS))


# --- hard constraints -------------------------------------------------------------------------------------------

def _cap(s: StudentFacts, o: OfferFacts) -> int | None:
    """The lowest cap that applies (a percentage), None when none does."""
    if any(a not in s.credentials for a in o.required_credentials):
        return CAP_MISSING_CREDENTIAL
    if any(r.required and r.key not in s.skills for r in o.requirements):
        return CAP_MISSING_SKILL
    return None


# --- scoring ----------------------------------------------------------------------------------------------------

def score(s: StudentFacts, o: OfferFacts, _zones: dict | None = None) -> tuple[Decimal, bool]:
    """(score in percent, excluded) without writing a sentence: what ranking needs, on thousands of offers.

    The same integer arithmetic as the components ``explain`` uses, written out in one function (no call per
    component); ``_zones`` memoises the location per (postcode, country) within one ranking."""
    if s.kinds and o.kind not in s.kinds:
        return ZERO, True
    start, end = o.start, o.end
    if s.availability:
        covered = 0
        for a, b in s.availability:
            lo = a if a > start else start
            hi = b if b < end else end
            if lo <= hi:
                covered += hi - lo + 1
        if not covered:
            return ZERO, True
        avail = (covered, end - start + 1 if end >= start else 1)
    else:
        avail = (1, 2)
    if o.skill_terms:
        skills = s.skills
        num = 0
        for key, level, unit_weight, _req in o.skill_terms:
            have = skills.get(key, 0)
            if have:
                num += unit_weight * (have if have < level else level)
        skill = (num, o.skill_den)
    else:
        skill = (1, 1)
    shares = 0
    if not o.field or o.field in s.fields:
        shares += FIELD_SHARE
    if not s.sectors or not o.sector or o.sector in s.sectors:
        shares += SECTOR_SHARE
    if not s.target_roles or not o.title_tokens:
        field_frac = (shares + ROLE_SHARE, 100)
    else:
        words = len(o.title_tokens)
        best = 0
        for role in s.target_roles:
            shared = len(o.title_tokens & role)
            if shared > best:
                best = shared
        field_frac = (shares * words + ROLE_SHARE * best, 100 * words)
    where = (o.postcode, o.country)
    if _zones is not None and where in _zones:
        location = _zones[where]
    else:
        location = _location(s, o)
        if _zones is not None:
            _zones[where] = location
    if o.credentials:
        held = s.credentials
        required_ok = True
        for a in o.required_credentials:
            if a not in held:
                required_ok = False
                break
        valued = o.valued_credentials
        if valued:
            got = 0
            for a in valued:
                if a in held:
                    got += 1
            creds = (required_ok * len(valued) + got, 2 * len(valued))
        else:
            creds = (required_ok + 1, 2)
    else:
        creds = (1, 1)
    if o.language_terms:
        langs = s.languages
        num = 0
        for key, rank, unit_weight in o.language_terms:
            have = langs.get(key, 0)
            if have:
                num += unit_weight * (have if have < rank else rank)
        language = (num, o.language_den)
    else:
        language = (1, 1)
    wanted = s.salary_min_cents
    pay = (o.pay_cents, wanted) if wanted and o.pay_cents < wanted else (1, 1)
    halves = 0
    if not s.genres or not o.genres or s.genres & o.genres:
        halves += 1
    if not s.venue_sizes or not o.venue_size or o.venue_size in s.venue_sizes:
        halves += 1
    num, den = _combine((skill, avail, field_frac, location, creds, language, pay, (halves, 2)))
    if o.required_credentials or o.skill_terms:
        cap = _cap(s, o)
        if cap is not None and num > cap * den:
            return _D[cap], False
    return Decimal(num) / Decimal(den), False


def explain(s: StudentFacts, o: OfferFacts, lang: str = "fr", improvements: bool = True,
            employer: bool = False) -> Explanation:
    """The score with every component's weight, percentage and sentences, the constraints applied and, when
    ``improvements``, what would raise it. ``lang`` chooses the names of certifications (the offer holds both);
    ``employer`` words the sentences for the employer reading a candidate's explanation."""
    comps, fracs = [], []
    for (key, func), (_key, label, _w) in zip(_COMPONENT_FUNCS, COMPONENTS):
        notes: list = []
        frac = func(s, o, notes, lang) if key == "credentials" else func(s, o, notes)
        fracs.append(frac)
        value, weight = percent(frac), WEIGHTS[key]
        comps.append(ComponentResult(key, _m(label), weight, value, value * weight / HUNDRED, tuple(notes)))
    num, den = _combine(fracs)
    raw = Decimal(num) / Decimal(den)
    constraints = []
    excluded = False
    if s.kinds and o.kind not in s.kinds:
        excluded = True
        constraints.append(_m(gettext_noop("You are looking for %(kinds)s only."),
                              kinds=_m(KIND_LABELS[min(s.kinds)]) if len(s.kinds) == 1
                              else _m(gettext_noop("other contracts"))))
    if s.availability and _covered_days(s, o) == 0:
        excluded = True
        constraints.append(_m(gettext_noop(
            "Your availability does not overlap the offer's dates (%(start)s – %(end)s) at all."),
            start=date.fromordinal(o.start), end=date.fromordinal(o.end)))
    cap = None if excluded else _cap(s, o)
    if cap is not None and num <= cap * den:
        cap = None  # a cap above the weighted sum changes nothing: not stated
    total = ZERO if excluded else raw
    if cap is not None:
        missing_cred = next((c for c in o.credentials if c.required and c.achievement_id not in s.credentials), None)
        if missing_cred is not None:
            constraints.append(_m(gettext_noop("Required: %(name)s, which you do not hold: the score is capped at "
                                               "%(cap)s %%."), name=_credential_name(missing_cred, lang), cap=cap))
        else:
            missing = next(r for r in o.requirements if r.required and r.key not in s.skills)
            constraints.append(_m(gettext_noop("Required: %(name)s, absent from your profile: the score is capped "
                                               "at %(cap)s %%."), name=missing.name, cap=cap))
        total = _D[cap]
    gains = tuple(_improvements(s, o, total, lang)) if improvements and not excluded else ()
    if employer:
        comps = [replace(c, lines=tuple(for_employer(x) for x in c.lines)) for c in comps]
        constraints = [for_employer(x) for x in constraints]
    return Explanation(o.id, total, raw, excluded, None if cap is None else _D[cap], band(total),
                       headline(total, o.kind), tuple(comps), tuple(constraints), gains)


def _improvements(s: StudentFacts, o: OfferFacts, current: Decimal, lang: str):
    found = []
    for r in o.requirements:
        if s.skills.get(r.key, 0) >= r.level:
            continue
        gain = score(replace(s, skills={**s.skills, r.key: r.level}), o)[0] - current
        if gain > 0:
            found.append(Improvement("skill", r.key, r.name, str(r.level), gain, _m(
                gettext_noop("%(level)s level in %(name)s: +%(gain)s %%"), level=_m(LEVELS[r.level]), name=r.name,
                gain=pct(gain, 1))))
    for x in o.languages:
        if s.languages.get(x.key, 0) >= x.rank:
            continue
        gain = score(replace(s, languages={**s.languages, x.key: x.rank}), o)[0] - current
        if gain > 0:
            found.append(Improvement("language", x.key, x.name, x.level, gain, _m(
                gettext_noop("%(level)s in %(language)s: +%(gain)s %%"), level=_cefr_label(x.rank), language=x.name,
                gain=pct(gain, 1))))
    for c in o.credentials:
        if c.achievement_id in s.credentials:
            continue
        gain = score(replace(s, credentials=s.credentials | {c.achievement_id}), o)[0] - current
        if gain > 0:
            name = _credential_name(c, lang)
            found.append(Improvement("credential", str(c.achievement_id), name, "", gain, _m(
                gettext_noop("obtain %(name)s: +%(gain)s %%"), name=name, gain=pct(gain, 1))))
    found.sort(key=lambda i: (-i.gain, i.name))
    return found


# --- ranking ----------------------------------------------------------------------------------------------------

class Ranked(NamedTuple):
    offer: OfferFacts
    score: Decimal
    excluded: bool
    priority: bool  # a priority offer in its period that matches: ranked first


def rank(s: StudentFacts, offers, today: date, *, matches_only: bool = False) -> list[Ranked]:
    """Every offer scored and ordered: priority matches first, then by score (highest first), start date, id.
    Excluded offers come last (or are left out with ``matches_only``, like offers under ``MATCH_THRESHOLD``).

    Run on every live offer for each page view: a tuple per offer and stable sorts by attribute, last key first
    (no per-offer key function)."""
    day = today.toordinal()
    out = []
    zones: dict = {}
    threshold = MATCH_THRESHOLD
    for o in offers:
        value, excluded = score(s, o, zones)
        matched = not excluded and value >= threshold
        if matches_only and not matched:
            continue
        priority = matched and bool(o.priority) and o.priority[0] <= day <= o.priority[1]
        out.append(Ranked(o, value, excluded, priority))
    out.sort(key=_START_ID)
    out.sort(key=_SCORE, reverse=True)
    out.sort(key=_PRIORITY, reverse=True)
    out.sort(key=_EXCLUDED)
    return out


_START_ID = attrgetter("offer.start", "offer.id")
_SCORE, _PRIORITY, _EXCLUDED = attrgetter("score"), attrgetter("priority"), attrgetter("excluded")

"""The answer key cannot be read from what a candidate receives before the attempt closes (issue 10, Critical).

Before: the option ids were the bank's (`c1…`, `p1…`, `i1…`): `{"p1": "p1", …}` answered every matching
question, sorted `i1…iN` every ordering question, `c1` every single-choice question of the demo bank
(the right answer comes first in the source file), and an exam drawn from the certification bank was
passed at 100 %. Now every option is shown under an opaque per-attempt id (`exams.options`).

Written as an attacker would: over the whole demo bank, each structural guess an attacker can make from
the payload alone (first or last option shown, alphabetically first or last id, shortest or longest id,
sorted ids, positional or identity pairing, pairing by shared prefix…) is scored by the server's own
mapping and grading, and compared with the chance level of a blind guess of the same kind (per question:
the mean grade of each single option; 1/n for a permutation of n items). Everything goes through the real
HTTP interface (the JSON API under /api/v1/ and the exam page form); the attempts' seeds are drawn from a
seeded generator, so each run is the same.
"""
import json
import math
import random
import re
import statistics
import types
from collections import Counter, defaultdict
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from exams import grading, options, services
from exams.demo import seed_bank
from exams.models import Attempt, AttemptQuestion, Exam, ExamFixedQuestion, Question
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ATTEMPTS = 60
TOKEN = re.compile(r"^[0-9a-f]{%d}$" % options.TOKEN_LENGTH)
OPTION_TYPES = (grading.SINGLE, grading.MULTIPLE, grading.MATCHING, grading.ORDERING)


@pytest.fixture
def demo_exam():
    """An exam holding every question of the demo certification bank, theory only."""
    cats = seed_bank()
    exam = Exam.objects.create(title_fr="Toute la banque démo", slug="whole-demo-bank", theory_weight=100,
                               practical_weight=0, max_attempts=10_000, time_limit_minutes=60)
    questions = Question.objects.filter(category__in=cats.values()).order_by("pk")
    for pos, q in enumerate(questions):
        ExamFixedQuestion.objects.create(exam=exam, question=q, position=pos)
    assert questions.count() >= 40
    return exam


@pytest.fixture
def seeded(monkeypatch):
    """Attempt seeds from a seeded generator: the same attempts, tokens and shuffles at every run."""
    rng = random.Random(20261130)
    monkeypatch.setattr(services, "secrets", types.SimpleNamespace(randbits=rng.getrandbits))


def _start(client, headers, exam) -> tuple[Attempt, dict]:
    r = client.post(f"/api/v1/exams/{exam.pk}/attempts", **headers)
    assert r.status_code == 200, r.content
    attempt = Attempt.objects.get(pk=r.json()["id"])
    payload = client.get(f"/api/v1/exams/attempts/{attempt.pk}", **headers)
    assert payload.status_code == 200
    return attempt, payload.json()


def _rows(attempt) -> dict[int, AttemptQuestion]:
    return {aq.pk: aq for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version")}


def _put(client, headers, attempt, qid, response):
    return client.put(f"/api/v1/exams/attempts/{attempt.pk}/answers/{qid}", data=json.dumps({"response": response}),
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers)


def _earned(aq, response) -> Fraction:
    """What the server awards a response sent by the client (its mapping, its validation, its grading);
    a refused response earns nothing."""
    v = aq.version
    try:
        return grading.grade(v.qtype, v.key, grading.validate_response(v.qtype, v.key,
                                                                        options.from_client(aq, response)))
    except grading.GradingError:
        return Fraction(0)


def _chance(aq) -> Fraction:
    """The expected grade of a blind guess of the same kind: one option picked at random (choices), a
    random permutation (matching pairs, ordering items: 1/n)."""
    v = aq.version
    if v.qtype == grading.SINGLE:
        grades = [grading.grade(v.qtype, v.key, {"choice": str(c["id"])}) for c in v.key["choices"]]
    elif v.qtype == grading.MULTIPLE:
        grades = [grading.grade(v.qtype, v.key, {"choices": [str(c["id"])]}) for c in v.key["choices"]]
    else:
        n = len(v.key["pairs" if v.qtype == grading.MATCHING else "items"])
        return Fraction(1, n)
    return sum(grades, Fraction(0)) / len(grades)


# --- The attacker's structural guesses, from the payload alone -----------------------------------

def _checksum(token: str) -> int:
    return sum(map(ord, token))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _guess(rule):
    """A strategy from a rule that ranks ids: the top-ranked choice; items in ranked order; the i-th
    ranked left item with the i-th ranked right item."""
    def play(q):
        opts = [o["id"] for o in q.get("options", [])]
        if q["type"] == grading.SINGLE:
            return {"choice": rule(opts)[0]}
        if q["type"] == grading.MULTIPLE:
            return {"choices": [rule(opts)[0]]}
        if q["type"] == grading.ORDERING:
            return {"order": rule(opts)}
        if q["type"] == grading.MATCHING:
            return {"pairs": dict(zip(rule([o["id"] for o in q["left"]]), rule(opts)))}
        return None
    return play


def _prefix_pairing(q):
    """Matching: each left item with the unused right item sharing the longest prefix (the attack on ids
    derived from one another); other types: the first option shown."""
    if q["type"] != grading.MATCHING:
        return STRATEGIES["first shown"](q)
    rights = [o["id"] for o in q["options"]]
    pairs = {}
    for left in (o["id"] for o in q["left"]):
        best = max(rights, key=lambda r: _common_prefix(left, r))
        rights.remove(best)
        pairs[left] = best
    return {"pairs": pairs}


STRATEGIES = {
    "first shown": _guess(lambda ids: list(ids)),
    "last shown": _guess(lambda ids: list(reversed(ids))),
    "alphabetically first / sorted ids": _guess(sorted),
    "alphabetically last / reverse-sorted ids": _guess(lambda ids: sorted(ids, reverse=True)),
    "shortest id first": _guess(lambda ids: sorted(ids, key=len)),
    "longest id first": _guess(lambda ids: sorted(ids, key=len, reverse=True)),
    "smallest checksum first": _guess(lambda ids: sorted(ids, key=_checksum)),
    "pairing by shared prefix": _prefix_pairing,
}


def _z(diffs: list[float]) -> float:
    mean = statistics.fmean(diffs)
    sd = statistics.pstdev(diffs)
    if sd == 0:
        return 0.0 if mean == 0 else math.copysign(math.inf, mean)
    return mean / (sd / math.sqrt(len(diffs)))


def test_structural_guesses_score_no_better_than_chance(client, api_token, demo_exam, seeded):
    student = make_user("student")
    headers = api_token(student)
    diffs: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    chances: dict[str, list[float]] = defaultdict(list)
    names = list(STRATEGIES)
    for n in range(ATTEMPTS):
        attempt, payload = _start(client, headers, demo_exam)
        rows = _rows(attempt)
        played = {}
        for q in payload["questions"]:
            if q["type"] not in OPTION_TYPES:
                continue
            aq = rows[q["id"]]
            chance = _chance(aq)
            chances[q["type"]].append(float(chance))
            for name, strategy in STRATEGIES.items():
                earned = _earned(aq, strategy(q))
                for bucket in (q["type"], "all option questions"):
                    diffs[name][bucket].append(float(earned - chance))
                    scores[name][bucket].append(float(earned))
                played.setdefault(name, {})[q["id"]] = (strategy(q), earned)
        if n < len(names):
            # One strategy per attempt really played through the API: the server awards what was computed.
            name = names[n]
            for qid, (response, _earned_) in played[name].items():
                assert _put(client, headers, attempt, qid, response).status_code == 200
            assert client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", **headers).status_code == 200
            for qid, (_response, earned) in played[name].items():
                aq = AttemptQuestion.objects.select_related("version").get(pk=qid)
                assert aq.awarded == grading.fraction_to_points(earned, aq.version.points), (name, qid)
        else:
            services.submit_attempt(attempt)
        attempt.refresh_from_db()
        if attempt.passed:  # a lucky guesser may not try again: another candidate carries on
            student = make_user("student")
            headers = api_token(student)
    report = []
    for name in names:
        for bucket, values in sorted(diffs[name].items()):
            z = _z(values)
            mean_score = statistics.fmean(scores[name][bucket])
            mean_chance = mean_score - statistics.fmean(values)
            report.append(f"{name:42} {bucket:22} score {mean_score:6.3f}  chance {mean_chance:6.3f}  z {z:+5.2f}"
                          f"  (n={len(values)})")
            # No better than chance, and no worse either (a guess reliably worse than chance would tell
            # the key too): within 4.5 standard errors, the same seeded run every time.
            assert abs(z) < 4.5, "\n".join(report)
    print("\n".join(report))
    # The old key (`c1`, identity pairing, sorted ids) no longer comes anywhere near 100 %.
    assert statistics.fmean(scores["alphabetically first / sorted ids"]["all option questions"]) < 0.5


def test_the_old_attack_is_refused_and_scores_nothing(client, api_token, demo_exam):
    """The attack of the report, through the API then the exam page form: the bank's ids (`c1`,
    `{"p1": "p1", …}`, `i1…iN` sorted) are not options of an attempt any more; before the change they
    scored 100 % on every choice, matching and ordering question of the demo bank."""
    student = make_user("student")
    headers = api_token(student)
    attempt, payload = _start(client, headers, demo_exam)
    rows = _rows(attempt)
    attacked = 0
    form = {"save": "1"}
    for q in payload["questions"]:
        v = rows[q["id"]].version
        if v.qtype not in OPTION_TYPES:
            continue
        old = grading.right_response(v.qtype, v.key)  # the key, spelled in the bank's ids
        if v.qtype == grading.SINGLE:
            assert old == {"choice": "c1"}  # the demo bank's right answer always came first
            form[f"q-{q['id']}"] = "c1"
        elif v.qtype == grading.MATCHING:
            assert old["pairs"] == {f"p{i}": f"p{i}" for i in range(1, len(old["pairs"]) + 1)}
            # The identity attack on the page's own ids: each left item paired with its own id.
            form.update({f"q-{q['id']}-{left['id']}": left["id"] for left in q["left"]})
        elif v.qtype == grading.ORDERING:
            assert old["order"] == sorted(old["order"])
            form.update({f"q-{q['id']}-{i}": item for i, item in enumerate(old["order"], start=1)})
        else:
            form[f"q-{q['id']}"] = old["choices"]
        r = _put(client, headers, attempt, q["id"], old)
        assert r.status_code == 422 and "unknown" in r.json()["detail"], r.content
        attacked += 1
    assert attacked >= 25  # 14 single, 6 multiple, 3 matching, 3 ordering questions in the demo bank
    assert not AttemptQuestion.objects.filter(attempt=attempt, response__isnull=False).exists()
    # The no-JS form with the same ids: every question refused with its reason, nothing saved.
    client.force_login(student)
    resp = client.post(reverse("exams:take", kwargs={"attempt_id": attempt.pk}), form, follow=True,
                       HTTP_ACCEPT_LANGUAGE="en")
    page = resp.content.decode()
    assert page.count("unknown choice") >= 14 and "unknown matching item" in page
    assert "unknown ordering item" in page
    assert not AttemptQuestion.objects.filter(attempt=attempt, response__isnull=False).exists()
    r = client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", **headers)
    assert r.status_code == 200
    attempt.refresh_from_db()
    assert attempt.theory_pct == 0 and not attempt.passed


# --- Property: no field of the start/resume payload correlates with the key -----------------------

def _chi2_sf(x: float, k: int) -> float:
    """P(X ≥ x) for a chi-square with k degrees of freedom (regularised incomplete gamma, series)."""
    a, t = k / 2, x / 2
    if t <= 0:
        return 1.0
    term = total = 1.0 / a
    for n in range(1, 10_000):
        term *= t / (a + n)
        total += term
        if term < total * 1e-15:
            break
    lower = math.exp(-t + a * math.log(t) - math.lgamma(a)) * total
    return max(0.0, 1.0 - lower)


def _uniform_p(counts: Counter, k: int) -> float:
    n = sum(counts.values())
    expected = n / k
    x = sum((counts.get(i, 0) - expected) ** 2 / expected for i in range(k))
    return _chi2_sf(x, k - 1)


def _rank(token: str, tokens: list[str]) -> int:
    return sorted(tokens).index(token)


def _features(q, aq) -> dict[str, int]:
    """Where the key sits in the payload: each feature is a position in 0..k-1, uniform if the payload
    says nothing about the key."""
    v, m = aq.version, options.OptionMap(aq)
    shown = [o["id"] for o in q.get("options", [])]
    out = {}
    if v.qtype in (grading.SINGLE, grading.MULTIPLE):
        best = max(v.key["choices"], key=lambda c: grading.to_decimal(c["fraction"]))
        right = m.out(options.CHOICE, best["id"])
        out["shown position of the best choice"] = shown.index(right)
        out["rank of its id among the sorted ids"] = _rank(right, shown)
    elif v.qtype == grading.ORDERING:
        items = [str(i["id"]) for i in v.key["items"]]
        for label, bank_id in (("first", items[0]), ("last", items[-1])):
            t = m.out(options.ITEM, bank_id)
            out[f"shown position of the {label} item"] = shown.index(t)
            out[f"rank of the {label} item's id"] = _rank(t, shown)
    elif v.qtype == grading.MATCHING:
        left = [o["id"] for o in q["left"]]
        first_left = m.into(options.LEFT, left[0])
        partner = m.out(options.RIGHT, first_left)
        out["shown position of the first left item's partner"] = shown.index(partner)
        out["rank of its partner's id among the right ids"] = _rank(partner, shown)
        out["partner rank minus left rank (mod n)"] = (_rank(partner, shown) - _rank(left[0], left)) % len(left)
    return out


def _page_options(html: str, qid: int) -> dict[str, list[str]]:
    """The option ids the exam page form carries for a question, in page order."""
    start = html.index(f'data-qid="{qid}"')
    block = html[start:html.index("</fieldset>", start)]
    return {"values": [v for v in re.findall(r'value="([^"]*)"', block) if v and v not in ("true", "false")],
            "left": re.findall(r'data-left="([^"]*)"', block)}


def test_no_field_of_the_start_or_resume_payload_correlates_with_the_key(client, api_token, demo_exam, seeded):
    student = make_user("student")
    headers = api_token(student)
    client.force_login(student)
    bank = Question.objects.filter(pk__in=ExamFixedQuestion.objects.filter(exam=demo_exam).values("question"))
    bank_ids = {str(x["id"]) for q in bank
                for x in (q.key.get("choices") or q.key.get("pairs") or q.key.get("items") or [])}
    assert {"c1", "p1", "i1"} <= bank_ids
    features: dict[tuple, Counter] = defaultdict(Counter)
    seen: dict[tuple, set] = defaultdict(set)  # (question, column, bank id) -> tokens over attempts
    lengths = Counter()
    for n in range(ATTEMPTS):
        attempt, payload = _start(client, headers, demo_exam)
        rows = _rows(attempt)
        # Resume (start again, reload): the same attempt, the same ids in the same order.
        again, resumed = _start(client, headers, demo_exam)
        assert again.pk == attempt.pk and resumed["questions"] == payload["questions"]
        html = client.get(reverse("exams:take", kwargs={"attempt_id": attempt.pk})).content.decode() \
            if n < 5 else None
        raw = json.dumps(payload)
        assert not re.search(r'"(c|p|i)\d{1,3}"', raw), "a bank id in the payload"
        for q in payload["questions"]:
            if q["type"] not in OPTION_TYPES:
                assert "options" not in q and "left" not in q
                continue
            aq = rows[q["id"]]
            m = options.OptionMap(aq)
            ids = [o["id"] for o in q["options"]] + [o["id"] for o in q.get("left", [])]
            for t in ids:
                assert TOKEN.match(t) and t not in bank_ids
                lengths[len(t)] += 1
            assert len(set(ids)) == len(ids)  # left and right columns never share an id
            for col in ((options.LEFT, options.RIGHT) if q["type"] == grading.MATCHING else
                        (options.ITEM,) if q["type"] == grading.ORDERING else (options.CHOICE,)):
                for bank_id in m.columns[col]:
                    seen[(aq.version.question_id, col, bank_id)].add(m.out(col, bank_id))
            if html is not None:  # the exam page shows the same ids in the same order
                page = _page_options(html, q["id"])
                if q["type"] == grading.ORDERING:
                    assert page["values"] == [o["id"] for o in q["options"]] * len(q["options"])
                elif q["type"] == grading.MATCHING:
                    assert page["left"] == [o["id"] for o in q["left"]]
                    assert page["values"] == [o["id"] for o in q["options"]] * len(q["left"])
                else:
                    assert page["values"] == [o["id"] for o in q["options"]]
                assert not re.search(r'(value|data-left)="(c|p|i)\d{1,3}"', html)
            k = len(q["options"])
            for name, value in _features(q, aq).items():
                features[(q["type"], k, name)][value] += 1
        services.submit_attempt(attempt)
    # Every id has the same length; ids are unrelated across attempts (never the same twice).
    assert list(lengths) == [options.TOKEN_LENGTH]
    assert all(len(tokens) == ATTEMPTS for tokens in seen.values())
    # Each feature is uniform over its k values (chi-square, seeded run).
    report = []
    for (qtype, k, name), counts in sorted(features.items()):
        p = _uniform_p(counts, k)
        report.append(f"{qtype:9} k={k} {name:52} {dict(sorted(counts.items()))}  p={p:.4f}")
        assert sum(counts.values()) / k >= 5
    print("\n".join(report))
    assert all(float(line.rsplit("p=", 1)[1]) > 1e-4 for line in report), "\n".join(report)


def test_attempts_stored_before_the_change_grade_the_same(client, api_token, demo_exam):
    """Attempts keep their answers in the bank's ids (only the wire changed): an attempt written as the
    old code wrote it grades, resumes and regrades the same."""
    student = make_user("student")
    headers = api_token(student)
    attempt = services.start_attempt(demo_exam, student)
    rows = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version")
                .order_by("position"))
    expected, stored = 0, {}
    for i, aq in enumerate(rows):
        v = aq.version
        response = grading.right_response(v.qtype, v.key)
        if i % 3 == 1 and v.qtype == grading.MATCHING:  # a partly wrong matching answer
            ids = list(response["pairs"])
            response = {"pairs": {ids[0]: ids[1], ids[1]: ids[0], **{p: p for p in ids[2:]}}}
        elif i % 3 == 1 and v.qtype == grading.ORDERING:
            response = {"order": list(reversed(response["order"]))}
        elif i % 3 == 2:
            continue  # left unanswered
        response = grading.validate_response(v.qtype, v.key, response)
        # Written straight to the row, as the code before this change stored it (the bank's ids).
        AttemptQuestion.objects.filter(pk=aq.pk).update(response=response, saved_at=timezone.now())
        stored[aq.pk] = response
        expected += grading.award(v.qtype, v.key, response, v.points)
    # Resumed: the saved answers come back under the attempt's ids and name the same options.
    payload = client.get(f"/api/v1/exams/attempts/{attempt.pk}", **headers).json()
    by_id = {aq.pk: aq for aq in rows}
    for q in payload["questions"]:
        aq = by_id[q["id"]]
        v = aq.version
        assert grading.validate_response(v.qtype, v.key, options.from_client(aq, q["response"])) == \
            stored.get(aq.pk, {})
        if aq.pk in stored:  # sending back what the page shows changes nothing
            r = _put(client, headers, attempt, q["id"], q["response"])
            assert r.status_code == 200 and r.json()["changed"] is False
    assert client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", **headers).status_code == 200
    attempt.refresh_from_db()
    assert attempt.theory_points == expected
    # A regrade against the same keys changes nothing.
    staff = make_user("flowstage_staff")
    for aq in rows:
        assert services.regrade_question(aq.version.question, staff, dry_run=True) == []


def test_tokens_differ_per_attempt_question_and_column():
    """The token function itself: every input changes it, and it is always the same length."""
    args = (b"s" * 50, 7, 1, 10, options.LEFT, "p1")  # secret, seed, attempt, question, column, bank id
    base = options.token(*args)
    variants = {options.token(*args[:i], other, *args[i + 1:])
                for i, other in enumerate((b"t" * 50, 8, 2, 11, options.RIGHT, "p2"))}
    assert len(variants) == 6 and base not in variants
    assert all(TOKEN.match(t) for t in (base, *variants))
    assert options.token(*args) == base  # deterministic: a resumed attempt keeps its ids


def test_answers_sent_before_a_secret_key_rotation_are_understood(settings, demo_exam):
    student = make_user("student")
    attempt = services.start_attempt(demo_exam, student)
    aq = AttemptQuestion.objects.select_related("attempt", "version").filter(attempt=attempt,
                                                                             version__qtype="single").first()
    old = h.as_client(aq, {"choice": "c2"})
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert h.as_client(aq, {"choice": "c2"}) != old  # the page now shows new ids…
    services.save_answer(attempt.pk, student, aq.pk, old)  # …and an answer from the old page still counts
    assert AttemptQuestion.objects.get(pk=aq.pk).response == {"choice": "c2"}


def test_option_ids_cost_no_query_per_question(demo_exam, django_assert_num_queries,
                                               django_assert_max_num_queries):
    """The ids derive from the attempt already loaded: the payload of a 43-question attempt is one query,
    and the review of a closed one a handful, whatever the number of questions."""
    from exams import selectors

    student = make_user("student")
    attempt = services.start_attempt(demo_exam, student)
    with django_assert_num_queries(1):
        payload = selectors.attempt_questions(attempt, "fr")
    assert len(payload) >= 40
    attempt = services.submit_attempt(attempt)
    staff = make_user("flowstage_staff")  # sees every question of a closed attempt, with the key
    with django_assert_max_num_queries(8):
        review = selectors.attempt_review(attempt, staff, "fr")
    assert len(review["questions"]) == len(payload) and "correct" in review["questions"][0]

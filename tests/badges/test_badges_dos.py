"""Issue 10, High 1: unauthenticated verification was a denial of service.

A credential padded with a few thousand distinct ``achievement.tag`` values took 11 s at 37 KB and minutes at
170 KB (pyld's node map compares every value of a property with those already there: quadratic), and the size
and quad bounds applied only after that work. Each attack below is refused before any JSON-LD work (pyld is
never called: ``pyld_calls``) or runs within a work budget the test reads (``Budget.steps``); nothing asserts
on wall time. The rate limit answers 429 per client.
"""
import copy
import itertools
import json
import uuid
from math import isqrt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges import jsonld, verification
from badges.jsonld import Budget, DocumentLimitError, Limits
from badges_testkit import doc_of, issue, verify_doc

pytestmark = pytest.mark.django_db

API = "/api/v1/credentials/verify"
LIMITS = jsonld.DEFAULT_LIMITS
#: The most values one property of one node may hold: the array bound and the node map's (k² ≤ max_merge_work).
MOST_FOR_ONE_PROPERTY = min(LIMITS.max_array, isqrt(LIMITS.max_merge_work))


@pytest.fixture
def pyld_calls(monkeypatch):
    """How many times pyld's expansion and RDF conversion ran (any JSON-LD work at all), on the fast path (the
    reference path that ``conftest.both_paths`` also runs is left out; the RDF conversion is ``dataset``, which on
    the reference path calls pyld's ``to_rdf``)."""
    calls = []
    for name, label in (("expand", "expand"), ("dataset", "to_rdf")):
        original = getattr(jsonld._BoundedProcessor, name)

        def counted(self, *args, _original=original, _name=label, **kwargs):
            if jsonld.fast_paths():
                calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(jsonld._BoundedProcessor, name, counted)
    return calls


def padded(doc: dict, count: int) -> dict:
    """The attack of the issue: ``count`` distinct achievement tags added to a signed credential."""
    doc = copy.deepcopy(doc)
    doc["credentialSubject"]["achievement"]["tag"] = [f"padding-tag-{i:06d}" for i in range(count)]
    return doc


def _size(doc) -> int:
    return len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())


def _limit_failure(report) -> str:
    """The English detail of the structure check that refused a document on a bound."""
    assert report.verdict == "INVALID"
    check = report.check("structure")
    assert check.ok is False, report.as_dict()
    assert check.message.template == "the credential exceeds the verifier's size or complexity limits"
    return check.detail


# ------------------------------------------------------------------------------------ the attack of the issue
@pytest.mark.parametrize("kilobytes", [37, 170])
def test_padded_credential_of_the_issue_is_refused_before_any_jsonld_work(pyld_calls, kilobytes):
    doc = doc_of(issue())
    pyld_calls.clear()  # the issuance's own canonicalisation
    count = (kilobytes * 1024 - _size(doc)) // len('"padding-tag-000000",')
    attack = padded(doc, count)
    assert abs(_size(attack) - kilobytes * 1024) < 1024
    raw = json.dumps(attack).encode()
    report = verify_doc(raw)
    assert f"an array of {count} items, limit {LIMITS.max_array}" in _limit_failure(report)
    assert pyld_calls == []  # refused before expansion and canonicalisation
    assert verify_doc(attack).verdict == "INVALID" and pyld_calls == []  # a parsed dict goes through the same


@pytest.mark.parametrize("kilobytes", [37, 170])
def test_padded_credential_over_the_api_and_the_upload_page(client, pyld_calls, kilobytes):
    doc = doc_of(issue())
    pyld_calls.clear()  # the issuance's own canonicalisation
    attack = padded(doc, (kilobytes * 1024 - _size(doc)) // 21)
    body = json.dumps(attack).encode()
    resp = client.post(API, data=body, content_type="application/json")
    assert resp.status_code == 200
    data = resp.json()
    assert data["verdict"] == "INVALID" and "limit" in data["reason"]
    assert data["localized"]["reason"] == "l’attestation dépasse les limites de taille ou de complexité du vérificateur"
    upload = SimpleUploadedFile("padded.json", body, content_type="application/json")
    page = client.post("/en/badges/verify/", {"file": upload})
    assert page.status_code == 200
    assert "exceeds the verifier" in page.content.decode()
    assert pyld_calls == []


def test_padding_just_within_the_limits_is_verified_with_bounded_work():
    """The largest padding the bounds let through: the node map's comparisons stay under max_merge_work and the
    whole verification (document + proof options) under a small share of the step budget."""
    cred = issue()
    doc = doc_of(cred)
    attack = padded(doc, MOST_FOR_ONE_PROPERTY - 8)
    report = verify_doc(attack)
    assert report.verdict == "INVALID"
    assert report.check("proof").message.template.startswith("the signature does not match")  # checked, not refused
    unsigned = {k: v for k, v in attack.items() if k != "proof"}
    budget = Budget()
    jsonld.canonicalize(unsigned, budget=budget)
    assert jsonld.merge_work(jsonld.expand(unsigned)) <= LIMITS.max_merge_work
    assert budget.steps < 3000  # of LIMITS.max_steps = 100,000


def test_one_value_more_for_the_same_property_is_refused_before_the_rdf(pyld_calls):
    doc = {k: v for k, v in padded(doc_of(issue()), MOST_FOR_ONE_PROPERTY).items() if k != "proof"}
    pyld_calls.clear()  # the issuance's own canonicalisation
    with pytest.raises(DocumentLimitError, match="node map work"):
        jsonld.canonicalize(doc)
    assert pyld_calls == ["expand"]  # expanded (linear), never converted to RDF


def test_objects_merged_by_one_id_count_together(pyld_calls):
    """The same quadratic cost through many small arrays on objects that share an id (one node for pyld)."""
    doc = {k: v for k, v in doc_of(issue()).items() if k != "proof"}
    pyld_calls.clear()  # the issuance's own canonicalisation
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "id": "https://evil.example/same", "targetName": [f"n{i}-{j}" for j in range(8)],
         "targetUrl": "https://evil.example/a"} for i in range(60)]
    with pytest.raises(DocumentLimitError, match="node map work"):
        jsonld.canonicalize(doc)
    assert "to_rdf" not in pyld_calls


# ------------------------------------------------------------------------------------ other shapes
def test_deep_nesting_is_refused(pyld_calls):
    doc = doc_of(issue())
    pyld_calls.clear()  # the issuance's own canonicalisation
    node = doc["credentialSubject"]["achievement"]
    for _ in range(LIMITS.max_depth):
        node["related"] = node = {"type": ["Related"]}
    assert f"nesting deeper than {LIMITS.max_depth}" in _limit_failure(verify_doc(json.dumps(doc)))
    assert "too deep" in _limit_failure(verify_doc("[" * 100_000 + "]" * 100_000))
    assert pyld_calls == []


def test_huge_array_is_refused(pyld_calls):
    doc = doc_of(issue())
    pyld_calls.clear()  # the issuance's own canonicalisation
    doc["credentialSubject"]["result"] = [{"type": ["Result"], "value": str(i)} for i in range(1000)]
    assert "an array of 1000 items" in _limit_failure(verify_doc(doc))
    assert pyld_calls == []


def test_many_values_are_refused(pyld_calls):
    """Many values in arrays each within max_array: the estimate of the quads refuses them."""
    doc = doc_of(issue())
    pyld_calls.clear()  # the issuance's own canonicalisation
    width = LIMITS.max_array
    doc["evidence"] = [{"type": ["Evidence"], "narrative": f"n{i}", "name": f"x{i}", "description": f"d{i}",
                        "genre": "g", "audience": "a"} for i in range(width)]
    doc["credentialSubject"]["result"] = [{"type": ["Result"], "value": str(i)} for i in range(width)]
    assert jsonld.measure(doc, Limits(max_values=10**6)).values > LIMITS.max_values
    assert f"more than {LIMITS.max_values} values and objects" in _limit_failure(verify_doc(doc))
    assert pyld_calls == []


def test_many_context_entries_are_refused(pyld_calls):
    original = doc_of(issue())
    pyld_calls.clear()  # the issuance's own canonicalisation
    doc = copy.deepcopy(original)
    doc["@context"] = doc["@context"] + [{f"t{i}": f"https://evil.example/t{i}" for i in range(20)}]
    assert "@context entries" in _limit_failure(verify_doc(doc))
    doc = copy.deepcopy(original)
    doc["credentialSubject"]["achievement"]["@context"] = [doc["@context"][1]] * 20  # nested, same bundled URL
    assert "@context entries" in _limit_failure(verify_doc(doc))
    nested = doc["@context"]
    for _ in range(100):
        nested = [nested]
    doc = copy.deepcopy(original)
    doc["@context"] = nested  # lists in lists count too (their nesting is bounded)
    assert "@context entries" in _limit_failure(verify_doc(doc))
    assert pyld_calls == []


def test_measure_counts_what_the_limits_bound():
    doc = doc_of(issue())
    shape = jsonld.measure(doc)
    assert shape.context_entries == 2
    assert 30 < shape.values < 200 and shape.depth < 8 and shape.max_array < 10


# ------------------------------------------------------------------------------------ the budget inside
def test_the_step_budget_stops_canonicalisation_inside_its_loops():
    doc = {k: v for k, v in doc_of(issue()).items() if k != "proof"}
    budget = Budget()
    jsonld.canonicalize(doc, budget=budget)
    assert 0 < budget.steps < 1000
    with pytest.raises(DocumentLimitError, match="work limit exceeded"):
        jsonld.canonicalize(doc, limits=Limits(max_steps=budget.steps // 2))


def test_the_cpu_budget_is_the_threads_cpu_time(monkeypatch):
    """Checked against time.thread_time (the work of this thread), not the wall clock a loaded machine stretches."""
    clock = itertools.count(0.0, 0.25)
    monkeypatch.setattr(jsonld.time, "thread_time", lambda: next(clock))
    monkeypatch.setattr(jsonld.time, "monotonic", lambda: pytest.fail("wall clock used"))
    budget = Budget(Limits(max_cpu_seconds=1.0))
    with pytest.raises(DocumentLimitError, match="CPU time limit"):
        for _ in range(10_000):
            budget.tick()
    assert budget.steps < 10_000


def test_issuance_and_verification_share_the_limits_and_stay_far_within_them():
    """The platform's own credentials (with alignments, evidence, a result) sign and verify well inside the
    bounds: the issuer never signs what the verifier would refuse."""
    cred = issue(evidence=[{"type": ["Evidence"], "narrative": f"Project {i}", "name": f"P{i}"} for i in range(20)])
    doc = doc_of(cred)
    assert verify_doc(doc).verdict == "VALID"
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    budget = Budget()
    jsonld.canonicalize(unsigned, budget=budget)
    shape = jsonld.measure(doc)
    assert shape.values < LIMITS.max_values // 4 and budget.steps < LIMITS.max_steps // 50


# ------------------------------------------------------------------------------------ body size
def test_api_body_over_the_limit_is_413_with_the_reason(client):
    body = b'{"x":"' + b"a" * verification.MAX_UPLOAD_BYTES + b'"}'
    resp = client.post(API, data=body, content_type="application/json")
    assert resp.status_code == 413
    assert resp.json()["detail"] == (f"L’attestation est trop volumineuse ({len(body)} octets ; la limite est de "
                                     f"{verification.MAX_UPLOAD_BYTES} octets).")
    resp = client.post(API, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 413 and "too large" in resp.json()["detail"]


def test_pasted_text_over_the_limit_is_413(client):
    text = '{"x":"' + "a" * verification.MAX_UPLOAD_BYTES + '"}'
    resp = client.post("/en/badges/verify/", {"text": text})
    assert resp.status_code == 413
    assert f"the limit is {verification.MAX_UPLOAD_BYTES} bytes" in resp.content.decode()


def test_a_valid_credential_still_verifies_over_the_api(client, pyld_calls):
    cred = issue()
    pyld_calls.clear()  # the issuance's own canonicalisation
    resp = client.post(API, data=cred.signed_json.encode(), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["verdict"] == "VALID"
    assert "expand" in pyld_calls


# ------------------------------------------------------------------------------------ rate limit
@pytest.fixture
def rate_limits(settings):
    from django.core.cache import caches

    settings.RATELIMIT_ENABLE = True
    settings.BADGES_VERIFY_RATE = "3/m"
    settings.BADGES_VERIFY_PAGE_RATE = "4/m"
    # Counters of this test only: clearing the shared cache would flush Redis under the other test processes (their
    # Celery queues included), so the test gets a key prefix of its own instead (Django resets the cache handlers).
    alias = settings.RATELIMIT_USE_CACHE
    settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "KEY_PREFIX": f"rl-{uuid.uuid4().hex}"}}
    assert caches[alias].key_prefix.startswith("rl-")


def _ip(n: int) -> str:
    return f"198.51.100.{n}"


def test_api_answers_429_after_n_requests_from_one_client_not_for_another(client, rate_limits):
    body = issue().signed_json.encode()
    for _ in range(3):
        resp = client.post(API, data=body, content_type="application/json", REMOTE_ADDR=_ip(1))
        assert resp.status_code == 200 and resp.json()["verdict"] == "VALID"
    resp = client.post(API, data=body, content_type="application/json", REMOTE_ADDR=_ip(1))
    assert resp.status_code == 429
    seconds = int(resp["Retry-After"])
    assert 1 <= seconds <= 60 and resp.json()["retry_after"] == seconds
    assert resp.json()["detail"].startswith("Trop de demandes de vérification depuis votre connexion.")
    resp = client.post(API, data=body, content_type="application/json", REMOTE_ADDR=_ip(1), HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 429 and resp.json()["detail"].startswith("Too many verification requests")
    other = client.post(API, data=body, content_type="application/json", REMOTE_ADDR=_ip(2))
    assert other.status_code == 200 and other.json()["verdict"] == "VALID"


def test_upload_page_shares_the_api_budget_and_answers_429_in_both_languages(client, rate_limits):
    text = issue().signed_json
    for _ in range(2):
        assert client.post(API, data=text.encode(), content_type="application/json", REMOTE_ADDR=_ip(3)).status_code == 200
    assert client.post("/badges/verify/", {"text": text}, REMOTE_ADDR=_ip(3)).status_code == 200
    fr = client.post("/badges/verify/", {"text": text}, REMOTE_ADDR=_ip(3))
    assert fr.status_code == 429 and "Trop de demandes de vérification" in fr.content.decode()
    assert fr["Retry-After"]
    en = client.post("/en/badges/verify/", {"text": text}, REMOTE_ADDR=_ip(3))
    assert en.status_code == 429 and "Too many verification requests" in en.content.decode()
    assert client.get("/en/badges/verify/", REMOTE_ADDR=_ip(3)).status_code == 200  # the empty form is not counted
    assert client.post("/en/badges/verify/", {"text": text}, REMOTE_ADDR=_ip(4)).status_code == 200


def test_public_page_of_a_credential_is_rate_limited_per_client(client, rate_limits):
    cred = issue()
    for _ in range(4):
        assert client.get(f"/en/verify/{cred.pk}/", REMOTE_ADDR=_ip(5)).status_code == 200
    resp = client.get(f"/en/verify/{cred.pk}/", REMOTE_ADDR=_ip(5))
    assert resp.status_code == 429 and "Too many verification requests" in resp.content.decode()
    assert client.get(f"/verify/{cred.pk}/", REMOTE_ADDR=_ip(6)).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, rate_limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    body = issue().signed_json.encode()
    for _ in range(3):
        client.post(API, data=body, content_type="application/json", REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR=_ip(7))
    limited = client.post(API, data=body, content_type="application/json", REMOTE_ADDR="10.0.0.1",
                          HTTP_X_FORWARDED_FOR=_ip(7))
    assert limited.status_code == 429
    # another client behind the same proxy is not limited; forging a left-hand address does not help
    assert client.post(API, data=body, content_type="application/json", REMOTE_ADDR="10.0.0.1",
                       HTTP_X_FORWARDED_FOR=_ip(8)).status_code == 200
    assert client.post(API, data=body, content_type="application/json", REMOTE_ADDR="10.0.0.1",
                       HTTP_X_FORWARDED_FOR=f"1.2.3.4, {_ip(7)}").status_code == 429


# ------------------------------------------------------------------------------------ concurrency cap
def test_verifications_beyond_the_server_wide_cap_answer_503_and_free_their_slot(client, settings):
    from lms.throttle import concurrency_slot

    settings.BADGES_VERIFY_CONCURRENCY = 2
    body = issue().signed_json.encode()
    with concurrency_slot("badges-verify", 2) as first, concurrency_slot("badges-verify", 2) as second:
        assert first and second  # two verifications in flight (in other workers)
        resp = client.post(API, data=body, content_type="application/json")
        assert resp.status_code == 503 and resp["Retry-After"]
        assert resp.json()["detail"] == "Le vérificateur est occupé. Veuillez réessayer dans quelques secondes."
        page = client.post("/en/badges/verify/", {"text": body.decode()})
        assert page.status_code == 503 and "The verifier is busy" in page.content.decode()
        with concurrency_slot("badges-verify", 2) as third:
            assert third is False
    # the refused requests gave their slot back, and so did the finished ones
    for _ in range(3):
        resp = client.post(API, data=body, content_type="application/json")
        assert resp.status_code == 200 and resp.json()["verdict"] == "VALID"
    with concurrency_slot("badges-verify", 1) as only:
        assert only


def test_a_slot_is_given_back_when_the_verification_raises(monkeypatch):
    from lms.throttle import concurrency_slot

    with pytest.raises(RuntimeError):
        with concurrency_slot("badges-verify-test", 1) as taken:
            assert taken
            raise RuntimeError("worker error")
    with concurrency_slot("badges-verify-test", 1) as taken:
        assert taken

"""Offline loader, bundled contexts, safe mode and bounds of ``badges.jsonld``."""

import copy
import hashlib
import json

import pytest
from pyld import jsonld as pyld

from badges import jsonld
from badges.contexts import ALL_CONTEXTS, PRODUCTION_CONTEXTS, VC_EXAMPLES_V2
from badges.jsonld import (
    ContextNotBundledError,
    DocumentLimitError,
    Limits,
    OfflineDocumentLoader,
    UndefinedTermError,
    UnsafeDocumentError,
)


# ------------------------------------------------------------------ bundled contexts
@pytest.mark.parametrize("ctx", list(ALL_CONTEXTS.values()), ids=lambda c: c.filename)
def test_bundled_files_match_their_digest(ctx):
    assert hashlib.sha256(ctx.path.read_bytes()).hexdigest() == ctx.sha256


@pytest.mark.parametrize("ctx", list(ALL_CONTEXTS.values()), ids=lambda c: c.filename)
def test_bundled_contexts_reference_only_bundled_contexts(ctx):
    doc = json.loads(ctx.path.read_bytes())
    jsonld.check_contexts(doc, OfflineDocumentLoader(ALL_CONTEXTS))


def test_examples_context_only_on_request():
    assert VC_EXAMPLES_V2 not in PRODUCTION_CONTEXTS
    assert VC_EXAMPLES_V2 not in jsonld.PRODUCTION_LOADER


def test_loader_refuses_unknown_url():
    with pytest.raises(ContextNotBundledError) as err:
        jsonld.PRODUCTION_LOADER("https://example.com/context.jsonld", {})
    assert err.value.url == "https://example.com/context.jsonld"


def test_loader_hands_out_copies():
    url = next(iter(PRODUCTION_CONTEXTS))
    first = jsonld.PRODUCTION_LOADER(url, {})
    first["document"]["@context"]["injected"] = "https://evil.example/"
    second = jsonld.PRODUCTION_LOADER(url, {})
    assert "injected" not in second["document"]["@context"]
    assert second["tag"] == "static"


def test_processed_contexts_are_cached_by_pyld(ob_credential):
    calls = []

    class CountingLoader(OfflineDocumentLoader):
        def __call__(self, url, options=None):
            calls.append(url)
            return super().__call__(url, options)

    loader = CountingLoader()
    jsonld.canonicalize(ob_credential, loader)
    calls.clear()
    jsonld.canonicalize(ob_credential, loader)
    assert calls == []


# ------------------------------------------------------------------ offline
@pytest.mark.parametrize(
    "context",
    [
        "https://example.com/context.jsonld",
        ["https://www.w3.org/ns/credentials/v2", "https://example.com/context.jsonld"],
        ["https://www.w3.org/ns/credentials/v2", {"@import": "https://example.com/c.jsonld"}],
        ["https://www.w3.org/ns/credentials/v2", {"x": {"@id": "https://x.example/x",
                                                         "@context": "https://example.com/c"}}],
        "relative/context.jsonld",
    ],
)
def test_non_bundled_context_refused_without_network(ob_credential, context):
    ob_credential["@context"] = context
    with pytest.raises(ContextNotBundledError):
        jsonld.canonicalize(ob_credential)


def test_nested_context_refused(ob_credential):
    ob_credential["credentialSubject"]["@context"] = "https://example.com/other"
    with pytest.raises(ContextNotBundledError):
        jsonld.canonicalize(ob_credential)


def test_url_cached_by_another_pyld_user_still_refused(vectors, vector_loader):
    # The examples context now sits in pyld's process-wide cache...
    jsonld.canonicalize(vectors.json("unsigned.json"), vector_loader)
    # ...but the production loader still refuses it.
    with pytest.raises(ContextNotBundledError):
        jsonld.canonicalize(vectors.json("unsigned.json"))


# ------------------------------------------------------------------ safe mode
def test_ob_credential_canonicalizes(ob_credential):
    nquads = jsonld.canonicalize(ob_credential)
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential>" in nquads
    assert "<https://www.w3.org/ns/credentials/status#statusListIndex> \"94567\"" in nquads
    assert nquads.endswith("\n")


def test_pyld_alone_drops_an_undefined_property_silently(ob_credential):
    """Why safe mode exists: plain normalize signs the same bytes with or without the term."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads",
               "documentLoader": jsonld.PRODUCTION_LOADER}
    tampered = copy.deepcopy(ob_credential)
    tampered["credentialSubject"]["grade"] = "A+"
    assert pyld.normalize(tampered, options) == pyld.normalize(ob_credential, options)


@pytest.mark.parametrize(
    "mutate, term, path",
    [
        (lambda d: d["credentialSubject"].__setitem__("grade", "A+"),
         "grade", "$.credentialSubject.grade"),
        (lambda d: d.__setitem__("evidenceNote", "x"), "evidenceNote", "$.evidenceNote"),
        (lambda d: d["credentialSubject"]["achievement"]["criteria"].__setitem__("hours", 3),
         "hours", "$.credentialSubject.achievement.criteria.hours"),
        (lambda d: d["credentialSubject"]["achievement"].__setitem__("type", ["Achievement", "Badge"]),
         "Badge", "$.credentialSubject.achievement.type[1]"),
        (lambda d: d["credentialSubject"]["result"][0].__setitem__("ex:score", "1"),
         "ex:score", "$.credentialSubject.result[0].ex:score"),
        (lambda d: d.__setitem__("credentialSchema", [{"id": "https://x.example/s.json",
                                                       "type": "1EdTechJsonSchemaValidator2019"}]),
         "1EdTechJsonSchemaValidator2019", "$.credentialSchema[0].type"),
    ],
)
def test_undefined_terms_are_refused_with_their_path(ob_credential, mutate, term, path):
    mutate(ob_credential)
    with pytest.raises(UndefinedTermError) as err:
        jsonld.canonicalize(ob_credential)
    assert err.value.term == term
    assert err.value.path == path
    assert term in str(err.value) and path in str(err.value)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["credentialSubject"]["achievement"].__setitem__("id", "audio-engineer"),
        lambda d: d.__setitem__("issuer", "academy"),
        lambda d: d.__setitem__("name", {"@value": "x", "@language": "ar", "@direction": "rtl"}),
    ],
)
def test_data_that_would_vanish_is_refused(ob_credential, mutate):
    mutate(ob_credential)
    with pytest.raises(UnsafeDocumentError):
        jsonld.canonicalize(ob_credential)


def test_protected_term_redefinition_is_invalid(ob_credential):
    ob_credential["@context"].append({"name": "https://evil.example/name"})
    with pytest.raises(jsonld.InvalidJsonLdError):
        jsonld.canonicalize(ob_credential)


# ------------------------------------------------------------------ bounds
def test_size_bound(ob_credential):
    ob_credential["name"] = "x" * (300 * 1024)
    with pytest.raises(DocumentLimitError):
        jsonld.canonicalize(ob_credential)
    with pytest.raises(DocumentLimitError):
        jsonld.parse_json(json.dumps(ob_credential))


def test_depth_bound():
    with pytest.raises(DocumentLimitError):
        jsonld.parse_json("[" * 5000 + "]" * 5000)
    deep = current = {}
    for _ in range(40):
        current["a"] = current = {}
    with pytest.raises(DocumentLimitError):
        jsonld.check_shape(deep)


def test_parse_json_rejects_garbage():
    with pytest.raises(jsonld.InvalidJsonLdError):
        jsonld.parse_json(b"{not json")


def test_quad_bound(ob_credential):
    with pytest.raises(DocumentLimitError):
        jsonld.canonicalize(ob_credential, limits=Limits(max_quads=10))


def _clique(n):
    return {
        "@context": VC_EXAMPLES_V2,
        "@graph": [
            {"@id": f"_:b{i}", "knows": [{"@id": f"_:b{j}"} for j in range(n) if j != i]}
            for i in range(n)
        ],
    }


def test_small_blank_node_graph_canonicalizes(vector_loader):
    assert jsonld.canonicalize(_clique(3), vector_loader).count("\n") == 6


@pytest.mark.parametrize("n", [7, 12, 40])
def test_poisoned_dataset_is_bounded(vector_loader, n):
    with pytest.raises(DocumentLimitError):
        jsonld.canonicalize(_clique(n), vector_loader)


def test_time_bound(vector_loader):
    with pytest.raises(DocumentLimitError):
        jsonld.canonicalize(_clique(6), vector_loader,
                            Limits(max_cpu_seconds=0.0, max_ndegree_calls=10**9))

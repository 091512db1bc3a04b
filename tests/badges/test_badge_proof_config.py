"""The proof configuration of the usual shape is canonicalised from a template (badges.signing._usual_config): for
every value it takes, the N-Quads must be exactly the full RDFC-1.0 canonicalisation's; every other value (what
JSON-LD would expand as a compact IRI, resolve as relative, escape or refuse) must take the full path."""
import random

import pytest

from badges import jsonld, signing
from badges.contexts import OB_V3P0, VC_V2
from badges.jsonld import DEFAULT_LIMITS, PRODUCTION_LOADER

CONTEXT = [VC_V2, OB_V3P0]


def options(**overrides):
    base = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-12-01T10:00:00Z",
            "verificationMethod": "did:web:academy.flowstage.fr#key-3", "proofPurpose": "assertionMethod"}
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def full(config, context=CONTEXT):
    return jsonld.canonicalize({**config, "@context": context}, PRODUCTION_LOADER)


def inputs(config, context=CONTEXT):
    doc = {"@context": context, "type": ["VerifiableCredential"], "issuer": "did:web:academy.flowstage.fr",
           "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:holder"}}
    return signing._canonical_inputs(doc, config, PRODUCTION_LOADER, DEFAULT_LIMITS)


def test_random_usual_values_give_the_full_canonicalisation():
    rng = random.Random(13)
    for _ in range(60):
        created = (f"{rng.randint(1970, 2099)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                   f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                   + rng.choice(["Z", ".5Z", ".123456Z", "+02:00", "-05:30"]))
        host = rng.choice(["academy.flowstage.fr", "127.0.0.1%3A8000", "ex-ample.org:path:to", "a_b.c"])
        method = f"did:{rng.choice(['web', 'key', 'example'])}:{host}#{rng.choice(['key-1', 'key-42', 'k.x_y-z'])}"
        purpose = rng.choice(["assertionMethod", "authentication"])
        config = options(created=created, verificationMethod=method, proofPurpose=purpose)
        fast = signing._usual_config(dict(config), CONTEXT, PRODUCTION_LOADER)
        assert fast is not None and fast == full(config), config


@pytest.mark.parametrize("override", [
    {"verificationMethod": "xsd:key-1"},  # a compact IRI: JSON-LD expands the prefix
    {"verificationMethod": "key-1"},  # relative
    {"verificationMethod": "did:web:x#key>1"},  # would need escaping in N-Quads
    {"verificationMethod": "did:web:ex ample#key-1"},
    {"verificationMethod": "did:web:é.fr#key-1"},
    {"verificationMethod": "did:web:x"},  # no fragment: not the pattern
    {"verificationMethod": 7},
    {"created": "2026-12-01T10:00:00"},  # no time zone: a valid dateTime, not the pattern
    {"created": "2026-12-01"},
    {"created": '2026-12-01T10:00:00Z" .'},
    {"type": ["DataIntegrityProof"]},
    {"proofPurpose": None},
    {"challenge": "abc"},  # an extra property: not the usual shape
    {"id": "urn:uuid:1"},
])
def test_other_values_take_the_full_path_with_the_same_result(override):
    config = options(**override)
    assert signing._usual_config(dict(config), CONTEXT, PRODUCTION_LOADER) is None
    try:
        fast = inputs(config).canonical_proof_config
    except Exception as exc:  # noqa: BLE001 - the reference must refuse it the same way
        with jsonld.reference_path(), pytest.raises(type(exc)):
            inputs(config)
        return
    with jsonld.reference_path():
        assert inputs(config).canonical_proof_config == fast


def test_an_inline_context_and_the_reference_path_take_the_full_path():
    config = options()
    assert signing._usual_config(dict(config), [VC_V2, {"ex": "https://example.org/"}], PRODUCTION_LOADER) is None
    with jsonld.reference_path():
        assert signing._usual_config(dict(config), CONTEXT, PRODUCTION_LOADER) is None
    assert signing._usual_config(dict(config), CONTEXT, PRODUCTION_LOADER) == full(config)


def test_a_template_whose_placeholders_do_not_come_out_verbatim_is_not_used(monkeypatch):
    """A context that defined "did" as a prefix would expand the placeholder key: no template then."""
    real = jsonld.canonicalize

    def expanding(doc, *args, **kwargs):
        return real(doc, *args, **kwargs).replace("did:example:placeholder", "https://example.org/placeholder")

    signing._config_template.cache_clear()
    monkeypatch.setattr(jsonld, "canonicalize", expanding)
    try:
        assert signing._usual_config(options(), CONTEXT, PRODUCTION_LOADER) is None
    finally:
        signing._config_template.cache_clear()

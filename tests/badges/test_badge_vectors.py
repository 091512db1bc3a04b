"""W3C "Data Integrity EdDSA Cryptosuites v1.0" eddsa-rdfc-2022 test vectors, byte for byte."""

import copy

from pyld import jsonld as pyld

from badges import jsonld, signing

PREFIX = "eddsa-rdfc-2022/"


def proof_options(vectors):
    """The proof options of the vectors: the proof configuration without its @context."""
    config = vectors.json(PREFIX + "proofConfigDataInt.json")
    return {k: v for k, v in config.items() if k != "@context"}


def test_canonical_document_is_byte_exact(vectors, vector_loader):
    doc = vectors.json("unsigned.json")
    assert jsonld.canonicalize(doc, vector_loader) == vectors.text(PREFIX + "canonDocDataInt.txt")


def test_canonical_proof_config_is_byte_exact(vectors, vector_loader):
    config = vectors.json(PREFIX + "proofConfigDataInt.json")
    expected = vectors.text(PREFIX + "proofCanonDataInt.txt")
    assert jsonld.canonicalize(config, vector_loader) == expected


def test_same_result_as_pyld_normalize_urdna2015(vectors, vector_loader):
    doc = vectors.json("unsigned.json")
    via_pyld = pyld.normalize(
        doc,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": vector_loader},
    )
    assert jsonld.canonicalize(doc, vector_loader) == via_pyld


def test_hashes_are_byte_exact(vectors, vector_loader):
    inputs = signing.hash_inputs(vectors.json("unsigned.json"), proof_options(vectors), vector_loader)
    assert inputs.canonical_document == vectors.text(PREFIX + "canonDocDataInt.txt")
    assert inputs.canonical_proof_config == vectors.text(PREFIX + "proofCanonDataInt.txt")
    assert inputs.document_hash.hex() == vectors.text(PREFIX + "docHashDataInt.txt")
    assert inputs.proof_config_hash.hex() == vectors.text(PREFIX + "proofHashDataInt.txt")
    assert inputs.hash_data.hex() == vectors.text(PREFIX + "combinedHashDataInt.txt")


def test_key_pair_multikey_round_trip(vectors):
    pair = vectors.json("keyPair.json")
    private_key = signing.private_key_from_multibase(pair["privateKeyMultibase"])
    assert signing.public_key_multibase(private_key) == pair["publicKeyMultibase"]
    assert signing.private_key_multibase(private_key) == pair["privateKeyMultibase"]
    public_key = signing.public_key_from_multibase(pair["publicKeyMultibase"])
    assert signing.public_key_bytes(public_key) == signing.public_key_bytes(private_key)


def test_signature_and_signed_document_are_byte_exact(vectors, vector_loader):
    pair = vectors.json("keyPair.json")
    private_key = signing.private_key_from_multibase(pair["privateKeyMultibase"])
    options = proof_options(vectors)
    unsigned = vectors.json("unsigned.json")
    signed = signing.sign_document(
        unsigned,
        private_key,
        verification_method=options["verificationMethod"],
        created=options["created"],
        proof_purpose=options["proofPurpose"],
        loader=vector_loader,
    )
    proof_value = signed["proof"]["proofValue"]
    assert proof_value == vectors.text(PREFIX + "sigBTC58DataInt.txt")
    assert signing.multibase_decode(proof_value).hex() == vectors.text(PREFIX + "sigHexDataInt.txt")
    assert signed == vectors.json(PREFIX + "signedDataInt.json")
    assert list(signed["proof"]) == list(vectors.json(PREFIX + "signedDataInt.json")["proof"])
    assert unsigned == vectors.json("unsigned.json")  # input left untouched


def test_signed_vector_verifies(vectors, vector_loader):
    pair = vectors.json("keyPair.json")
    signed = vectors.json(PREFIX + "signedDataInt.json")
    result = signing.verify_proof(signed, pair["publicKeyMultibase"], loader=vector_loader)
    assert result.verified, result
    assert result.error is None
    assert result.verification_method == signed["proof"]["verificationMethod"]


def test_signed_vector_tampered_fails(vectors, vector_loader):
    pair = vectors.json("keyPair.json")
    signed = vectors.json(PREFIX + "signedDataInt.json")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Counter-Examples"
    result = signing.verify_proof(tampered, pair["publicKeyMultibase"], loader=vector_loader)
    assert not result.verified
    assert result.error == "invalid_signature"


def test_examples_context_is_not_accepted_in_production(vectors):
    pair = vectors.json("keyPair.json")
    result = signing.verify_proof(vectors.json(PREFIX + "signedDataInt.json"), pair["publicKeyMultibase"])
    assert not result.verified
    assert result.error == "context_not_bundled"

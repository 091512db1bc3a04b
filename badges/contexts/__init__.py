"""Bundled JSON-LD contexts, resolved offline (DESIGN.md section 5).

Each entry maps a context URL to a file in this folder, with the SHA-256 of
the file's bytes and where the bytes come from. The files are byte-exact
copies; ``tests/badges/test_jsonld.py`` checks the digests, so an edit to a
context file is caught.

``PRODUCTION_CONTEXTS`` is what the issuer and the verifier accept.
``DID_AUTH_CONTEXTS`` adds the two a wallet's DID authentication may also use (VC 1.1 and the Ed25519Signature2020
suite's, what the Learner Credential Wallet signs with): accepted there only (``badges.holder_proof``), never in a
credential.
``EXAMPLE_CONTEXTS`` holds contexts that only the W3C test vectors need; the
examples context maps *every* term through ``@vocab``, which would defeat
safe mode, so it is served only when a caller opts in explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONTEXTS_DIR = Path(__file__).resolve().parent

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OB_V3P0_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"

#: The Open Badges 3.0 context the platform issues with (latest 3.0.x).
OB_V3P0 = OB_V3P0_3_0_3


@dataclass(frozen=True)
class BundledContext:
    url: str
    filename: str
    sha256: str
    source: str

    @property
    def path(self) -> Path:
        return CONTEXTS_DIR / self.filename


PRODUCTION_CONTEXTS: dict[str, BundledContext] = {
    c.url: c
    for c in (
        BundledContext(
            VC_V2,
            "credentials-v2.jsonld",
            # The digest the VC Data Model 2.0 Recommendation publishes.
            "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
            "github w3c/vc-data-model contexts/credentials/v2 @ 08b83e46c10ee37b0f4fb44b31459e611e521da0",
        ),
        BundledContext(
            OB_V3P0_3_0_3,
            "ob-v3p0-context-3.0.3.json",
            "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
            "github 1EdTech/openbadges-specification ob_v3p0/context-3.0.3.json @ 74da24dd031d5ca56fbe08e8784354b516d5aa86",
        ),
        BundledContext(
            DATA_INTEGRITY_V2,
            "data-integrity-v2.jsonld",
            "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
            "npm @digitalbazaar/data-integrity-context 2.0.1 contexts/data-integrity-v2.jsonld",
        ),
        BundledContext(
            MULTIKEY_V1,
            "multikey-v1.jsonld",
            "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
            "npm @digitalbazaar/multikey-context 2.0.1 contexts/multikey-v1.jsonld",
        ),
        BundledContext(
            DID_V1,
            "did-v1.jsonld",
            "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
            "npm did-context 3.1.1 contexts/did-v1.jsonld",
        ),
    )
}

EXAMPLE_CONTEXTS: dict[str, BundledContext] = {
    VC_EXAMPLES_V2: BundledContext(
        VC_EXAMPLES_V2,
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
        "github w3c/vc-data-model contexts/credentials/examples/v2 @ 80cefeec328f48d32c90a75df0596eb0b165ec3a",
    ),
}

HOLDER_CONTEXTS: dict[str, BundledContext] = {
    c.url: c
    for c in (
        BundledContext(
            VC_V1,
            "credentials-v1.jsonld",
            "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
            "npm @digitalbazaar/credentials-context 3.2.0 contexts/v1.jsonld (W3C Software and Document License)",
        ),
        BundledContext(
            ED25519_2020_V1,
            "ed25519-signature-2020-v1.jsonld",
            "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
            "npm ed25519-signature-2020-context 1.1.0 contexts/ed25519-signature-2020-v1.jsonld (BSD-3-Clause, "
            "Digital Bazaar)",
        ),
    )
}

DID_AUTH_CONTEXTS: dict[str, BundledContext] = {**PRODUCTION_CONTEXTS, **HOLDER_CONTEXTS}

ALL_CONTEXTS: dict[str, BundledContext] = {**PRODUCTION_CONTEXTS, **EXAMPLE_CONTEXTS, **HOLDER_CONTEXTS}

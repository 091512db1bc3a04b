"""Verification of an Open Badges 3.0 credential, each check reported separately.

Pure-ish: no Django import, no network. Everything the verifier needs from the outside world (the
issuer's DID document, status list credentials, the issuance registry) comes through a
``Resolver`` object passed in; ``badges.resolver.DatabaseResolver`` is the platform's. The
signature is always re-checked over the document AS GIVEN.

``verify_credential`` never raises: any unexpected error becomes an INVALID verdict.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from badges import jsonld, signing, statuslist
from badges.contexts import OB_V3P0, PRODUCTION_CONTEXTS, VC_V2

VALID = "VALID"
REVOKED = "REVOKED"
EXPIRED = "EXPIRED"
INVALID = "INVALID"

CHECK_NAMES = ("structure", "proof", "verification_method", "issuer", "status", "validity")
MAX_UPLOAD_BYTES = 256 * 1024


class Resolver(Protocol):
    def did_document(self, did: str) -> dict | None:
        """The DID document of ``did`` if it is an issuer this verifier trusts, else None."""

    def status_list_credential(self, url: str) -> dict | None:
        """The status list credential at ``url`` (from a local store), None when unavailable."""

    def issued_at(self, credential_id: str) -> datetime | None:
        """When the registry recorded the issuance of ``credential_id`` (None when unknown)."""


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not run (an earlier check failed)
    detail: str = ""


@dataclass
class Report:
    verdict: str
    reason: str
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None
    summary: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.verdict == VALID

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason,
                "checks": [asdict(c) for c in self.checks], "summary": self.summary}


def _parse_dt(value: Any) -> datetime | None:
    if not signing.is_xsd_datetime(value):
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _types(value: Any) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def _issuer_id(doc: dict) -> Any:
    issuer = doc.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def parse(raw: bytes | str) -> tuple[dict | None, str]:
    """Parse untrusted JSON bytes (bounded); returns (document, error)."""
    try:
        doc = jsonld.parse_json(raw, jsonld.Limits(max_bytes=MAX_UPLOAD_BYTES))
    except jsonld.CredentialJsonLdError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001
        return None, f"not JSON: {exc}"
    if not isinstance(doc, dict):
        return None, "the credential must be a JSON object"
    return doc, ""


def _structure(doc: Any) -> str:
    """Empty string when the document has the shape of an OpenBadgeCredential, else the reason."""
    if not isinstance(doc, dict):
        return "the credential is not a JSON object"
    ctx = doc.get("@context")
    if not isinstance(ctx, list) or not ctx or ctx[0] != VC_V2:
        return f"@context must be a list starting with {VC_V2}"
    for url in ctx:
        if isinstance(url, str) and url not in PRODUCTION_CONTEXTS:
            return f"JSON-LD context not bundled, refused: {url}"
    if not any(isinstance(u, str) and u.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context") for u in ctx):
        return f"@context must include the Open Badges 3.0 context ({OB_V3P0})"
    types = _types(doc.get("type"))
    if "VerifiableCredential" not in types or not ({"OpenBadgeCredential", "AchievementCredential"} & set(types)):
        return "type must include VerifiableCredential and OpenBadgeCredential"
    if not isinstance(_issuer_id(doc), str):
        return "issuer (with an id) is missing"
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        return "credentialSubject with an achievement is missing"
    if _parse_dt(doc.get("validFrom")) is None:
        return "validFrom is missing or not a dateTime"
    if "validUntil" in doc and _parse_dt(doc.get("validUntil")) is None:
        return "validUntil is not a dateTime"
    proof = doc.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        return "exactly one embedded proof is required"
    return ""


def _authorised_key(did_doc: dict, did: str, vm_id: str) -> tuple[dict | None, str]:
    """The verification method ``vm_id`` if the DID document lists it under assertionMethod."""
    if not isinstance(vm_id, str) or not vm_id.startswith(did + "#"):
        return None, f"verification method {vm_id!r} is not controlled by the issuer {did}"
    methods = did_doc.get("verificationMethod") or []
    vm = next((m for m in methods if isinstance(m, dict) and m.get("id") == vm_id), None)
    if vm is None:
        return None, f"unknown verification method {vm_id}"
    if vm.get("controller") != did:
        return None, "the verification method's controller is not the issuer"
    assertion = did_doc.get("assertionMethod") or []
    if vm_id not in [a if isinstance(a, str) else (a or {}).get("id") for a in assertion]:
        return None, "the key is not authorised for assertionMethod"
    if vm.get("type") != "Multikey" or not isinstance(vm.get("publicKeyMultibase"), str):
        return None, "the verification method is not an Ed25519 Multikey"
    return vm, ""


def _key_revocation(vm: dict, signed_at: datetime | None, registry_at: datetime | None) -> str:
    """A reason when the key was revoked before the credential was signed, else ''."""
    revoked = _parse_dt(vm.get("revoked")) if vm.get("revoked") else None
    if revoked is None:
        return ""
    # Trust the registry's issuance time, not a ``created`` the signer chose (could be backdated).
    when = registry_at
    if when is None:
        return f"signed with a key revoked on {vm['revoked']} and not found in the issuer's registry"
    if when >= revoked:
        return f"signed with a key revoked on {vm['revoked']} (signed {when.isoformat()})"
    return ""


_VERIFIED_LISTS: "OrderedDict[str, bool]" = OrderedDict()
_VERIFIED_LISTS_MAX = 64


def _status_list_proof_ok(slc: dict, public_key_multibase: str) -> bool:
    """Verify the status list credential's proof; a content-addressed memo (the exact JSON and key)
    spares re-canonicalising the same list for every credential that points into it."""
    try:
        digest = hashlib.sha256(
            (public_key_multibase + json.dumps(slc, sort_keys=True, ensure_ascii=False)).encode("utf-8")).hexdigest()
    except (TypeError, ValueError):
        return False
    if digest in _VERIFIED_LISTS:
        _VERIFIED_LISTS.move_to_end(digest)
        return True
    if not signing.verify_proof(slc, public_key_multibase).verified:
        return False
    _VERIFIED_LISTS[digest] = True
    while len(_VERIFIED_LISTS) > _VERIFIED_LISTS_MAX:
        _VERIFIED_LISTS.popitem(last=False)
    return True


def _check_status_list(doc: dict, resolver: Resolver, did_doc: dict, did: str) -> tuple[bool | None, str, bool]:
    """(ok, detail, revoked)."""
    entries = doc.get("credentialStatus")
    if entries is None:
        return False, "no credentialStatus: revocation cannot be checked", False
    entries = entries if isinstance(entries, list) else [entries]
    revoked = False
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return False, "credentialStatus is not a BitstringStatusListEntry", False
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            return False, "statusListCredential is missing", False
        try:
            index = statuslist.parse_index(entry.get("statusListIndex"))
        except statuslist.StatusListError as exc:
            return False, str(exc), False
        purpose = entry.get("statusPurpose")
        try:
            slc = resolver.status_list_credential(url)
        except Exception:  # noqa: BLE001
            slc = None
        if not isinstance(slc, dict):
            return False, f"status list {url} is unavailable", False
        if slc.get("id") != url or "BitstringStatusListCredential" not in _types(slc.get("type")):
            return False, "the status list credential is not a BitstringStatusListCredential for that URL", False
        if _issuer_id(slc) != did:
            return False, "the status list was not issued by the credential's issuer", False
        sl_proof = slc.get("proof") if isinstance(slc.get("proof"), dict) else {}
        vm, why = _authorised_key(did_doc, did, sl_proof.get("verificationMethod"))
        if vm is None:
            return False, f"status list: {why}", False
        if vm.get("revoked"):
            return False, "the status list is signed with a revoked key", False
        if not _status_list_proof_ok(slc, vm["publicKeyMultibase"]):
            return False, "the status list's signature is invalid", False
        subject = slc.get("credentialSubject") or {}
        if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
            return False, "status purpose mismatch between the entry and the list", False
        valid_until = _parse_dt(slc.get("validUntil")) if slc.get("validUntil") else None
        if valid_until and valid_until < datetime.now(timezone.utc):
            return False, "the status list credential has expired", False
        try:
            bits = statuslist.decode_list(subject.get("encodedList"), min_entries=statuslist.MIN_ENTRIES)
            bit = statuslist.get_bit(bits, index)
        except statuslist.StatusListError as exc:
            return False, f"status list: {exc}", False
        if bit and purpose in ("revocation", "suspension"):
            revoked = True
    if revoked:
        return True, "the issuer has revoked this credential (status bit set)", True
    return True, "not revoked", False


def verify_credential(doc_or_raw: Any, resolver: Resolver, *, now: datetime | None = None) -> Report:
    """Verify a credential (a parsed dict, or raw JSON bytes/str). Never raises."""
    try:
        return _verify(doc_or_raw, resolver, now or datetime.now(timezone.utc))
    except Exception as exc:  # noqa: BLE001 - never raise on bad input
        return Report(INVALID, f"verification error: {type(exc).__name__}",
                      [Check(n, None) for n in CHECK_NAMES])


def _verify(doc: Any, resolver: Resolver, now: datetime) -> Report:
    checks: dict[str, Check] = {n: Check(n, None) for n in CHECK_NAMES}

    def report(verdict: str, reason: str) -> Report:
        return Report(verdict, reason, list(checks.values()), doc if isinstance(doc, dict) else None,
                      _summary(doc) if isinstance(doc, dict) else {})

    if isinstance(doc, (bytes, bytearray, str)):
        doc, err = parse(doc)
        if doc is None:
            checks["structure"] = Check("structure", False, err)
            return report(INVALID, err)
    else:
        try:
            jsonld.check_shape(doc, jsonld.Limits(max_bytes=MAX_UPLOAD_BYTES))
        except jsonld.CredentialJsonLdError as exc:
            checks["structure"] = Check("structure", False, str(exc))
            return report(INVALID, str(exc))
    why = _structure(doc)
    if why:
        checks["structure"] = Check("structure", False, why)
        return report(INVALID, why)
    checks["structure"] = Check("structure", True, "an OpenBadgeCredential (VC 2.0, Open Badges 3.0)")

    # Issuer: must be one the resolver knows (this platform), with a DID document.
    did = _issuer_id(doc)
    try:
        did_doc = resolver.did_document(did)
    except Exception:  # noqa: BLE001
        did_doc = None
    if not isinstance(did_doc, dict) or did_doc.get("id") != did:
        checks["issuer"] = Check("issuer", False, f"unknown issuer {did!r}")
        return report(INVALID, f"unknown issuer {did!r}")
    checks["issuer"] = Check("issuer", True, did)

    # Verification method: listed, controlled by the issuer, authorised for assertions, not revoked.
    proof = doc["proof"][0] if isinstance(doc["proof"], list) else doc["proof"]
    vm_id = proof.get("verificationMethod")
    vm, why = _authorised_key(did_doc, did, vm_id)
    if vm is None:
        checks["verification_method"] = Check("verification_method", False, why)
        return report(INVALID, why)
    registry_at = None
    try:
        registry_at = resolver.issued_at(doc.get("id"))
    except Exception:  # noqa: BLE001
        registry_at = None
    why = _key_revocation(vm, _parse_dt(proof.get("created")), registry_at)
    if why:
        checks["verification_method"] = Check("verification_method", False, why)
        return report(INVALID, why)
    checks["verification_method"] = Check(
        "verification_method", True,
        f"{vm_id} (assertionMethod{', revoked later' if vm.get('revoked') else ''})")

    # Proof: eddsa-rdfc-2022 over the document as given.
    res = signing.verify_proof(doc, vm["publicKeyMultibase"])
    if not res.verified:
        checks["proof"] = Check("proof", False, f"{res.error}: {res.detail}")
        return report(INVALID, f"invalid proof ({res.detail})")
    checks["proof"] = Check("proof", True, f"eddsa-rdfc-2022 signature valid, created {res.created}")

    # Validity dates.
    valid_from = _parse_dt(doc.get("validFrom"))
    valid_until = _parse_dt(doc.get("validUntil")) if doc.get("validUntil") else None
    expired = False
    if valid_from > now:
        checks["validity"] = Check("validity", False, f"not valid before {doc['validFrom']}")
    elif valid_until and valid_until < now:
        expired = True
        checks["validity"] = Check("validity", False, f"expired on {doc['validUntil']}")
    else:
        checks["validity"] = Check("validity", True,
                                   f"valid from {doc['validFrom']}" + (f" until {doc['validUntil']}" if valid_until else ""))

    # Status list.
    ok, detail, revoked = _check_status_list(doc, resolver, did_doc, did)
    checks["status"] = Check("status", ok and not revoked, detail)
    if not ok:
        return report(INVALID, detail)
    if revoked:
        return report(REVOKED, detail)
    if valid_from > now:
        return report(INVALID, checks["validity"].detail)
    if expired:
        return report(EXPIRED, checks["validity"].detail)
    return report(VALID, "all checks passed")


def _summary(doc: dict) -> dict:
    """A few display fields of an (untrusted) credential, strings only."""
    def s(v):
        return v if isinstance(v, str) else ""

    subject = doc.get("credentialSubject") if isinstance(doc.get("credentialSubject"), dict) else {}
    ach = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = doc.get("issuer") if isinstance(doc.get("issuer"), dict) else {}
    crit = ach.get("criteria") if isinstance(ach.get("criteria"), dict) else {}
    return {
        "id": s(doc.get("id")),
        "name": s(doc.get("name")) or s(ach.get("name")),
        "achievement": s(ach.get("name")),
        "description": s(ach.get("description")),
        "criteria": s(crit.get("narrative")),
        "issuer": s(issuer.get("name")) or s(doc.get("issuer")),
        "issuer_id": s(_issuer_id(doc)) if isinstance(_issuer_id(doc), str) else "",
        "valid_from": s(doc.get("validFrom")),
        "valid_until": s(doc.get("validUntil")),
    }


def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)

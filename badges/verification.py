"""Verification of an Open Badges 3.0 credential, each check reported separately.

Pure-ish: no Django import, no network. Everything the verifier needs from the outside world (the
issuer's DID document, status list credentials, the issuance registry) comes through a
``Resolver`` object passed in; ``badges.resolver.DatabaseResolver`` is the platform's. The
signature is always re-checked over the document AS GIVEN.

``verify_credential`` never raises: any unexpected error becomes an INVALID verdict.

Messages: each check detail and verdict reason is an ``lms.messages.Message``, a template marked
here with ``gettext_noop`` (so ``makemessages`` extracts it into badges/locale) and its named
parameters (dates as ``Timestamp``). Its English text is ``Check.detail`` / ``Report.reason``, the
stable output of the JSON API and of ``manage.py verify_credential``; the pages render it in the
viewer's language with ``lms.templatetags.i18n_messages``. Errors of the lower layers (jsonld,
signing, statuslist) are mapped here to templates; their technical English wording stays the
English text.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from badges import checkpoint, jsonld, merkle, signing, statuslist
from badges.contexts import OB_V3P0, PRODUCTION_CONTEXTS, VC_V2
from lms.messages import Message, Timestamp, gettext_noop
from lms.messages import message as _m

VALID = "VALID"
REVOKED = "REVOKED"
EXPIRED = "EXPIRED"
INVALID = "INVALID"


CHECK_NAMES = ("structure", "proof", "verification_method", "issuer", "status", "validity", "log")
#: Checks whose failure is a warning: reported, shown apart, without changing the verdict.
WARNING_CHECKS = ("log",)
#: The largest credential JSON accepted (the API's body, a pasted or extracted credential).
MAX_UPLOAD_BYTES = jsonld.DEFAULT_LIMITS.max_bytes


class Resolver(Protocol):
    def did_document(self, did: str) -> dict | None:
        """The DID document of ``did`` if it is an issuer this verifier trusts, else None."""

    def status_list_credential(self, url: str) -> dict | None:
        """The status list credential at ``url`` (from a local store), None when unavailable."""

    def issued_at(self, credential_id: str) -> datetime | None:
        """When the registry recorded the issuance of ``credential_id`` (None when unknown)."""

    # Optional: ``prefetch(doc, digest)``, called once before the other methods with the credential (structurally
    # checked, not yet verified) and its log digest, so that a resolver can read everything in one round trip; it may
    # raise (then each method reads for itself).
    # Optional: ``log_inclusion(digest) -> dict | None``, where the issuer's issuance log lists the credential of
    # that digest (``badges.merkle.credential_digest``): ``leaf_index``, ``entry``, and unless ``pending`` (no signed
    # tree head covers it yet) ``tree_size``, ``inclusion_path`` (hex) and ``checkpoint`` (the signed tree head);
    # None when it is not listed. A resolver without it: the log check is not run.


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not run (an earlier check failed)
    message: Message | None = None

    @property
    def detail(self) -> str:
        """The English text (API, command line)."""
        return str(self.message) if self.message else ""

    @property
    def warning(self) -> bool:
        """A failed check that does not decide the verdict (``WARNING_CHECKS``): shown as a warning."""
        return self.ok is False and self.name in WARNING_CHECKS


@dataclass
class Report:
    verdict: str
    message: Message
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None
    summary: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The English text (API, command line)."""
        return str(self.message)

    @property
    def valid(self) -> bool:
        return self.verdict == VALID

    @property
    def warnings(self) -> list[Check]:
        """The failed checks that do not decide the verdict (``WARNING_CHECKS``)."""
        return [c for c in self.checks if c.warning]

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, "warning": c.warning} for c in self.checks],
                "summary": self.summary}


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


def _when(value: str, with_time: bool = False) -> Timestamp:
    """A dateTime of the credential (already validated) as a message parameter."""
    return Timestamp(value, _parse_dt(value), with_time)


def _jsonld_message(exc: Exception) -> Message:
    """A reading error of ``badges.jsonld.parse_json``/``check_shape``, its technical wording kept as the English
    text. (The JSON-LD errors met while canonicalising reach the report through ``signing``'s error codes.)"""
    if isinstance(exc, jsonld.DocumentLimitError):
        return _m(gettext_noop("the credential exceeds the verifier's size or complexity limits"), str(exc))
    return _m(gettext_noop("the credential is not valid JSON"), str(exc))


def parse(raw: bytes | str) -> tuple[dict | None, Message | None]:
    """Parse untrusted JSON bytes (bounded); returns (document, None) or (None, the error)."""
    try:
        doc = jsonld.parse_json(raw, jsonld.DEFAULT_LIMITS)
    except jsonld.CredentialJsonLdError as exc:
        return None, _jsonld_message(exc)
    except Exception as exc:  # noqa: BLE001
        return None, _m(gettext_noop("the credential is not valid JSON"), f"not JSON: {exc}")
    if not isinstance(doc, dict):
        return None, _m(gettext_noop("the credential must be a JSON object"))
    return doc, None


def _structure(doc: Any) -> Message | None:
    """None when the document has the shape of an OpenBadgeCredential, else the reason."""
    if not isinstance(doc, dict):
        return _m(gettext_noop("the credential is not a JSON object"))
    ctx = doc.get("@context")
    if not isinstance(ctx, list) or not ctx or ctx[0] != VC_V2:
        return _m(gettext_noop("@context must be a list starting with %(url)s"), url=VC_V2)
    for url in ctx:
        if isinstance(url, str) and url not in PRODUCTION_CONTEXTS:
            return _m(gettext_noop("JSON-LD context not bundled, refused: %(url)s"), url=url)
    if not any(isinstance(u, str) and u.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context") for u in ctx):
        return _m(gettext_noop("@context must include the Open Badges 3.0 context (%(url)s)"), url=OB_V3P0)
    types = _types(doc.get("type"))
    if "VerifiableCredential" not in types or not ({"OpenBadgeCredential", "AchievementCredential"} & set(types)):
        return _m(gettext_noop("type must include VerifiableCredential and OpenBadgeCredential"))
    if not isinstance(_issuer_id(doc), str):
        return _m(gettext_noop("issuer (with an id) is missing"))
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        return _m(gettext_noop("credentialSubject with an achievement is missing"))
    if _parse_dt(doc.get("validFrom")) is None:
        return _m(gettext_noop("validFrom is missing or not a dateTime"))
    if "validUntil" in doc and _parse_dt(doc.get("validUntil")) is None:
        return _m(gettext_noop("validUntil is not a dateTime"))
    if signing.single_proof(doc) is None:  # the proof object, or an array of exactly it (OB 3.0's form)
        return _m(gettext_noop("exactly one embedded proof is required"))
    return None


def _authorised_key(did_doc: dict, did: str, vm_id: str) -> tuple[dict | None, Message | None]:
    """The verification method ``vm_id`` if the DID document lists it under assertionMethod."""
    if not isinstance(vm_id, str) or not vm_id.startswith(did + "#"):
        return None, _m(gettext_noop("verification method %(method)s is not controlled by the issuer %(issuer)s"),
                        method=repr(vm_id), issuer=did)
    methods = did_doc.get("verificationMethod") or []
    vm = next((m for m in methods if isinstance(m, dict) and m.get("id") == vm_id), None)
    if vm is None:
        return None, _m(gettext_noop("unknown verification method %(method)s"), method=vm_id)
    if vm.get("controller") != did:
        return None, _m(gettext_noop("the verification method's controller is not the issuer"))
    assertion = did_doc.get("assertionMethod") or []
    if vm_id not in [a if isinstance(a, str) else (a or {}).get("id") for a in assertion]:
        return None, _m(gettext_noop("the key is not authorised for assertionMethod"))
    if vm.get("type") != "Multikey" or not isinstance(vm.get("publicKeyMultibase"), str):
        return None, _m(gettext_noop("the verification method is not an Ed25519 Multikey"))
    return vm, None


def _key_revocation(vm: dict, signed_at: datetime | None, registry_at: datetime | None) -> Message | None:
    """A reason when the key was revoked before the credential was signed, else None."""
    revoked = _parse_dt(vm.get("revoked")) if vm.get("revoked") else None
    if revoked is None:
        return None
    # Trust the registry's issuance time, not a ``created`` the signer chose (could be backdated).
    when = registry_at
    if when is None:
        return _m(gettext_noop("signed with a key revoked on %(revoked)s and not found in the issuer's registry"),
                  revoked=_when(vm["revoked"], with_time=True))
    if when >= revoked:
        return _m(gettext_noop("signed with a key revoked on %(revoked)s (signed %(signed)s)"),
                  revoked=_when(vm["revoked"], with_time=True), signed=Timestamp(when.isoformat(), when, True))
    return None


def _retired_at(vm_id: str, resolver) -> datetime | None:
    """When the key was retired by a planned rotation: only a resolver that knows the issuer's keys can tell (the
    platform's own, ``resolver.key_retired_at``)."""
    retired_at = getattr(resolver, "key_retired_at", None)
    return retired_at(vm_id) if retired_at else None


def _key_retirement(retired: datetime | None, registry_at: datetime | None) -> Message | None:
    """A reason when a key retired by a planned rotation (on ``retired``) signed after its retirement, else None; as
    for revocation, the registry's issuance time is trusted, not the ``created`` the signer chose."""
    if retired is None:
        return None
    if registry_at is None:
        return _m(gettext_noop("signed with a key retired on %(retired)s and not found in the issuer's registry"),
                  retired=_when(retired.isoformat(), with_time=True))
    if registry_at >= retired:
        return _m(gettext_noop("signed with a key retired on %(retired)s (signed %(signed)s)"),
                  retired=_when(retired.isoformat(), with_time=True),
                  signed=Timestamp(registry_at.isoformat(), registry_at, True))
    return None


# What a failed proof means, by ``signing.ProofResult.error`` code (its ``detail`` stays the English text).
PROOF_ERRORS = {
    "malformed": gettext_noop("the proof is missing or malformed"),
    "unsupported_proof": gettext_noop("the proof is not a DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite"),
    "invalid_proof_options": gettext_noop("the proof options are invalid"),
    "proof_purpose": gettext_noop("the proof is not made for assertions (assertionMethod)"),
    "context_mismatch": gettext_noop("the proof's @context does not match the credential's"),
    "context_not_bundled": gettext_noop("the credential uses a JSON-LD context this verifier does not bundle"),
    "undefined_term": gettext_noop("a term of the credential is not defined by its JSON-LD contexts, "
                                   "so it would not be covered by the signature"),
    "unsafe_document": gettext_noop("part of the credential would not be covered by the signature"),
    "limit_exceeded": gettext_noop("the credential exceeds the verifier's size or complexity limits"),
    "invalid_jsonld": gettext_noop("the credential is not valid JSON-LD"),
    "unknown_verification_method": gettext_noop("the proof's verification method is not accepted"),
    "invalid_key": gettext_noop("the issuer's public key is not a valid Ed25519 key"),
    "invalid_proof_value": gettext_noop("the proof value is not an encoded Ed25519 signature"),
    "invalid_signature": gettext_noop("the signature does not match the credential: "
                                      "it was altered after signing or signed with another key"),
}
PROOF_ERROR_OTHER = gettext_noop("the proof could not be checked")


class Memo:
    """A bounded LRU of results that are a pure function of what their key digests (exact bytes and a key), shared
    by the threads of one process (a threaded server, concurrent issuers): every access under one lock (a look-up
    raced by another thread's eviction raised KeyError from move_to_end, seen with concurrent issuers on
    PostgreSQL). Off inside ``jsonld.reference_path()``."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


#: Status list credentials whose proof verified, by the SHA-256 of the key and the list's exact JSON.
_VERIFIED_LISTS = Memo(64)
#: Signed tree heads whose signature verified: the (checkpoint, public key) by the SHA-256 of the note and the keys.
_VERIFIED_CHECKPOINTS = Memo(64)
#: Credential bytes that parsed to a JSON object within the bounds (``jsonld.parse_json``), by their SHA-256.
_PARSED = Memo(4096)
#: The credentials' proof results, by the SHA-256 of the key and of the exact bytes received (``_credential_proof``).
_CREDENTIAL_PROOFS = Memo(4096)
#: The proof results worth keeping: a valid signature, or a signature that does not match (the costly deterministic
#: failure). Not the others: cheap, or not a pure function of the bytes (a CPU-time limit depends on the machine).
_MEMO_PROOF_OUTCOMES = (None, "invalid_signature")


def _status_list_proof_ok(slc: dict, public_key_multibase: str) -> bool:
    """Verify the status list credential's proof; a content-addressed memo (the exact JSON and key)
    spares re-canonicalising the same list for every credential that points into it."""
    if not jsonld.fast_paths():
        return signing.verify_proof(slc, public_key_multibase).verified
    try:
        digest = hashlib.sha256(
            (public_key_multibase + json.dumps(slc, sort_keys=True, ensure_ascii=False)).encode("utf-8")).hexdigest()
    except (TypeError, ValueError):
        return False
    if _VERIFIED_LISTS.get(digest):
        return True
    if not signing.verify_proof(slc, public_key_multibase).verified:
        return False
    _VERIFIED_LISTS.put(digest, True)
    return True


def _credential_proof(doc: dict, public_key_multibase: str, raw_digest: bytes | None) -> signing.ProofResult:
    """``signing.verify_proof`` of the credential with the key the DID document names now. The signature's validity
    is a pure function of the exact bytes received and of that key, so it is memoised under the SHA-256 of both
    (``raw_digest``: the SHA-256 of the bytes; None for a parsed document, never memoised); the key's authority and
    revocation, the status list, the dates and the log are checked each time by the caller."""
    if raw_digest is None or not jsonld.fast_paths():
        return signing.verify_proof(doc, public_key_multibase)
    key = hashlib.sha256(public_key_multibase.encode("utf-8", "surrogatepass") + b"\0" + raw_digest).hexdigest()
    result = _CREDENTIAL_PROOFS.get(key)
    if result is None:
        result = signing.verify_proof(doc, public_key_multibase)
        if result.error in _MEMO_PROOF_OUTCOMES:
            result = dataclasses.replace(result, proof=None)  # no reference into one caller's document
            _CREDENTIAL_PROOFS.put(key, result)
    return result


def _check_status_list(doc: dict, resolver: Resolver, did_doc: dict, did: str) -> tuple[bool, Message, bool]:
    """(ok, detail, revoked)."""
    def fail(message: Message) -> tuple[bool, Message, bool]:
        return False, message, False

    def of_list(reason: Message) -> Message:
        return _m(gettext_noop("status list: %(reason)s"), reason=reason)

    entries = doc.get("credentialStatus")
    if entries is None:
        return fail(_m(gettext_noop("no credentialStatus: revocation cannot be checked")))
    entries = entries if isinstance(entries, list) else [entries]
    revoked = False
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return fail(_m(gettext_noop("credentialStatus is not a BitstringStatusListEntry")))
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            return fail(_m(gettext_noop("statusListCredential is missing")))
        try:
            index = statuslist.parse_index(entry.get("statusListIndex"))
        except statuslist.StatusListError:
            return fail(_m(gettext_noop("invalid statusListIndex %(index)s"), index=repr(entry.get("statusListIndex"))))
        purpose = entry.get("statusPurpose")
        try:
            slc = resolver.status_list_credential(url)
        except Exception:  # noqa: BLE001
            slc = None
        if not isinstance(slc, dict):
            return fail(_m(gettext_noop("status list %(url)s is unavailable"), url=url))
        if slc.get("id") != url or "BitstringStatusListCredential" not in _types(slc.get("type")):
            return fail(_m(gettext_noop(
                "the status list credential is not a BitstringStatusListCredential for that URL")))
        if _issuer_id(slc) != did:
            return fail(_m(gettext_noop("the status list was not issued by the credential's issuer")))
        sl_proof = signing.single_proof(slc) or {}
        vm, why = _authorised_key(did_doc, did, sl_proof.get("verificationMethod"))
        if vm is None:
            return fail(of_list(why))
        if vm.get("revoked"):
            return fail(_m(gettext_noop("the status list is signed with a revoked key")))
        if not _status_list_proof_ok(slc, vm["publicKeyMultibase"]):
            return fail(_m(gettext_noop("the status list's signature is invalid")))
        subject = slc.get("credentialSubject") or {}
        if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
            return fail(_m(gettext_noop("status purpose mismatch between the entry and the list")))
        valid_until = _parse_dt(slc.get("validUntil")) if slc.get("validUntil") else None
        if valid_until and valid_until < datetime.now(timezone.utc):
            return fail(_m(gettext_noop("the status list credential has expired")))
        try:
            bits = statuslist.decode_list(subject.get("encodedList"), min_entries=statuslist.MIN_ENTRIES)
        except statuslist.StatusListError as exc:
            return fail(of_list(_m(gettext_noop("its encoded list is malformed or too short"), str(exc))))
        try:
            bit = statuslist.get_bit(bits, index)
        except statuslist.StatusListError as exc:
            return fail(of_list(_m(gettext_noop("the credential's index is outside the list"), str(exc))))
        if bit and purpose in ("revocation", "suspension"):
            revoked = True
    if revoked:
        return True, _m(gettext_noop("the issuer has revoked this credential (status bit set)")), True
    return True, _m(gettext_noop("not revoked")), False


def _verified_checkpoint(note: Any, public_keys: list[bytes]) -> tuple[checkpoint.Checkpoint, bytes]:
    """``checkpoint.verify``: which key signed the tree head. A pure function of the note's exact text and the keys,
    memoised under their SHA-256 (the head changes at most once per ``transparency.head_interval()``); whether that
    key was usable when it signed is checked by the caller each time."""
    if not isinstance(note, str) or not jsonld.fast_paths():
        return checkpoint.verify(note, public_keys)
    key = hashlib.sha256(b"\0".join([note.encode("utf-8", "surrogatepass"), *public_keys])).hexdigest()
    result = _VERIFIED_CHECKPOINTS.get(key)
    if result is None:
        result = checkpoint.verify(note, public_keys)  # raises CheckpointError: never memoised
        _VERIFIED_CHECKPOINTS.put(key, result)
    return result


def _check_log(digest: str, resolver: Resolver, did_doc: dict, did: str) -> Check:
    """Is the credential (this very document) listed in the issuer's issuance log? The inclusion proof is checked
    here against the signed tree head, and the head's signature against the issuer's keys: the resolver is not
    trusted for them."""
    lookup = getattr(resolver, "log_inclusion", None)
    if lookup is None:
        return Check("log", None, _m(gettext_noop("this verifier knows no issuance log for this issuer")))
    try:
        info = lookup(digest)
    except Exception:  # noqa: BLE001
        return Check("log", False, _m(gettext_noop("the issuance log could not be read")))
    if not isinstance(info, dict):
        return Check("log", False, _m(gettext_noop("not listed in the issuer's issuance log")))

    def broken(reason: str) -> Check:
        return Check("log", False, _m(gettext_noop("the issuance log's proof for this credential does not verify"),
                                      f"the issuance log's proof for this credential does not verify: {reason}"))

    try:
        index = info["leaf_index"]
        entry = merkle.parse_entry(info["entry"])
        if entry["credential"] != digest or entry["event"] not in ("issued", "reissued"):
            return broken("the entry is not this credential's issuance")
        if info.get("pending"):
            return Check("log", True, _m(gettext_noop(
                "listed in the issuance log as entry %(index)s; not yet in a signed tree head"), index=index))
        keys = checkpoint.issuer_keys(did_doc, did)
        head, public = _verified_checkpoint(info["checkpoint"], list(keys))
        if not checkpoint.signed_by_usable_key(head, public, keys):
            return broken("the tree head is signed with a key revoked before it")
        if head.tree_size != info["tree_size"]:
            return broken("the proof is not for the signed tree head's size")
        path = [bytes.fromhex(h) for h in info["inclusion_path"]]
        merkle.verify_inclusion(index, head.tree_size, merkle.leaf_hash(info["entry"].encode("utf-8")), path,
                                head.root_hash)
    except (checkpoint.CheckpointError, merkle.ProofError) as exc:
        return broken(str(exc))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return broken(f"malformed answer ({type(exc).__name__})")
    stamp = head.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Check("log", True, _m(gettext_noop(
        "listed in the issuance log: entry %(index)s of the tree of %(size)s entries, tree head signed %(date)s"),
        index=index, size=head.tree_size, date=Timestamp(stamp, head.timestamp, True)))


def verify_credential(doc_or_raw: Any, resolver: Resolver, *, now: datetime | None = None) -> Report:
    """Verify a credential (a parsed dict, or raw JSON bytes/str). Never raises."""
    try:
        return _verify(doc_or_raw, resolver, now or datetime.now(timezone.utc))
    except Exception as exc:  # noqa: BLE001 - never raise on bad input
        return Report(INVALID, _m(gettext_noop("verification error: %(error)s"), error=type(exc).__name__),
                      [Check(n, None) for n in CHECK_NAMES])


def _verify(doc: Any, resolver: Resolver, now: datetime) -> Report:
    checks: dict[str, Check] = {n: Check(n, None) for n in CHECK_NAMES}

    def report(verdict: str, reason: Message) -> Report:
        return Report(verdict, reason, list(checks.values()), doc if isinstance(doc, dict) else None,
                      _summary(doc) if isinstance(doc, dict) else {})

    def fail(name: str, why: Message, reason: Message | None = None) -> Report:
        checks[name] = Check(name, False, why)
        return report(INVALID, reason or why)

    raw_digest = None
    if isinstance(doc, (bytes, bytearray, str)):
        raw = doc.encode("utf-8", "surrogatepass") if isinstance(doc, str) else bytes(doc)
        raw_digest = hashlib.sha256(raw).digest()
        if jsonld.fast_paths() and _PARSED.get(raw_digest):  # these bytes passed the bounds: only parse them
            doc = json.loads(raw)
        else:
            doc, err = parse(doc)
            if doc is None:
                return fail("structure", err)
            if jsonld.fast_paths():
                _PARSED.put(raw_digest, True)
    else:
        try:
            jsonld.check_shape(doc, jsonld.DEFAULT_LIMITS)
        except jsonld.CredentialJsonLdError as exc:
            return fail("structure", _jsonld_message(exc))
    why = _structure(doc)
    if why:
        return fail("structure", why)
    checks["structure"] = Check("structure", True, _m(gettext_noop("an OpenBadgeCredential (VC 2.0, Open Badges 3.0)")))
    digest = merkle.credential_digest(doc)  # what the issuance log records of it
    prefetch = getattr(resolver, "prefetch", None)
    if prefetch is not None:
        try:
            prefetch(doc, digest)
        except Exception:  # noqa: BLE001 - the resolver's methods then read for themselves
            pass

    # Issuer: must be one the resolver knows (this platform), with a DID document.
    did = _issuer_id(doc)
    try:
        did_doc = resolver.did_document(did)
    except Exception:  # noqa: BLE001
        did_doc = None
    if not isinstance(did_doc, dict) or did_doc.get("id") != did:
        return fail("issuer", _m(gettext_noop("unknown issuer %(issuer)s"), issuer=repr(did)))
    checks["issuer"] = Check("issuer", True, _m(gettext_noop("known issuer %(issuer)s"), did, issuer=did))

    # Verification method: listed, controlled by the issuer, authorised for assertions, not revoked.
    proof = signing.single_proof(doc)
    vm_id = proof.get("verificationMethod")
    vm, why = _authorised_key(did_doc, did, vm_id)
    if vm is None:
        return fail("verification_method", why)
    retired = _retired_at(vm_id, resolver)
    registry_at = None
    if vm.get("revoked") or retired is not None:  # the registry's time is compared with the key's dates
        try:
            registry_at = resolver.issued_at(doc.get("id"))
        except Exception:  # noqa: BLE001
            registry_at = None
    why = _key_revocation(vm, _parse_dt(proof.get("created")), registry_at) or _key_retirement(retired, registry_at)
    if why:
        return fail("verification_method", why)
    if vm.get("revoked"):
        checks["verification_method"] = Check("verification_method", True, _m(
            gettext_noop("%(method)s (authorised for assertionMethod; revoked after this credential was signed)"),
            f"{vm_id} (assertionMethod, revoked later)", method=vm_id))
    else:
        checks["verification_method"] = Check("verification_method", True, _m(
            gettext_noop("%(method)s (authorised for assertionMethod)"), f"{vm_id} (assertionMethod)", method=vm_id))

    # Proof: eddsa-rdfc-2022 over the document as given.
    res = _credential_proof(doc, vm["publicKeyMultibase"], raw_digest)
    if not res.verified:
        what = PROOF_ERRORS.get(res.error, PROOF_ERROR_OTHER)
        return fail("proof", _m(what, f"{res.error}: {res.detail}"),
                    _m(gettext_noop("invalid proof: %(reason)s"), f"invalid proof ({res.detail})", reason=_m(what)))
    if signing.is_xsd_datetime(res.created):
        checks["proof"] = Check("proof", True, _m(gettext_noop("eddsa-rdfc-2022 signature valid, created %(created)s"),
                                                  created=_when(res.created, with_time=True)))
    else:
        checks["proof"] = Check("proof", True, _m(gettext_noop("eddsa-rdfc-2022 signature valid"),
                                                  f"eddsa-rdfc-2022 signature valid, created {res.created}"))

    # Issuance log (a warning only: the verdict stands on the signature, the key and the status list).
    checks["log"] = _check_log(digest, resolver, did_doc, did)

    # Validity dates.
    valid_from = _parse_dt(doc.get("validFrom"))
    valid_until = _parse_dt(doc.get("validUntil")) if doc.get("validUntil") else None
    expired = False
    if valid_from > now:
        checks["validity"] = Check("validity", False, _m(gettext_noop("not valid before %(date)s"),
                                                         date=_when(doc["validFrom"])))
    elif valid_until and valid_until < now:
        expired = True
        checks["validity"] = Check("validity", False, _m(gettext_noop("expired on %(date)s"),
                                                         date=_when(doc["validUntil"])))
    elif valid_until:
        checks["validity"] = Check("validity", True, _m(gettext_noop("valid from %(start)s until %(end)s"),
                                                        start=_when(doc["validFrom"]), end=_when(doc["validUntil"])))
    else:
        checks["validity"] = Check("validity", True, _m(gettext_noop("valid from %(start)s"),
                                                        start=_when(doc["validFrom"])))

    # Status list.
    ok, detail, revoked = _check_status_list(doc, resolver, did_doc, did)
    checks["status"] = Check("status", ok and not revoked, detail)
    if not ok:
        return report(INVALID, detail)
    if revoked:
        return report(REVOKED, detail)
    if valid_from > now:
        return report(INVALID, checks["validity"].message)
    if expired:
        return report(EXPIRED, checks["validity"].message)
    return report(VALID, _m(gettext_noop("all checks passed")))


def _summary(doc: dict) -> dict:
    """A few display fields of an (untrusted) credential, strings only (the dates as ``Timestamp``)."""
    def s(v):
        return v if isinstance(v, str) else ""

    def stamp(v):
        return _when(v) if _parse_dt(v) else s(v)

    subject = doc.get("credentialSubject") if isinstance(doc.get("credentialSubject"), dict) else {}
    ach = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = doc.get("issuer") if isinstance(doc.get("issuer"), dict) else {}
    crit = ach.get("criteria") if isinstance(ach.get("criteria"), dict) else {}
    return {
        "id": s(doc.get("id")),
        "name": s(doc.get("name")) or s(ach.get("name")),
        "achievement": s(ach.get("name")),
        "achievement_id": s(ach.get("id")),
        "description": s(ach.get("description")),
        "criteria": s(crit.get("narrative")),
        "issuer": s(issuer.get("name")) or s(doc.get("issuer")),
        "issuer_id": s(_issuer_id(doc)) if isinstance(_issuer_id(doc), str) else "",
        "valid_from": stamp(doc.get("validFrom")),
        "valid_until": stamp(doc.get("validUntil")),
    }


def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)

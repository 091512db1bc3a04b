"""The offline QR code: a compact signed payload of a credential, and signed status-list snapshots. Pure (no Django).

Format ``FS1`` (the README's "Offline verification" section shows it byte by byte):

    QR text   = "FS1:" + Base45(body)                  (RFC 9285; only QR alphanumeric characters)
    body      = payload || signature                   (signature: the last 64 bytes)
    signature = Ed25519(issuer key, DOMAIN_CREDENTIAL || payload)
    payload   = deterministic CBOR (RFC 8949 §4.2.1) array of 11 items:
        0 issuer DID (text)            1 key number N (uint: the key is <DID>#key-N of the DID document)
        2 credential id (16-byte UUID) 3 holder's name (text)
        4 achievement name (text, as the credential signs it)  5 achievement slug (text)
        6 validFrom (uint, Unix seconds)  7 validUntil (uint, Unix seconds, or null)
        8 status list number (uint: <https://host>/status/<n>)  9 status list index (uint)
        10 signed at (uint, Unix seconds: when this payload was signed)

A status snapshot (what the offline page keeps of each status list) is ``payload || signature`` too, signed with
``DOMAIN_STATUS``; its payload is the CBOR array [issuer DID, key number, list number, purpose (text), date (uint,
Unix seconds: the list is as of then), GZIP of the list's bits (bytes)]. The domains keep a signature of one kind
from passing for the other, or for a credential's eddsa-rdfc-2022 proof.

Rules of the verifier (``verify``; the page's JavaScript, badges/static/badges/scan.js, applies the same):
1. The text parses exactly (prefix, Base45, canonical CBOR of the expected shape, nothing left over); else MALFORMED.
2. The key <DID>#key-N is one the verifier trusts (the issuer's DID document lists it under assertionMethod);
   a compromised key is refused whatever it signed (it left assertionMethod; what it signed is re-issued), an
   unknown key too: UNKNOWN_KEY / KEY_COMPROMISED.
3. The Ed25519 signature over the exact bytes; any change of any byte fails (BAD_SIGNATURE).
4. The key was published when it signed (signed at >= its validity start) and, for a key retired by a planned
   rotation, signed before its retirement (KEY_NOT_VALID).
5. Then, as the full verifier, the status bit of the list (REVOKED, SUSPENDED), the dates (NOT_YET_VALID, EXPIRED),
   a status the verifier cannot tell (STATUS_UNKNOWN: no list for it), else VALID.
"""
from __future__ import annotations

import gzip
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

PREFIX = "FS1:"
DOMAIN_CREDENTIAL = b"flowstage-offline-credential-v1\x00"
DOMAIN_STATUS = b"flowstage-offline-status-v1\x00"
SIGNATURE_BYTES = 64
MAX_TEXT_CHARS = 4296  # a version 40 QR code in alphanumeric mode
MAX_NAME_CHARS = 80  # a longer holder or achievement name is cut with an ellipsis (the QR must scan from paper)
MAX_SNAPSHOT_BITS_BYTES = 2 * 1024 * 1024  # decompression-bomb guard (16M entries)

VALID, REVOKED, SUSPENDED, EXPIRED, NOT_YET_VALID = "valid", "revoked", "suspended", "expired", "not_yet_valid"
UNKNOWN_KEY, KEY_COMPROMISED, KEY_NOT_VALID, BAD_SIGNATURE, MALFORMED = (
    "unknown_key", "key_compromised", "key_not_valid", "bad_signature", "malformed")
STATUS_UNKNOWN = "status_unknown"


class CompactError(ValueError):
    """Malformed compact data (with the reason, in English)."""


# ------------------------------------------------------------------------------ Base45 (RFC 9285)
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {c: i for i, c in enumerate(B45)}


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [B45[n % 45], B45[n // 45 % 45], B45[n // 2025]]
    if len(data) % 2:
        n = data[-1]
        out += [B45[n % 45], B45[n // 45]]
    return "".join(out)


def b45decode(text: str) -> bytes:
    if len(text) % 3 == 1:
        raise CompactError("Base45 text of a length that no data has")
    try:
        values = [_B45_INDEX[c] for c in text]
    except KeyError as exc:
        raise CompactError(f"not a Base45 character: {exc.args[0]!r}") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        n = chunk[0] + chunk[1] * 45 + (chunk[2] * 2025 if len(chunk) == 3 else 0)
        if len(chunk) == 3:
            if n > 0xFFFF:
                raise CompactError("Base45 triple out of range")
            out += bytes((n >> 8, n & 0xFF))
        else:
            if n > 0xFF:
                raise CompactError("Base45 pair out of range")
            out.append(n)
    return bytes(out)


# ------------------------------------------------------------------------------ deterministic CBOR (a subset)
def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes((major << 5 | n,))
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes((major << 5 | extra,)) + n.to_bytes(size, "big")
    raise CompactError("integer too large for CBOR")


def cbor_encode(value) -> bytes:
    """Deterministic CBOR of unsigned ints, bytes, text, None and lists of them (shortest heads, definite lengths)."""
    if value is None:
        return b"\xf6"
    if isinstance(value, bool):
        raise CompactError("booleans are not part of the format")
    if isinstance(value, int):
        if value < 0:
            raise CompactError("negative integers are not part of the format")
        return _head(0, value)
    if isinstance(value, (bytes, bytearray)):
        return _head(2, len(value)) + bytes(value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, (list, tuple)):
        return _head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    raise CompactError(f"cannot encode {type(value).__name__}")


def cbor_decode(data: bytes):
    """Inverse of ``cbor_encode`` and strict: a non-shortest head, an indefinite length, a nested array, another
    type or trailing bytes raise ``CompactError``."""
    pos = 0

    def head():
        nonlocal pos
        if pos >= len(data):
            raise CompactError("truncated CBOR")
        first = data[pos]
        pos += 1
        major, info = first >> 5, first & 0x1F
        if first == 0xF6:
            return 7, None
        if major == 7:
            raise CompactError("CBOR simple value or float outside the format")
        if info < 24:
            return major, info
        size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
        if size is None:
            raise CompactError("indefinite length or reserved CBOR head")
        if pos + size > len(data):
            raise CompactError("truncated CBOR")
        n = int.from_bytes(data[pos:pos + size], "big")
        pos += size
        if n < (24 if size == 1 else 1 << (4 * size)):
            raise CompactError("non-canonical CBOR integer head")
        return major, n

    def item(nested: bool):
        nonlocal pos
        major, n = head()
        if major == 7:
            return None
        if major == 0:
            return n
        if major in (2, 3):
            if pos + n > len(data):
                raise CompactError("truncated CBOR string")
            raw = data[pos:pos + n]
            pos += n
            if major == 2:
                return bytes(raw)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise CompactError("CBOR text is not UTF-8") from None
        if major == 4 and not nested:
            if n > 32:
                raise CompactError("CBOR array too long")
            return [item(True) for _ in range(n)]
        raise CompactError(f"CBOR major type {major} is not part of the format")

    value = item(False)
    if pos != len(data):
        raise CompactError("bytes after the CBOR item")
    return value


# ------------------------------------------------------------------------------ the credential payload
@dataclass(frozen=True)
class Payload:
    issuer: str
    key_number: int
    credential_id: uuid.UUID
    holder: str
    achievement: str
    achievement_slug: str
    valid_from: datetime
    valid_until: datetime | None
    status_list: int
    status_index: int
    signed_at: datetime

    @property
    def key_id(self) -> str:
        return f"{self.issuer}#key-{self.key_number}"


def _seconds(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise CompactError("datetimes must be aware")
    return int(dt.timestamp())


def _dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def shorten(text: str, limit: int = MAX_NAME_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def encode_payload(p: Payload) -> bytes:
    return cbor_encode([
        p.issuer, p.key_number, p.credential_id.bytes, shorten(p.holder), shorten(p.achievement),
        p.achievement_slug, _seconds(p.valid_from), _seconds(p.valid_until) if p.valid_until else None,
        p.status_list, p.status_index, _seconds(p.signed_at),
    ])


_SHAPE = (str, int, bytes, str, str, str, int, (int, type(None)), int, int, int)


def decode_payload(raw: bytes) -> Payload:
    items = cbor_decode(raw)
    if not isinstance(items, list) or len(items) != len(_SHAPE):
        raise CompactError("the payload is not an array of 11 items")
    for value, kind in zip(items, _SHAPE):
        if not isinstance(value, kind):
            raise CompactError("a payload item has the wrong type")
    if len(items[2]) != 16:
        raise CompactError("the credential id is not 16 bytes")
    if not items[0].startswith("did:web:"):
        raise CompactError("the issuer is not a did:web")
    return Payload(items[0], items[1], uuid.UUID(bytes=items[2]), items[3], items[4], items[5], _dt(items[6]),
                   _dt(items[7]) if items[7] is not None else None, items[8], items[9], _dt(items[10]))


def sign(payload: Payload, private_key) -> str:
    """The QR text of ``payload`` signed with ``private_key`` (a cryptography Ed25519PrivateKey)."""
    raw = encode_payload(payload)
    return PREFIX + b45encode(raw + private_key.sign(DOMAIN_CREDENTIAL + raw))


def split(text: str) -> tuple[bytes, bytes]:
    """(payload bytes, signature) of a QR text; ``CompactError`` when it is not one."""
    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
        raise CompactError("not a compact credential (too long or not text)")
    if not text.startswith(PREFIX):
        raise CompactError("not a compact credential (no FS1: prefix)")
    body = b45decode(text[len(PREFIX):])
    if len(body) <= SIGNATURE_BYTES:
        raise CompactError("too short to hold a signature")
    return body[:-SIGNATURE_BYTES], body[-SIGNATURE_BYTES:]


# ------------------------------------------------------------------------------ keys and verification
@dataclass(frozen=True)
class TrustedKey:
    """A key of the issuer as the verifier knows it: its raw 32-byte public key, since when it may have signed
    (its publication), until when (a planned rotation's retirement; None while it signs), and whether it was
    declared compromised (then it verifies nothing)."""

    public_key: bytes
    valid_from: datetime
    valid_until: datetime | None = None
    compromised: bool = False


@dataclass(frozen=True)
class StatusSnapshot:
    number: int
    purpose: str
    date: datetime
    bits: bytes


@dataclass
class Result:
    verdict: str
    payload: Payload | None = None
    reason: str = ""
    status_date: datetime | None = None
    checks: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.verdict == VALID


def _ed25519_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _key_check(keys: dict, issuer: str, number: int, signed_at: datetime):
    """(TrustedKey, None) or (None, (verdict, reason)) for rule 2 (the key is known, not compromised)."""
    key = keys.get(f"{issuer}#key-{number}")
    if key is None:
        return None, (UNKNOWN_KEY, f"{issuer}#key-{number} is not a key of a trusted issuer")
    if key.compromised:
        return None, (KEY_COMPROMISED, f"{issuer}#key-{number} was declared compromised")
    return key, None


def _window_ok(key: TrustedKey, signed_at: datetime) -> bool:
    """Rule 4: published when it signed and, if retired, signed before its retirement."""
    return signed_at >= key.valid_from and (key.valid_until is None or signed_at < key.valid_until)


def verify(text: str, keys: dict, snapshots: dict | None = None, *, now: datetime | None = None) -> Result:
    """Verify a QR text against ``keys`` ({"<DID>#key-N": TrustedKey}) and the status ``snapshots``
    ({list number: StatusSnapshot}, verified by ``verify_snapshot``). Never raises."""
    now = now or datetime.now(timezone.utc)
    try:
        raw, signature = split(text)
        payload = decode_payload(raw)
    except CompactError as exc:
        return Result(MALFORMED, reason=str(exc))
    key, failure = _key_check(keys, payload.issuer, payload.key_number, payload.signed_at)
    if failure:
        return Result(failure[0], reason=failure[1])
    if not _ed25519_ok(key.public_key, signature, DOMAIN_CREDENTIAL + raw):
        return Result(BAD_SIGNATURE, reason="the signature does not match these bytes")
    checks = {"signature": True}
    if not _window_ok(key, payload.signed_at):
        return Result(KEY_NOT_VALID, payload, reason=f"{payload.key_id} did not sign at {payload.signed_at:%Y-%m-%d}",
                      checks=checks)
    # As the full verifier: a revoked (or suspended) credential says so first, then the dates.
    snapshot = (snapshots or {}).get(payload.status_list)
    known = snapshot is not None and payload.status_index < len(snapshot.bits) * 8
    date = snapshot.date if known else None
    if known and snapshot.bits[payload.status_index // 8] & (0x80 >> (payload.status_index % 8)):
        return Result(SUSPENDED if snapshot.purpose == "suspension" else REVOKED, payload, status_date=date,
                      checks=checks)
    if payload.valid_from > now:
        return Result(NOT_YET_VALID, payload, status_date=date, checks=checks)
    if payload.valid_until and payload.valid_until < now:
        return Result(EXPIRED, payload, status_date=date, checks=checks)
    if not known:
        return Result(STATUS_UNKNOWN, payload, reason="no status list for this credential", checks=checks)
    return Result(VALID, payload, status_date=date, checks=checks)


# ------------------------------------------------------------------------------ status snapshots
def sign_snapshot(*, issuer: str, key_number: int, number: int, purpose: str, date: datetime, bits: bytes,
                  private_key) -> bytes:
    raw = cbor_encode([issuer, key_number, number, purpose, _seconds(date), gzip.compress(bytes(bits), mtime=0)])
    return raw + private_key.sign(DOMAIN_STATUS + raw)


def verify_snapshot(blob: bytes, keys: dict) -> StatusSnapshot:
    """The snapshot, or ``CompactError``: malformed, unknown or compromised key, bad signature, or a date outside
    the key's validity."""
    if len(blob) <= SIGNATURE_BYTES:
        raise CompactError("status snapshot too short")
    raw, signature = blob[:-SIGNATURE_BYTES], blob[-SIGNATURE_BYTES:]
    items = cbor_decode(raw)
    shape = (str, int, int, str, int, bytes)
    if not isinstance(items, list) or len(items) != 6 or not all(isinstance(v, k) for v, k in zip(items, shape)):
        raise CompactError("malformed status snapshot")
    date = _dt(items[4])
    key, failure = _key_check(keys, items[0], items[1], date)
    if failure:
        raise CompactError(failure[1])
    if not _ed25519_ok(key.public_key, signature, DOMAIN_STATUS + raw):
        raise CompactError("bad signature on the status snapshot")
    if not _window_ok(key, date):
        raise CompactError("the status snapshot's key did not sign at its date")
    try:
        inflater = zlib.decompressobj(16 + 15)
        bits = inflater.decompress(items[5], MAX_SNAPSHOT_BITS_BYTES + 1)
    except zlib.error as exc:
        raise CompactError("the status snapshot's list does not inflate") from exc
    if len(bits) > MAX_SNAPSHOT_BITS_BYTES or inflater.unconsumed_tail:
        raise CompactError("the status snapshot's list is too large")
    return StatusSnapshot(items[2], items[3], date, bits)

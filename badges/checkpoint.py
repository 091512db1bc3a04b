"""Signed tree heads of the issuance log as C2SP checkpoints in signed notes. Pure: no Django, no network.

The byte format (C2SP ``tlog-checkpoint`` inside a C2SP ``signed-note``), UTF-8, every line ending in ``\\n``::

    <origin>                      e.g. academy.example.org/issuance-log
    <tree size>                   decimal, no sign, no leading zero
    <root hash>                   standard base64 of the 32-byte RFC 9162 tree head
    timestamp <YYYY-MM-DDTHH:MM:SSZ>   (an extension line: when the head was signed, UTC)
                                  (an empty line ends the signed text)
    — <key name> <signature>      U+2014, a space, the key name (the origin), a space, base64 of
                                  the 4-byte key id followed by the 64-byte Ed25519 signature

The signature is Ed25519 over the signed text (the four lines above with their newlines, the empty line
excluded), by one of the issuer's signing keys (the keys of its DID document). The key id is the first 4 bytes of
``SHA-256(key name || 0x0A || 0x01 || 32-byte public key)`` (signed-note's id of an Ed25519 key), so a verifier
finds the key among the issuer's by its id.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_ALG = b"\x01"
MAX_NOTE_BYTES = 4096
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")
_STAMP = re.compile(r"^timestamp ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)$")


class CheckpointError(ValueError):
    """A note that is not a well-formed checkpoint, or whose signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    timestamp: datetime
    key_id: bytes = b""
    signature: bytes = b""

    @property
    def text(self) -> str:
        return body(self.origin, self.tree_size, self.root_hash, self.timestamp)


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_ALG + public_key).digest()[:4]


def _stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def body(origin: str, tree_size: int, root_hash: bytes, timestamp: datetime) -> str:
    if not origin or any(c.isspace() for c in origin) or "+" in origin:
        raise CheckpointError("the origin must be non-empty, without spaces or '+'")
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\ntimestamp {_stamp(timestamp)}\n"


def sign(origin: str, tree_size: int, root_hash: bytes, timestamp: datetime, private_key: Ed25519PrivateKey) -> str:
    """The signed note of a tree head (the key name is the origin)."""
    text = body(origin, tree_size, root_hash, timestamp)
    public = private_key.public_key().public_bytes_raw()
    sig = private_key.sign(text.encode("utf-8"))
    return f"{text}\n\u2014 {origin} {base64.b64encode(key_id(origin, public) + sig).decode()}\n"


def parse(note: str) -> Checkpoint:
    """Read a signed checkpoint (no signature check: ``verify`` does it). Strict: anything unexpected is refused."""
    if not isinstance(note, str) or len(note.encode("utf-8", "replace")) > MAX_NOTE_BYTES:
        raise CheckpointError("the note is not text of at most 4 KiB")
    text, sep, sigs = note.partition("\n\n")
    if not sep or not sigs.endswith("\n"):
        raise CheckpointError("the note has no signature block")
    lines = text.split("\n")
    if len(lines) != 4:
        raise CheckpointError("a checkpoint has an origin, a size, a root hash and a timestamp line")
    origin, size, root_b64, stamp = lines
    if not _SIZE.match(size):
        raise CheckpointError("the tree size is not a decimal number")
    try:
        root_hash = base64.b64decode(root_b64, validate=True)
    except ValueError as exc:
        raise CheckpointError("the root hash is not base64") from exc
    if len(root_hash) != 32 or base64.b64encode(root_hash).decode() != root_b64:
        raise CheckpointError("the root hash is not a 32-byte hash")
    m = _STAMP.match(stamp)
    if not m:
        raise CheckpointError("the timestamp line is malformed")
    try:
        when = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise CheckpointError("the timestamp is not a date") from exc
    sig_lines = sigs[:-1].split("\n")
    if len(sig_lines) != 1:
        raise CheckpointError("exactly one signature is expected")
    parts = sig_lines[0].split(" ")
    if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != origin:
        raise CheckpointError("the signature line is malformed or not by the log's key name")
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except ValueError as exc:
        raise CheckpointError("the signature is not base64") from exc
    if len(raw) != 4 + 64:
        raise CheckpointError("the signature is not a key id and an Ed25519 signature")
    cp = Checkpoint(origin, int(size), root_hash, when, raw[:4], raw[4:])
    if cp.text != text + "\n":
        raise CheckpointError("the checkpoint is not in its canonical form")
    return cp


def verify(note: str, public_keys: list[bytes]) -> tuple[Checkpoint, bytes]:
    """The checkpoint and the public key (of ``public_keys``, 32 raw bytes each) that signed it; raises
    ``CheckpointError`` when no key of that id verifies the signature."""
    cp = parse(note)
    for pk in public_keys:
        if key_id(cp.origin, pk) != cp.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(pk).verify(cp.signature, cp.text.encode("utf-8"))
        except (InvalidSignature, ValueError):
            continue
        return cp, pk
    raise CheckpointError("the tree head's signature does not verify with any of the issuer's keys")


def issuer_keys(did_doc: dict, did: str) -> dict[bytes, dict]:
    """The issuer's Ed25519 keys that may have signed its tree heads: raw public key bytes -> the verification
    method of its DID document (with its ``revoked`` date, if any)."""
    from badges import signing

    keys = {}
    for vm in (did_doc or {}).get("verificationMethod") or []:
        if isinstance(vm, dict) and vm.get("controller") == did and vm.get("type") == "Multikey":
            try:
                keys[signing.public_key_bytes(signing.public_key_from_multibase(vm.get("publicKeyMultibase")))] = vm
            except Exception:  # noqa: BLE001 - a malformed key is simply not one of the log's
                continue
    return keys


def signed_by_usable_key(cp: Checkpoint, public: bytes, keys: dict[bytes, dict]) -> bool:
    """False when the key that signed ``cp`` was declared compromised (``revoked``) at or before its timestamp."""
    revoked = keys.get(public, {}).get("revoked")
    if not isinstance(revoked, str):
        return True
    try:
        when = datetime.fromisoformat(revoked.replace("Z", "+00:00"))
    except ValueError:
        return False
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return cp.timestamp < when

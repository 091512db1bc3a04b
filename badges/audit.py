"""An outsider's audit of the issuance log. Pure: no Django; the log is reached through a ``Source`` passed in
(``manage.py audit_log`` has one over HTTP and one over the local database).

What ``audit`` checks, and refuses with ``AuditError`` (a clear message):

1. every signed tree head: its checkpoint's signature by one of the issuer's keys (its DID document; a key
   declared compromised only for heads signed before that date), one origin for all, the size and root the
   API states equal to the signed ones, timestamps not going back as the log grows;
2. between consecutive heads, the RFC 9162 consistency proof: the larger tree extends the smaller one;
3. against what an earlier run saw (``state``, kept by the caller in a file): the log did not shrink, the head
   of the size seen then still has the same root, and the consistency proof from it to the latest head holds;
4. with ``entries``: every entry up to the latest head, each served leaf hash recomputed from the entry's
   bytes, and the root of every head recomputed from all the leaves (O(n): the full check).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from badges import checkpoint, merkle


class AuditError(Exception):
    """The log failed the audit; the message says where."""


class Source(Protocol):
    def did_document(self) -> dict: ...

    def tree_heads(self) -> list[dict]:
        """Every signed tree head, as the API gives them (``tree_size``, ``root_hash``, ``checkpoint``)."""

    def consistency(self, first: int, second: int) -> list[str]: ...

    def entries(self, start: int, end: int) -> list[dict]:
        """Entries ``[start, end)`` or a first part of them (``index``, ``entry``, ``leaf_hash``)."""


@dataclass
class Result:
    heads: int = 0
    tree_size: int = 0
    root_hash: str = ""
    origin: str = ""
    entries_checked: int = 0
    notes: list[str] = field(default_factory=list)

    def state(self) -> dict:
        return {"origin": self.origin, "tree_size": self.tree_size, "root_hash": self.root_hash}


def _hashes(values, what: str) -> list[bytes]:
    try:
        out = [bytes.fromhex(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise AuditError(f"{what}: not a list of hex hashes") from exc
    return out


def audit(source: Source, state: dict | None = None, *, entries: bool = False) -> Result:
    did_doc = source.did_document()
    did = did_doc.get("id") if isinstance(did_doc, dict) else None
    keys = checkpoint.issuer_keys(did_doc, did)
    if not keys:
        raise AuditError("the issuer's DID document lists no Ed25519 key")
    heads = sorted(source.tree_heads(), key=lambda h: h.get("tree_size", -1))
    if not heads:
        raise AuditError("the log has published no signed tree head")
    result = Result()
    checked = []
    for head in heads:
        try:
            cp, public = checkpoint.verify(head.get("checkpoint"), list(keys))
        except checkpoint.CheckpointError as exc:
            raise AuditError(f"tree head of size {head.get('tree_size')}: {exc}") from exc
        if not checkpoint.signed_by_usable_key(cp, public, keys):
            raise AuditError(f"tree head of size {cp.tree_size} is signed with a key compromised before it")
        if cp.tree_size != head.get("tree_size") or cp.root_hash.hex() != head.get("root_hash"):
            raise AuditError(f"tree head of size {head.get('tree_size')}: the size or root stated differ from "
                             f"the signed ones")
        if result.origin and cp.origin != result.origin:
            raise AuditError(f"tree head of size {cp.tree_size} is of another log ({cp.origin})")
        result.origin = cp.origin
        if checked and checked[-1].tree_size == cp.tree_size:
            raise AuditError(f"two tree heads of size {cp.tree_size}")
        if checked and cp.timestamp < checked[-1].timestamp:
            raise AuditError(f"tree head of size {cp.tree_size} is dated before the smaller one")
        checked.append(cp)
    if state and state.get("origin") and state["origin"] != result.origin:
        raise AuditError(f"the state file is of another log ({state['origin']}, this one is {result.origin})")

    def consistent(a: checkpoint.Checkpoint, b: checkpoint.Checkpoint) -> None:
        proof = _hashes(source.consistency(a.tree_size, b.tree_size), "consistency proof")
        try:
            merkle.verify_consistency(a.tree_size, b.tree_size, a.root_hash, b.root_hash, proof)
        except merkle.ProofError as exc:
            raise AuditError(f"the log is not consistent between its tree heads of size {a.tree_size} and "
                             f"{b.tree_size}: {exc}") from exc

    for a, b in zip(checked, checked[1:]):
        consistent(a, b)
    latest = checked[-1]
    if state and state.get("tree_size") is not None:
        seen_size, seen_root = int(state["tree_size"]), state.get("root_hash", "")
        if latest.tree_size < seen_size:
            raise AuditError(f"the log shrank: {latest.tree_size} entries now, {seen_size} seen before")
        seen = next((c for c in checked if c.tree_size == seen_size), None)
        if seen is None:
            raise AuditError(f"the tree head of size {seen_size} seen before is no longer published")
        if seen.root_hash.hex() != seen_root:
            raise AuditError(f"the log rewrote its history: the tree head of size {seen_size} has another root "
                             f"than the one seen before")
        consistent(seen, latest)
        result.notes.append(f"grew from {seen_size} to {latest.tree_size} entries since the last audit")
    if entries:
        roots = {c.tree_size: c.root_hash for c in checked}
        leaves: list[bytes] = []
        stack: list[bytes] = []
        if 0 in roots and roots[0] != merkle.EMPTY_ROOT:
            raise AuditError("the tree head of size 0 is not the empty tree's")
        while len(leaves) < latest.tree_size:
            page = source.entries(len(leaves), latest.tree_size)
            if not page:
                raise AuditError(f"the log serves no entry from index {len(leaves)}")
            for item in page:
                i = len(leaves)
                if item.get("index") != i or not isinstance(item.get("entry"), str):
                    raise AuditError(f"entry {i}: missing or out of order")
                leaf = merkle.leaf_hash(item["entry"].encode("utf-8"))
                if leaf.hex() != item.get("leaf_hash"):
                    raise AuditError(f"entry {i}: its stored leaf hash is not the hash of its data (tampered)")
                try:
                    merkle.parse_entry(item["entry"])
                except ValueError as exc:
                    raise AuditError(f"entry {i}: {exc}") from exc
                merkle.compact_append(stack, i, leaf)
                leaves.append(leaf)
                if len(leaves) in roots and merkle.compact_root(stack) != roots[len(leaves)]:
                    raise AuditError(f"the entries do not make the signed tree head of size {len(leaves)} "
                                     f"(an entry was changed, added or removed)")
        result.entries_checked = len(leaves)
    result.heads, result.tree_size, result.root_hash = len(checked), latest.tree_size, latest.root_hash.hex()
    return result

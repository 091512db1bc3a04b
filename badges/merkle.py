"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, proofs and their verification. Pure: no Django.

The rules, once:

- A leaf's hash is ``SHA-256(0x00 || entry)``; an inner node's is ``SHA-256(0x01 || left || right)``
  (RFC 9162 §2.1.1): the two prefixes keep a leaf from being passed off as a node.
- The tree head of ``n`` entries, ``MTH(D[0:n])``: the empty tree's is ``SHA-256()``; one entry's is its leaf
  hash; otherwise, with ``k`` the largest power of two smaller than ``n``, ``node(MTH(D[0:k]), MTH(D[k:n]))``.
- Every left part of that recursion is a *perfect* subtree: ``2**level`` leaves starting at a multiple of
  ``2**level``. It is addressed ``(level, index)`` (it covers leaves ``[index * 2**level, (index + 1) *
  2**level)``) and never changes once complete. A store keeps these hashes (``perfect_nodes_after_append``
  says which an append completes); any other subtree hash is put together from at most ``log2(n)`` of them
  (``subtree_hash``), so computing a root or a proof reads O(log n) stored hashes, never the n leaves.
- Proofs are RFC 9162's ``PATH`` (inclusion, §2.1.3.1) and ``PROOF`` (consistency, §2.1.4.1); they are checked
  with the RFC's own verification algorithms (§2.1.3.2, §2.1.4.2), written from the RFC's text.

Functions that need stored hashes take ``perfect(level, index) -> bytes``. ``needed_nodes`` runs such a
function once with a recorder to learn which stored hashes it reads (the shape of the computation depends only
on the sizes, never on the hash values), so a store fetches them all in one query before the real run.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

Perfect = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof does not verify, or the sizes asked for are impossible."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_perfect(start: int, end: int) -> tuple[int, int] | None:
    """``(level, index)`` when ``[start, end)`` is a perfect, aligned subtree, else None."""
    width = end - start
    if width <= 0 or width & (width - 1) or start % width:
        return None
    level = width.bit_length() - 1
    return level, start >> level


# ------------------------------------------------------------------------------------------- from all the leaves
def compact_append(stack: list[bytes], size: int, leaf: bytes) -> None:
    """Add leaf number ``size`` to ``stack``, the hashes of the perfect subtrees of the first ``size`` leaves,
    largest first (a "compact range"): O(log n) per leaf, O(log n) memory."""
    h, i = leaf, size
    while i & 1:
        h = node_hash(stack.pop(), h)
        i >>= 1
    stack.append(h)


def compact_root(stack: list[bytes]) -> bytes:
    """MTH of the leaves a compact range holds."""
    if not stack:
        return EMPTY_ROOT
    h = stack[-1]
    for left in reversed(stack[:-1]):
        h = node_hash(left, h)
    return h


def root_of_leaves(leaves: list[bytes]) -> bytes:
    """MTH over a list of leaf hashes (O(n) hashes, O(log n) memory)."""
    stack: list[bytes] = []
    for i, h in enumerate(leaves):
        compact_append(stack, i, h)
    return compact_root(stack)


# ------------------------------------------------------------------------------------------- from stored nodes
def perfect_nodes_after_append(size_before: int, new_leaf: bytes, perfect: Perfect) -> list[tuple[int, int, bytes]]:
    """The perfect subtrees completed by appending leaf number ``size_before`` (its own, level 0, first):
    ``[(level, index, hash)]``. Reads the left siblings through ``perfect``: O(log n)."""
    out = [(0, size_before, new_leaf)]
    h, index, level = new_leaf, size_before, 0
    while index & 1:
        h = node_hash(perfect(level, index - 1), h)
        index >>= 1
        level += 1
        out.append((level, index, h))
    return out


def subtree_hash(start: int, end: int, perfect: Perfect) -> bytes:
    """MTH(D[start:end]) for a subtree of the RFC's recursion (``start`` a multiple of the largest power of two
    below ``end - start``, as every subtree of a root or a proof is): at most log2 stored hashes and as many node
    hashes."""
    if end <= start:
        return EMPTY_ROOT
    whole = _is_perfect(start, end)
    if whole:
        return perfect(*whole)
    k = _largest_power_of_two_below(end - start)
    return node_hash(subtree_hash(start, start + k, perfect), subtree_hash(start + k, end, perfect))


def root(size: int, perfect: Perfect) -> bytes:
    """The tree head MTH(D[0:size])."""
    return subtree_hash(0, size, perfect)


def inclusion_path(index: int, size: int, perfect: Perfect) -> list[bytes]:
    """RFC 9162 §2.1.3.1 ``PATH(index, D[0:size])``: the audit path of leaf ``index`` in the tree of ``size``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size} entries")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if m < k:
            path.append(subtree_hash(start + k, end, perfect))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, perfect))
            start, m = start + k, m - k
    path.reverse()  # the RFC's PATH lists the sibling nearest the leaf first
    return path


def inclusion_candidates(size: int) -> tuple[range, list[tuple[int, int]]]:
    """Where ``inclusion_path(index, size, …)`` reads its stored hashes, for any ``index`` before it is known: at
    each level ``l`` of ``levels``, the sibling of the leaf's ancestor, ``(l, (index >> l) ^ 1)`` (when that subtree
    is complete in the tree), and ``right_edge``, the perfect subtrees that make up the tree's incomplete right
    side (one per bit set in ``size``). A database computes the siblings from the index it finds
    (``badges.resolver``): the proof of an entry never seen before is read with the entry, in one statement."""
    levels = range(max(size - 1, 0).bit_length())
    right_edge = [(b, (size >> b) - 1) for b in range(size.bit_length()) if size >> b & 1]
    return levels, right_edge


def consistency_proof(first: int, second: int, perfect: Perfect) -> list[bytes]:
    """RFC 9162 §2.1.4.1 ``PROOF(first, D[0:second])`` (empty when ``first`` is 0 or equals ``second``)."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from {first} to {second} entries")
    if first == 0 or first == second:
        return []
    proof: list[bytes] = []
    start, end, m, complete = 0, second, first, True
    while True:
        if m == end - start:  # SUBPROOF(m, D[m], b)
            if not complete:
                proof.append(subtree_hash(start, end, perfect))
            break
        k = _largest_power_of_two_below(end - start)
        if m <= k:
            proof.append(subtree_hash(start + k, end, perfect))
            end = start + k
        else:
            proof.append(subtree_hash(start, start + k, perfect))
            start, m, complete = start + k, m - k, False
    proof.reverse()
    return proof


def needed_nodes(fn: Callable[..., object], *args) -> list[tuple[int, int]]:
    """The stored hashes ``fn(*args, perfect)`` reads, in order of first use (``fn`` run once on dummy hashes)."""
    seen: dict[tuple[int, int], None] = {}

    def record(level: int, index: int) -> bytes:
        seen[(level, index)] = None
        return bytes(HASH_SIZE)

    fn(*args, record)
    return list(seen)


# ------------------------------------------------------------------------------------------- verification
def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} is not a {HASH_SIZE}-byte hash")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2, steps 1-6: the root a valid ``proof`` of leaf ``index`` leads to."""
    if not (isinstance(index, int) and isinstance(size, int)) or not 0 <= index < size:
        raise ProofError("the leaf index is not below the tree size")
    _check_hash(leaf, "the leaf")
    for p in proof:
        _check_hash(p, "a proof element")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], expected_root: bytes) -> None:
    """Raise ``ProofError`` unless ``proof`` shows leaf ``index`` in the tree of ``size`` with ``expected_root``."""
    _check_hash(expected_root, "the root")
    if root_from_inclusion_proof(index, size, leaf, proof) != bytes(expected_root):
        raise ProofError("the inclusion proof does not lead to the tree head's root")


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> None:
    """RFC 9162 §2.1.4.2: raise ``ProofError`` unless ``proof`` shows the tree of ``first`` entries with
    ``first_root`` to be a prefix of the tree of ``second`` entries with ``second_root``."""
    if not (isinstance(first, int) and isinstance(second, int)) or not 0 <= first <= second:
        raise ProofError("the first tree is larger than the second")
    _check_hash(first_root, "the first root")
    _check_hash(second_root, "the second root")
    for p in proof:
        _check_hash(p, "a proof element")
    if first == second:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if bytes(first_root) != bytes(second_root):
            raise ProofError("two tree heads of the same size have different roots")
        return
    if first == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if first & (first - 1) == 0:  # step 1: first is an exact power of two
        path.insert(0, bytes(first_root))
    fn, sn = first - 1, second - 1
    while fn & 1:  # step 3
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != bytes(first_root):
        raise ProofError("the consistency proof does not lead to the first tree head's root")
    if sr != bytes(second_root):
        raise ProofError("the consistency proof does not lead to the second tree head's root")


# ------------------------------------------------------------------------------------------- the log's entries
def credential_digest(doc: dict) -> str:
    """Hex SHA-256 of a credential's canonical JSON (keys sorted, no spaces, UTF-8): what the issuance log records
    of a signed credential. Any JSON serialisation of the same document (a holder's pretty-printed copy, the JSON
    baked into an image) has the same digest; any change to it, a different one."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


EVENTS = ("issued", "reissued", "revoked")


def entry_bytes(event: str, digest: str, at: str, replaces: str | None = None) -> bytes:
    """The data of a log entry (its leaf is ``leaf_hash`` of these bytes): UTF-8 JSON, keys sorted, no spaces:
    ``{"at": <when, xsd:dateTime UTC>, "credential": "sha256:<digest>", "event": "issued" | "reissued" |
    "revoked", "v": 1}``, a re-issue adding ``"replaces": "sha256:<digest of the credential it replaces>"``.
    Only digests: the log lists no name, no e-mail, no credential id."""
    if event not in EVENTS:
        raise ValueError(f"unknown log event {event!r}")
    entry = {"v": 1, "event": event, "credential": f"sha256:{digest}", "at": at}
    if replaces:
        entry["replaces"] = f"sha256:{replaces}"
    return json.dumps(entry, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_entry(data: bytes | str) -> dict:
    """An entry's fields (``event``, ``credential`` digest without its prefix, ``at``, ``replaces``); raises
    ``ValueError`` on anything else than ``entry_bytes`` writes."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    entry = json.loads(raw)
    if not isinstance(entry, dict) or entry.get("v") != 1 or entry.get("event") not in EVENTS:
        raise ValueError("not an issuance log entry")
    digest = entry.get("credential")
    replaces = entry.get("replaces")
    if not isinstance(digest, str) or not digest.startswith("sha256:"):
        raise ValueError("the entry names no credential digest")
    if entry_bytes(entry["event"], digest[7:], entry.get("at"), replaces[7:] if isinstance(replaces, str) else None) != raw:
        raise ValueError("the entry is not in its canonical form")
    return {"event": entry["event"], "credential": digest[7:], "at": entry["at"],
            "replaces": replaces[7:] if isinstance(replaces, str) else None}

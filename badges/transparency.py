"""The issuance log: every credential the platform issues, re-issues or revokes is appended to an append-only
Merkle tree log in the manner of Certificate Transparency (RFC 9162), whose signed tree heads anyone can audit.

- ``append`` runs inside the issuing (re-issuing, revoking) transaction: a credential is never stored without
  its entry, and a rolled-back issuance leaves no entry. Appends are serialised by the row lock on the log's one
  ``IssuanceLog`` row (SQLite: its write lock), so the indices are dense and unique.
- The tree is stored as the hashes of its complete perfect subtrees (``LogNode``, ``badges.merkle``): an append
  writes at most log2(n) + 1 of them after one query for the left siblings; a root or a proof reads at most
  about 2·log2(n) of them in one query.
- ``publish_tree_head`` signs a C2SP checkpoint (``badges.checkpoint``) of the current size with the issuer's
  signing key, at most every ``BADGES_LOG_HEAD_INTERVAL`` seconds (Celery beat asks for one at that period, and
  the API and the verification pages on demand); the heads are kept, listed by ``tree_heads``.
- The reads (proofs, entries, heads) are what the public API serves (``badges/api.py``, ``log_router``) and
  what ``manage.py audit_log`` checks.

Entries record digests only (``merkle.entry_bytes``), never a name, an e-mail address or a credential id.
"""
from __future__ import annotations

import json
from datetime import timedelta
from datetime import timezone as dt_timezone
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges import checkpoint, merkle
from badges.models import Credential, IssuanceLog, LogEntry, LogNode, TreeHead

MAX_ENTRIES_PER_PAGE = 1000
#: The events that record a credential's signature (what a verifier looks the credential up by).
SIGNING_EVENTS = (LogEntry.Event.ISSUED, LogEntry.Event.REISSUED)
MAX_HEADS_PER_PAGE = 1000


class LogError(ValueError):
    """A request the log cannot answer (a size or index out of range, an unknown credential): a 4xx."""

    status = 400


class NotLogged(LogError):
    status = 404


# ------------------------------------------------------------------------------------ identity
def origin(public_base_url: str | None = None) -> str:
    """The log's name in its checkpoints: the platform's host and path, then ``/issuance-log``."""
    from badges.services import base_url

    parts = urlsplit(public_base_url or base_url())
    return f"{parts.netloc}{parts.path.rstrip('/')}/issuance-log"


def xsd(when) -> str:
    return when.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def head_interval() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "BADGES_LOG_HEAD_INTERVAL", 60)))


# ------------------------------------------------------------------------------------ stored nodes
def _nodes(keys) -> dict[tuple[int, int], bytes]:
    """The stored hashes of ``keys`` [(level, index)], in one query: ``(level, index) IN (VALUES …)`` reads exactly
    those rows through the unique index (PostgreSQL and SQLite both take row values)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    qn = connection.ops.quote_name
    level, index = qn("level"), qn("index")
    sql = (f"SELECT {level}, {index}, {qn('hash')} FROM {qn(LogNode._meta.db_table)} "
           f"WHERE ({level}, {index}) IN (VALUES {', '.join(['(%s, %s)'] * len(keys))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for key in keys for v in key])
        found = {(lv, ix): bytes.fromhex(h) for lv, ix, h in cursor.fetchall()}
    missing = [k for k in keys if k not in found]
    if missing:
        raise LogError(_("The issuance log's store lacks a node (%(node)s): it is damaged.") % {"node": missing[0]})
    return found


def _run(fn, *args):
    """``fn(*args, perfect)`` with every stored hash it reads fetched in one query first."""
    nodes = _nodes(merkle.needed_nodes(fn, *args))
    return fn(*args, lambda level, index: nodes[(level, index)])


def size() -> int:
    return IssuanceLog.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def root(tree_size: int) -> bytes:
    return _run(merkle.root, tree_size)


# ------------------------------------------------------------------------------------ appending
def _locked_log() -> IssuanceLog:
    log = IssuanceLog.objects.select_for_update().filter(pk=1).first()
    if log is None:
        try:
            with transaction.atomic():
                IssuanceLog.objects.create(pk=1, size=0)
        except IntegrityError:
            pass
        log = IssuanceLog.objects.select_for_update().get(pk=1)
    return log


def digest_of(cred: Credential) -> str:
    return merkle.credential_digest(json.loads(cred.signed_json))


def append(event: str, cred: Credential, *, replaces: Credential | None = None, at=None) -> LogEntry:
    """Append ``event`` ("issued", "reissued", "revoked") of ``cred`` (its signed document as stored) to the log.
    Must run inside the transaction that issues, re-issues or revokes it."""
    return _append(event, digest_of(cred), cred, digest_of(replaces) if replaces is not None else None, at)


def append_holder_copy(signed: dict, *, at=None) -> LogEntry:
    """Log the issuance of a credential's copy bound to its holder's DID (``badges.models.HolderCopy``): a signed
    document of its own, logged as ``issued`` under its digest (its entry names no credential row, so a credential's
    own entry stays the one ``entry_for`` finds). Inside the issuing transaction, like ``append``."""
    return _append("issued", merkle.credential_digest(signed), None, None, at)


def _append(event: str, digest: str, cred: Credential | None, replaces: str | None, at) -> LogEntry:
    if not connection.in_atomic_block:
        raise RuntimeError("the issuance log is appended inside the issuing transaction")
    at = at or timezone.now()
    data = merkle.entry_bytes(event, digest, xsd(at), replaces)
    log = _locked_log()
    index = log.size
    leaf = merkle.leaf_hash(data)
    siblings = _nodes(merkle.needed_nodes(merkle.perfect_nodes_after_append, index, leaf))
    new = merkle.perfect_nodes_after_append(index, leaf, lambda lv, ix: siblings[(lv, ix)])
    LogNode.objects.bulk_create([LogNode(level=lv, index=ix, hash=h.hex()) for lv, ix, h in new])
    entry = LogEntry.objects.create(index=index, event=event, credential=cred, digest=digest,
                                    data=data.decode("utf-8"), created_at=at)
    IssuanceLog.objects.filter(pk=1).update(size=index + 1)
    log.size = index + 1
    return entry


# ------------------------------------------------------------------------------------ tree heads
def publish_tree_head(*, force: bool = False) -> TreeHead | None:
    """A signed tree head of the current size: the latest one when the log has not grown since, or when it is
    younger than ``head_interval()`` (unless ``force``); else a new one, signed now. None when no head exists and
    no key may sign (a key compromise waiting for its successor)."""
    from badges import services

    latest = TreeHead.objects.order_by("-tree_size").first()
    now = timezone.now().replace(microsecond=0)
    if latest is not None and not force and now - latest.timestamp < head_interval():
        return latest  # young enough: not even the log's size is read
    current = size()
    if latest is not None and latest.tree_size >= current:
        return latest
    try:
        key = services.signing_key()
    except services.KeyNotReady:
        return latest
    root_hash = root(current)
    note = checkpoint.sign(origin(), current, root_hash, now, services.private_key(key))
    try:
        with transaction.atomic():
            return TreeHead.objects.create(tree_size=current, root_hash=root_hash.hex(), timestamp=now,
                                           signing_key=key, note=note)
    except IntegrityError:  # another process signed this size at the same moment
        return TreeHead.objects.get(tree_size=current)


def head_dict(head: TreeHead) -> dict:
    from badges import services

    return {"tree_size": head.tree_size, "root_hash": head.root_hash, "timestamp": services.xsd(head.timestamp),
            "key": services.key_id(head.signing_key), "checkpoint": head.note}


def tree_heads(after_size: int = -1, limit: int = 100) -> list[TreeHead]:
    return list(TreeHead.objects.select_related("signing_key").filter(tree_size__gt=after_size)
                .order_by("tree_size")[:max(1, min(limit, MAX_HEADS_PER_PAGE))])


def head_of_size(tree_size: int) -> TreeHead | None:
    return TreeHead.objects.select_related("signing_key").filter(tree_size=tree_size).first()


# ------------------------------------------------------------------------------------ proofs and entries
def _check_size(tree_size: int, what: str = "tree_size") -> int:
    current = size()
    if tree_size < 0 or tree_size > current:
        raise LogError(_("%(what)s must be between 0 and the log's size, %(size)s.") % {"what": what, "size": current})
    return tree_size


def entry_for(*, credential_id=None, leaf_hash: str | None = None, digest: str | None = None) -> LogEntry:
    """The log entry of a credential's issuance (or re-issue): by credential id, by its digest, or any entry by its
    leaf hash."""
    if leaf_hash is not None:
        node = LogNode.objects.filter(level=0, hash=leaf_hash.lower()).order_by("index").first()
        entry = LogEntry.objects.filter(index=node.index).first() if node else None
    else:
        qs = LogEntry.objects.filter(event__in=[LogEntry.Event.ISSUED, LogEntry.Event.REISSUED])
        qs = qs.filter(credential_id=credential_id) if credential_id is not None else qs.filter(digest=digest)
        entry = qs.order_by("-index").first()
    if entry is None:
        raise NotLogged(_("No such entry in the issuance log."))
    return entry


def inclusion(entry: LogEntry, tree_size: int, *, checked: bool = False,
              nodes: dict[tuple[int, int], bytes] | None = None) -> dict:
    """The RFC 9162 inclusion proof of ``entry`` in the tree of ``tree_size`` entries (hex); ``checked``: the size
    is known to be in range (a signed head's); ``nodes``: the stored hashes it reads, already read (KeyError when
    one is missing)."""
    if not checked:
        _check_size(tree_size)
    if entry.index >= tree_size:
        raise LogError(_("Entry %(index)s is not in a tree of %(size)s entries: ask for a larger tree_size.")
                       % {"index": entry.index, "size": tree_size})
    leaf = merkle.leaf_hash(entry.data.encode("utf-8"))
    return {"leaf_index": entry.index, "tree_size": tree_size, "leaf_hash": leaf.hex(), "entry": entry.data,
            "inclusion_path": [h.hex() for h in (
                _run(merkle.inclusion_path, entry.index, tree_size) if nodes is None
                else merkle.inclusion_path(entry.index, tree_size, lambda level, index: nodes[(level, index)]))]}


def consistency(first: int, second: int) -> list[str]:
    _check_size(second, "second")
    if not 0 <= first <= second:
        raise LogError(_("first must be between 0 and second."))
    return [h.hex() for h in _run(merkle.consistency_proof, first, second)]


def entries(start: int, end: int) -> list[dict]:
    """Entries ``[start, end)`` (at most ``MAX_ENTRIES_PER_PAGE``) with their stored leaf hashes."""
    current = size()
    if start < 0 or end < start or end > current:
        raise LogError(_("Ask for 0 <= start <= end <= %(size)s (the log's size).") % {"size": current})
    end = min(end, start + MAX_ENTRIES_PER_PAGE)
    leaves = dict(LogNode.objects.filter(level=0, index__gte=start, index__lt=end).values_list("index", "hash"))
    return [{"index": e.index, "entry": e.data, "leaf_hash": leaves.get(e.index, "")}
            for e in LogEntry.objects.filter(index__gte=start, index__lt=end).order_by("index")]


def log_inclusion(digest: str) -> dict | None:
    """For the verifier (``badges.resolver``): where a credential of that digest is in the log and the proof of it
    in the latest signed tree head (published on demand), or None when it is not logged."""
    entry = LogEntry.objects.filter(digest=digest, event__in=SIGNING_EVENTS).order_by("index").first()
    if entry is None:
        return None
    head = publish_tree_head()
    if head is None or head.tree_size <= entry.index:
        return {"leaf_index": entry.index, "entry": entry.data, "pending": True}
    return {**inclusion(entry, head.tree_size, checked=True), "checkpoint": head.note, "pending": False}

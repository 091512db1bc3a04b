"""The platform's verification resolver: the DID document, status lists and the issuance registry,
all read locally from the database (never the network).

A verification asks the resolver five things (the keys, the status list, when the registry recorded the
credential, where the issuance log lists it, the latest signed tree head). ``prefetch`` reads them in one
statement. Where committed changes can be heard (PostgreSQL, outside a transaction, the process's listener up:
``badges.changes``), what was read is kept under the listener's generation and used while it lasts: the keys, the
status lists, the latest head and the DID document until any of them changes; a credential's registry time and
log entry (found, never "missing") until a row of theirs is updated or deleted, which never happens in use. A
verification then reads only what it has not seen in this generation: nothing for the same credential again.
Elsewhere (SQLite, inside a transaction, the listener down) the statement reads everything, every time.

Per-process memos hold what is a pure function of what was read: the DID document built from the key rows, the
parsed status list of the exact text, the inclusion path of a log entry in the signed tree head (the log only
grows: a path in a given head never changes). Each method also answers on its own, with its own query, when
``prefetch`` was not called or was called for another credential (and inside ``jsonld.reference_path()``, the
reference the fast paths are compared with)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from badges import changes, jsonld, merkle, services, transparency
from badges.models import Credential, HolderCopy, LogEntry, LogNode, SigningKey, StatusList, TreeHead
from badges.verification import Memo
from lms.prepared_sql import prepared_cursor

#: DID documents by the issuer's DID and the key rows they were built from.
_DID_DOCUMENTS = Memo(16)
#: Parsed status list credentials by their exact stored text.
_STATUS_LISTS = Memo(64)
#: Inclusion paths (hex) by the signed tree head's note and the leaf index.
_INCLUSION_PATHS = Memo(4096)


class _Key(NamedTuple):
    """A key row as ``services.did_document`` and the retirement check read it."""

    number: int
    status: str
    public_key_multibase: str
    revoked_from: datetime | None
    retired_at: datetime | None

    @property
    def fragment(self) -> str:
        return f"key-{self.number}"


class _Head(NamedTuple):
    tree_size: int
    note: str
    timestamp: datetime


class _Entry(NamedTuple):
    index: int
    data: str


@dataclass
class _Facts:
    """What ``prefetch`` read (or found kept) for one credential."""

    credential_id: str
    digest: str
    keys: list[_Key]
    status_lists: dict[int, str | None] = field(default_factory=dict)  # number -> stored signed JSON (None: no list)
    status_numbers: tuple[int, ...] = ()
    issued_at: datetime | None = None
    registry_read: bool = False  # issued_at was read or kept (not read: the verification will not ask)
    entry: _Entry | None = None
    head: _Head | None = None
    did_document: dict | None = None
    nodes: dict[tuple[int, int], bytes] | None = None  # the log's stored hashes the entry's path may read


class _Kept:
    """What was read in one generation of ``badges.changes``: valid until a notified statement commits."""

    def __init__(self, generation: int):
        self.generation = generation
        self.keys: list[_Key] | None = None
        self.did_document: dict | None = None
        self.head: tuple[_Head | None] | None = None  # (the latest head or None), once read
        self.status_lists: dict[int, str] = {}  # found only: at most the platform's lists
        self.issued_at = Memo(4096)  # credential id -> issued_at (found only)
        self.entries = Memo(4096)  # log digest -> _Entry (found only)


_KEPT: _Kept | None = None


def _kept() -> _Kept | None:
    """What is kept for the current generation (emptied when it moves on); None where a change could go unheard."""
    global _KEPT
    generation = changes.generation()
    if generation is None:
        return None
    kept = _KEPT
    if kept is None or kept.generation != generation:
        kept = _KEPT = _Kept(generation)
    return kept


def _aware(value) -> datetime | None:
    """A timestamp of a raw row: aware on PostgreSQL; on SQLite (stored in UTC) naive or ISO text, depending on
    whether the union's column took a declared type."""
    parsed = value if value is None or isinstance(value, datetime) else parse_datetime(value)
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=dt_timezone.utc)


def _registry_row(credential_id) -> tuple[type, uuid.UUID] | None:
    """(model, primary key) of a credential id this platform signs: a stored credential
    (``<base>/credentials/<id>``) or a copy handed to a wallet (``urn:uuid:<id>``, ``badges.wallet``)."""
    if not isinstance(credential_id, str):
        return None
    prefix = services.base_url() + "/credentials/"
    model, tail = (Credential, credential_id[len(prefix):]) if credential_id.startswith(prefix) else (
        (HolderCopy, credential_id[len("urn:uuid:"):]) if credential_id.startswith("urn:uuid:") else (None, ""))
    if model is None or len(tail) > 36:
        return None
    try:
        return model, uuid.UUID(tail)
    except ValueError:
        return None


def _status_number(url) -> int | None:
    prefix = services.base_url() + "/status/"
    if not isinstance(url, str) or not url.startswith(prefix):
        return None
    tail = url[len(prefix):]
    return int(tail) if tail.isdigit() and len(tail) <= 9 else None


def _status_urls(doc: dict) -> list:
    entries = doc.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    return [e.get("statusListCredential") for e in entries[:8] if isinstance(e, dict)]


def _registry_asked(doc: dict, keys: list[_Key]) -> bool:
    """Will the verification ask when the registry recorded ``doc``? Only when the key its proof names is revoked or
    retired (``verification``: the registry's time is compared with that date), or unknown here."""
    proof = doc.get("proof")
    proof = proof[0] if isinstance(proof, list) and proof else proof
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    fragment = method.partition("#")[2] if isinstance(method, str) else ""
    key = next((k for k in keys if k.fragment == fragment), None)
    return key is None or key.status != SigningKey.Status.ACTIVE or key.revoked_from is not None \
        or key.retired_at is not None


class DatabaseResolver:
    """Resolves only this platform's DID and its own status list URLs."""

    def __init__(self):
        self._did_doc = None
        self._keys = None
        self._facts: _Facts | None = None
        self._kept: _Kept | None = None

    # ------------------------------------------------------------------ one statement per verification
    def prefetch(self, doc: dict, digest: str) -> None:
        """Read, in one statement, what the verification of ``doc`` (its log digest ``digest``) will ask and is not
        kept for the current generation (``_kept``): the issuer's keys, its status list(s), the latest signed tree
        head, its registry row and its log entry. Nothing at all for a credential already seen in this
        generation."""
        if not jsonld.fast_paths():
            return
        kept = _kept()
        credential_id = doc.get("id")
        numbers = tuple(dict.fromkeys(n for n in map(_status_number, _status_urls(doc)) if n is not None))
        facts = _Facts(str(credential_id), digest, [], status_numbers=numbers)
        registry = _registry_row(credential_id)
        if kept is not None:
            facts.keys = kept.keys or []
            facts.did_document = kept.did_document
            facts.status_lists = {n: kept.status_lists[n] for n in numbers if n in kept.status_lists}
            facts.head = kept.head[0] if kept.head else None
            facts.issued_at = kept.issued_at.get(str(credential_id))
            facts.registry_read = facts.issued_at is not None
            facts.entry = kept.entries.get(digest)
        need_keys = kept is None or kept.keys is None
        need_lists = tuple(n for n in numbers if n not in facts.status_lists)
        need_head = kept is None or kept.head is None
        need_registry = registry is not None and facts.issued_at is None and (
            need_keys or _registry_asked(doc, facts.keys))
        need_entry = facts.entry is None
        # The head is known before the read: the entry's inclusion path in it is read with the entry.
        path_size = facts.head.tree_size if need_entry and not need_head and facts.head is not None else 0
        qn = connection.ops.quote_name
        parts, params = [], []
        if need_keys:
            parts.append(f"SELECT 'k', {qn('number')}, {qn('status')}, {qn('public_key_multibase')}, "
                         f"{qn('revoked_from')}, {qn('retired_at')} FROM {qn(SigningKey._meta.db_table)}")
        if need_lists:
            parts.append(f"SELECT 's', {qn('number')}, NULL, {qn('signed_json')}, NULL, NULL "
                         f"FROM {qn(StatusList._meta.db_table)} WHERE {qn('number')} IN "
                         f"({', '.join(['%s'] * len(need_lists))})")
            params += need_lists
        if need_head:
            head = qn(TreeHead._meta.db_table)
            parts.append(f"SELECT 'h', {qn('tree_size')}, NULL, {qn('note')}, {qn('timestamp')}, NULL "
                         f"FROM {head} WHERE {qn('tree_size')} = (SELECT MAX({qn('tree_size')}) FROM {head})")
        if need_registry:
            model, pk = registry
            parts.append(f"SELECT 'c', NULL, NULL, NULL, {qn('issued_at')}, NULL FROM {qn(model._meta.db_table)} "
                         f"WHERE {qn('id')} = %s")
            params.append(model._meta.pk.get_db_prep_value(pk, connection))
            facts.registry_read = True
        # The credential's log entry (of its signing); also where its inclusion path starts, below.
        entries = f"FROM {qn(LogEntry._meta.db_table)} WHERE {qn('digest')} = %s AND {qn('event')} IN (%s, %s)"
        entry_params = [digest, *transparency.SIGNING_EVENTS]
        if need_entry:
            parts.append(f"SELECT 'l', {qn('index')}, {qn('event')}, {qn('data')}, NULL, NULL {entries}")
            params += entry_params
        if path_size:
            levels, edge = merkle.inclusion_candidates(path_size)
            node = qn(LogNode._meta.db_table)
            lv, ix = qn("level"), qn("index")
            shifted = f"(e.i >> v.l)"  # the leaf's ancestor at level l; its sibling flips the lowest bit
            sibling = f"CASE WHEN {shifted} & 1 = 1 THEN {shifted} - 1 ELSE {shifted} + 1 END"
            level_rows = " UNION ALL ".join(f"SELECT {int(level)} AS l" for level in levels) or "SELECT 0 AS l"
            parts.append(
                f"SELECT 'n', x.{ix}, CAST(x.{lv} AS VARCHAR(5)), x.{qn('hash')}, NULL, NULL "
                f"FROM (SELECT MIN({ix}) AS i {entries}) e CROSS JOIN ({level_rows}) v "
                f"JOIN {node} x ON x.{lv} = v.l AND x.{ix} = {sibling}")
            params += entry_params
            parts.append(f"SELECT 'n', {ix}, CAST({lv} AS VARCHAR(5)), {qn('hash')}, NULL, NULL FROM {node} "
                         f"WHERE ({lv}, {ix}) IN (VALUES {', '.join(['(%s, %s)'] * len(edge))})")
            params += [v for pair in edge for v in pair]
            facts.nodes = {}
        rows = []
        if parts:
            with prepared_cursor() as cursor:  # PostgreSQL plans each form of it once per connection
                cursor.execute(" UNION ALL ".join(parts), params)
                rows = cursor.fetchall()
        keys: list[_Key] = []
        for n in need_lists:
            facts.status_lists[n] = None
        for kind, number, short, text, when, other in rows:
            if kind == "k":
                keys.append(_Key(number, short, text, _aware(when), _aware(other)))
            elif kind == "s":
                facts.status_lists[number] = text
            elif kind == "h":
                facts.head = _Head(number, text, _aware(when))
            elif kind == "c":
                facts.issued_at = _aware(when)
            elif kind == "l" and (facts.entry is None or number < facts.entry.index):
                facts.entry = _Entry(number, text)
            elif kind == "n":
                facts.nodes[(int(short), number)] = bytes.fromhex(text)
        if need_keys:
            facts.keys = sorted(keys, key=lambda k: k.number)
        if kept is not None:  # read outside any transaction: committed, and kept until a change is heard
            if need_keys:
                kept.keys = facts.keys
            # Found lists only: a missing one is asked again (a crafted credential may name any number).
            kept.status_lists.update({n: facts.status_lists[n] for n in need_lists if facts.status_lists[n]})
            if need_head:
                kept.head = (facts.head,)
            if need_registry and facts.issued_at is not None:
                kept.issued_at.put(str(credential_id), facts.issued_at)
            if need_entry and facts.entry is not None:
                kept.entries.put(digest, facts.entry)
        self._facts, self._keys, self._did_doc = facts, facts.keys, facts.did_document
        self._kept = kept

    def _signing_keys(self) -> list:
        """The issuer's keys, read once per resolver (one verification): the DID document and the retirement dates
        come from the same read."""
        if self._keys is None:
            self._keys = list(SigningKey.objects.order_by("number"))
        return self._keys

    # ------------------------------------------------------------------ the verifier's questions
    def did_document(self, did: str) -> dict | None:
        if did != services.issuer_did():
            return None
        if self._did_doc is None:
            keys = self._signing_keys()
            if self._facts is None:
                self._did_doc = services.did_document(keys)
            else:  # a pure function of the rows just read
                memo = json.dumps([did] + [[k.number, k.status, k.public_key_multibase,
                                            k.revoked_from and k.revoked_from.isoformat()] for k in keys])
                self._did_doc = _DID_DOCUMENTS.get(memo)
                if self._did_doc is None:
                    self._did_doc = services.did_document(keys)
                    _DID_DOCUMENTS.put(memo, self._did_doc)
                if self._kept is not None and self._kept.keys is keys:
                    self._kept.did_document = self._did_doc
        return self._did_doc

    def status_list_credential(self, url: str) -> dict | None:
        number = _status_number(url)
        if number is None:
            return None
        facts = self._facts
        if facts is None or number not in facts.status_numbers:
            return services.status_list_document(number)
        text = facts.status_lists.get(number)
        if not text:
            return None
        doc = _STATUS_LISTS.get(text)
        if doc is None:
            doc = json.loads(text)
            _STATUS_LISTS.put(text, doc)
        return doc

    def issued_at(self, credential_id: str) -> datetime | None:
        """When the platform signed the credential of that id: a stored credential (``<base>/credentials/<id>``) or
        a copy handed to a wallet (``urn:uuid:<id>``, ``badges.wallet``)."""
        if self._facts is not None and self._facts.registry_read and credential_id == self._facts.credential_id:
            return self._facts.issued_at
        row = _registry_row(credential_id)
        if row is None:
            return None
        model, pk = row
        return model.objects.filter(pk=pk).values_list("issued_at", flat=True).first()

    def key_retired_at(self, method_id: str) -> datetime | None:
        """When a key of this issuer was retired by a planned rotation (it stays listed and keeps verifying what it
        signed before that date), else None."""
        did, _, fragment = (method_id or "").partition("#")
        if did != services.issuer_did() or not fragment.startswith("key-") or not fragment[4:].isdigit() \
                or len(fragment) > 14:
            return None
        number = int(fragment[4:])
        return next((k.retired_at for k in self._signing_keys()
                     if k.number == number and k.status == SigningKey.Status.RETIRED), None)

    def log_inclusion(self, digest: str) -> dict | None:
        """Where the issuance log lists the credential of ``digest``, with its proof in the latest signed tree head.
        When no head covers it yet and the latest is older than the interval, ``badges.transparency.log_inclusion``
        answers (the one place that signs a new head on demand); a head that covers it answers however old (the
        proof in it stands; Celery beat signs new heads)."""
        facts = self._facts
        if facts is None or digest != facts.digest:
            return transparency.log_inclusion(digest)
        entry, head = facts.entry, facts.head
        if entry is None:
            return None
        if head is None or (head.tree_size <= entry.index
                            and timezone.now() - head.timestamp >= transparency.head_interval()):
            return transparency.log_inclusion(digest)  # a head covering it may be due: the one place that signs it
        if head.tree_size <= entry.index:
            return {"leaf_index": entry.index, "entry": entry.data, "pending": True}
        memo = f"{head.note}\0{entry.index}"
        proof = _INCLUSION_PATHS.get(memo)
        if proof is None:
            proof = self._inclusion(entry, head.tree_size, facts.nodes)
            _INCLUSION_PATHS.put(memo, proof)
        return {**proof, "checkpoint": head.note, "pending": False}


    @staticmethod
    def _inclusion(entry: _Entry, tree_size: int, nodes: dict | None) -> dict:
        """The entry's inclusion proof: from the hashes read with it (``nodes``, when the head was known before the
        read), else by the store's own query (which also says whether a hash is missing)."""
        if nodes is not None:
            try:
                return transparency.inclusion(entry, tree_size, checked=True, nodes=nodes)
            except KeyError:
                pass
        return transparency.inclusion(entry, tree_size, checked=True)


def verify(doc_or_raw, **kwargs):
    from badges.verification import verify_credential

    return verify_credential(doc_or_raw, DatabaseResolver(), **kwargs)


__all__ = ["DatabaseResolver", "verify"]

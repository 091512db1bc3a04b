"""The platform's verification resolver: the DID document, status lists and the issuance registry,
all read locally from the database (never the network).

A verification asks the resolver five things (the keys, the status list, when the registry recorded the
credential, where the issuance log lists it, the latest signed tree head). ``prefetch`` reads them all in one
statement, every time: nothing that can change (a key's compromise or retirement, a status bit, a new tree head)
is kept from one verification to the next. What is kept, in bounded per-process memos, is only what is a pure
function of what was just read: the DID document built from the key rows read, the parsed status list of the exact
text read, and the inclusion path of a log entry in the signed tree head read (the log only grows: a path in a
given head never changes). Each method also answers on its own, with its own query, when ``prefetch`` was not called
or was called for another credential (and inside ``jsonld.reference_path()``, the reference the fast paths are
compared with)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from badges import jsonld, services, transparency
from badges.models import Credential, HolderCopy, LogEntry, SigningKey, StatusList, TreeHead
from badges.verification import Memo

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
    """What ``prefetch`` read for one credential."""

    credential_id: str
    digest: str
    keys: list[_Key]
    status_lists: dict[int, str] = field(default_factory=dict)  # number -> stored signed JSON (absent: no such list)
    status_numbers: tuple[int, ...] = ()
    issued_at: datetime | None = None
    entry: _Entry | None = None
    head: _Head | None = None


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


class DatabaseResolver:
    """Resolves only this platform's DID and its own status list URLs."""

    def __init__(self):
        self._did_doc = None
        self._keys = None
        self._facts: _Facts | None = None

    # ------------------------------------------------------------------ one statement per verification
    def prefetch(self, doc: dict, digest: str) -> None:
        """Read, in one statement, everything the verification of ``doc`` (its log digest ``digest``) will ask:
        the issuer's keys, its status list(s), its registry row, its log entry and the latest signed tree head."""
        if not jsonld.fast_paths():
            return
        credential_id = doc.get("id")
        numbers = tuple(dict.fromkeys(n for n in map(_status_number, _status_urls(doc)) if n is not None))
        qn = connection.ops.quote_name
        parts = [f"SELECT 'k', {qn('number')}, {qn('status')}, {qn('public_key_multibase')}, {qn('revoked_from')}, "
                 f"{qn('retired_at')} FROM {qn(SigningKey._meta.db_table)}"]
        params: list = []
        if numbers:
            parts.append(f"SELECT 's', {qn('number')}, NULL, {qn('signed_json')}, NULL, NULL "
                         f"FROM {qn(StatusList._meta.db_table)} WHERE {qn('number')} IN "
                         f"({', '.join(['%s'] * len(numbers))})")
            params += numbers
        head = qn(TreeHead._meta.db_table)
        parts.append(f"SELECT 'h', {qn('tree_size')}, NULL, {qn('note')}, {qn('timestamp')}, NULL "
                     f"FROM {head} WHERE {qn('tree_size')} = (SELECT MAX({qn('tree_size')}) FROM {head})")
        row = _registry_row(credential_id)
        if row is not None:
            model, pk = row
            parts.append(f"SELECT 'c', NULL, NULL, NULL, {qn('issued_at')}, NULL FROM {qn(model._meta.db_table)} "
                         f"WHERE {qn('id')} = %s")
            params.append(model._meta.pk.get_db_prep_value(pk, connection))
        parts.append(f"SELECT 'l', {qn('index')}, {qn('event')}, {qn('data')}, NULL, NULL "
                     f"FROM {qn(LogEntry._meta.db_table)} WHERE {qn('digest')} = %s AND {qn('event')} IN (%s, %s)")
        params += [digest, *transparency.SIGNING_EVENTS]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        facts = _Facts(str(credential_id), digest, [], status_numbers=numbers)
        for kind, number, short, text, when, other in rows:
            if kind == "k":
                facts.keys.append(_Key(number, short, text, _aware(when), _aware(other)))
            elif kind == "s":
                facts.status_lists[number] = text
            elif kind == "h":
                facts.head = _Head(number, text, _aware(when))
            elif kind == "c":
                facts.issued_at = _aware(when)
            elif kind == "l" and (facts.entry is None or number < facts.entry.index):
                facts.entry = _Entry(number, text)
        facts.keys.sort(key=lambda k: k.number)
        self._facts, self._keys, self._did_doc = facts, facts.keys, None

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
        if self._facts is not None and credential_id == self._facts.credential_id:
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
        """Where the issuance log lists the credential of ``digest``, with its proof in the latest signed tree head
        (``badges.transparency.log_inclusion``: it signs a new head when the latest is older than the interval and
        the log has grown; so does this when the head read by ``prefetch`` is that old)."""
        facts = self._facts
        if facts is None or digest != facts.digest:
            return transparency.log_inclusion(digest)
        entry, head = facts.entry, facts.head
        if entry is None:
            return None
        if head is None or timezone.now() - head.timestamp >= transparency.head_interval():
            return transparency.log_inclusion(digest)  # a newer head may be due: the one place that signs it
        if head.tree_size <= entry.index:
            return {"leaf_index": entry.index, "entry": entry.data, "pending": True}
        memo = f"{head.note}\0{entry.index}"
        proof = _INCLUSION_PATHS.get(memo)
        if proof is None:
            proof = transparency.inclusion(entry, head.tree_size, checked=True)
            _INCLUSION_PATHS.put(memo, proof)
        return {**proof, "checkpoint": head.note, "pending": False}


def verify(doc_or_raw, **kwargs):
    from badges.verification import verify_credential

    return verify_credential(doc_or_raw, DatabaseResolver(), **kwargs)


__all__ = ["DatabaseResolver", "verify"]

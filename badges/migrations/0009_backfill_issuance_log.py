"""Backfill the issuance log: every credential already issued (re-issued) and every revocation, in the order they
happened, so that an existing deployment (and the demo) has a complete log. The same entries and nodes as
``badges.transparency.append`` writes (``badges.merkle`` is pure and stable); no tree head is signed here (the
first request or beat period signs one)."""
import json
from datetime import timezone

from django.db import migrations

from badges import merkle


def _xsd(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def backfill(apps, schema_editor):
    Credential = apps.get_model("badges", "Credential")
    LogEntry = apps.get_model("badges", "LogEntry")
    LogNode = apps.get_model("badges", "LogNode")
    IssuanceLog = apps.get_model("badges", "IssuanceLog")
    log, _created = IssuanceLog.objects.get_or_create(pk=1, defaults={"size": 0})
    if LogEntry.objects.exists():
        return
    digests, events = {}, []
    rows = Credential.objects.order_by("issued_at", "pk").values_list(
        "pk", "signed_json", "issued_at", "revoked_at", "replaces_id")
    for pk, signed_json, issued_at, revoked_at, replaces_id in rows.iterator():
        try:
            digests[pk] = merkle.credential_digest(json.loads(signed_json))
        except (ValueError, TypeError):
            continue
        events.append((issued_at, 0, "reissued" if replaces_id else "issued", pk, replaces_id))
        if revoked_at is not None:
            events.append((max(revoked_at, issued_at), 1, "revoked", pk, None))
    events.sort(key=lambda e: (e[0], e[1], str(e[3])))
    nodes, entries = {}, []
    for index, (when, _order, event, pk, replaces_id) in enumerate(events):
        data = merkle.entry_bytes(event, digests[pk], _xsd(when), digests.get(replaces_id) if replaces_id else None)
        for level, ix, h in merkle.perfect_nodes_after_append(index, merkle.leaf_hash(data),
                                                              lambda lv, i: nodes[(lv, i)]):
            nodes[(level, ix)] = h
        entries.append(LogEntry(index=index, event=event, credential_id=pk, digest=digests[pk],
                                data=data.decode("utf-8"), created_at=when))
    LogEntry.objects.bulk_create(entries, batch_size=500)
    LogNode.objects.bulk_create([LogNode(level=lv, index=ix, hash=h.hex()) for (lv, ix), h in nodes.items()],
                                batch_size=500)
    IssuanceLog.objects.filter(pk=1).update(size=len(events))


class Migration(migrations.Migration):
    dependencies = [("badges", "0008_issuance_log")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

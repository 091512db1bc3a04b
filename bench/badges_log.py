"""Benchmark: the issuance log (badges/transparency.py). Appends N entries (default 10,000), one transaction
each as an issuance does, then serves inclusion and consistency proofs and tree heads, through the service and
through the public API, each beside the bare hashing floor (the same RFC 9162 computation on hashes in memory:
what is left once the database is free). Prints p50 / p95 per operation and the queries each one makes.

    .venv/bin/python bench/badges_log.py [--entries 10000] [--samples 300]

PostgreSQL database flowstage_bench_log on 127.0.0.1:5432 (created, migrated; its log is emptied first)."""
import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/flowstage_bench_log")

import badges_common  # noqa: E402

badges_common.DB_NAME = "flowstage_bench_log"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def queries_of(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def measure(entries: int, samples: int, out=print) -> dict:
    """Run the measures on the configured database (the log emptied first); returns the figures."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from badges import merkle, services, transparency
    from badges.models import Credential, IssuanceLog, LogEntry, LogNode, TreeHead
    from lms.accounts.models import User

    settings.RATELIMIT_ENABLE = False
    user, _ = User.objects.get_or_create(email="bench-log-holder@example.test")
    cred = services.issue_credential(user, badges_common.achievement(), notify=False).credential
    with transaction.atomic():
        TreeHead.objects.all().delete()
        LogEntry.objects.all().delete()
        LogNode.objects.all().delete()
        IssuanceLog.objects.update_or_create(pk=1, defaults={"size": 0})
    cred = Credential.objects.get(pk=cred.pk)

    def append():
        with transaction.atomic():
            transparency.append("issued", cred)

    figures = {}
    t0 = time.perf_counter()
    append_ms = timed(append, entries)
    total = time.perf_counter() - t0
    queries_append = queries_of(append)
    n = entries + 1

    # the bare floor of an append: the leaf hash and the nodes it completes, from a dict
    data = LogEntry.objects.order_by("index").first().data.encode()
    nodes, floor_append = {}, []
    for i in range(entries):
        t = time.perf_counter()
        for lv, ix, h in merkle.perfect_nodes_after_append(i, merkle.leaf_hash(data), lambda lv, ix: nodes[(lv, ix)]):
            nodes[(lv, ix)] = h
        floor_append.append((time.perf_counter() - t) * 1000)
    figures["append"] = (append_ms, floor_append, queries_append)
    out(f"appended {entries} entries in {total:.1f} s ({entries / total:.0f}/s, one transaction each)")

    rng = random.Random(7)
    head = transparency.publish_tree_head(force=True)
    size = head.tree_size
    assert size == n
    perfect = lambda lv, ix: nodes[(lv, ix)]  # noqa: E731
    pairs = [(rng.randrange(1, size), size) for _ in range(samples)]
    leaves = [rng.randrange(size) for _ in range(samples)]
    entries_by_index = {e.index: e for e in LogEntry.objects.filter(index__in=leaves)}
    it = iter(leaves)
    incl = timed(lambda: transparency.inclusion(entries_by_index[next(it)], size), samples)
    it = iter(leaves)
    floor_incl = timed(lambda: merkle.inclusion_path(next(it) % entries, entries, perfect), samples)
    figures["inclusion proof (service)"] = (incl, floor_incl,
                                            queries_of(lambda: transparency.inclusion(entries_by_index[leaves[0]], size)))
    it = iter(pairs)
    cons = timed(lambda: transparency.consistency(*next(it)), samples)
    it = iter(pairs)
    floor_cons = timed(lambda: merkle.consistency_proof(next(it)[0], entries, perfect), samples)
    figures["consistency proof (service)"] = (cons, floor_cons, queries_of(lambda: transparency.consistency(*pairs[0])))
    roots = timed(lambda: transparency.root(size), samples)
    floor_root = timed(lambda: merkle.root(entries, perfect), samples)
    figures["tree head root"] = (roots, floor_root, queries_of(lambda: transparency.root(size)))

    # the database's own floor: one primary-key read of one small row, the cheapest query there is
    one_row = timed(lambda: IssuanceLog.objects.filter(pk=1).values_list("size", flat=True).first(), samples)
    figures["one-row query (database floor)"] = (one_row, [0.0], 1)

    client = Client()
    # by leaf hash: every entry of this bench is of the same credential, a credential id would name them all
    leaf_of = dict(LogNode.objects.filter(level=0, index__in=leaves).values_list("index", "hash"))
    assert client.get("/api/v1/log/proof/inclusion", {"leaf_hash": leaf_of[leaves[0]]}).status_code == 200
    it = iter(pairs)
    api_cons = timed(lambda: client.get("/api/v1/log/proof/consistency",
                                        {"first": str(next(it)[0]), "second": str(size)}), samples)
    it = iter(leaves)
    api_incl = timed(lambda: client.get("/api/v1/log/proof/inclusion",
                                        {"leaf_hash": leaf_of[next(it)], "tree_size": str(size)}), samples)
    figures["GET /api/v1/log/proof/consistency"] = (api_cons, floor_cons, None)
    figures["GET /api/v1/log/proof/inclusion"] = (api_incl, floor_incl, None)

    out(f"{'operation (tree of %d entries)' % size:42} {'p50 ms':>8} {'p95 ms':>8}   {'floor p50':>9} "
        f"{'floor p95':>9}  queries")
    for name, (ms, floor, q) in figures.items():
        out(f"{name:42} {pct(ms, 50):8.3f} {pct(ms, 95):8.3f}   {pct(floor, 50):9.4f} {pct(floor, 95):9.4f}  "
            f"{q if q is not None else '-':>7}")
    out(f"(floor: the same RFC 9162 hashing on hashes in memory; mean append {statistics.mean(append_ms):.3f} ms; "
        f"the one-row query is the database round trip every operation pays per query)")
    return {name: {"p50": pct(ms, 50), "p95": pct(ms, 95), "queries": q} for name, (ms, _f, q) in figures.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    badges_common.setup_django()
    measure(args.entries, args.samples)


if __name__ == "__main__":
    main()

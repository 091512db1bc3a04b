"""Benchmark: verification of one credential, side by side in one run (issue 13, part 4): p50 of the
platform's verification of a credential never seen before and of the same bytes verified again, beside
Digital Bazaar's JavaScript verifier (the reference; same credentials, in one Node.js process) and the
Ed25519 verification alone (the floor); then verification throughput (requests per second, in-process
Django test client, one process) of POST /api/v1/credentials/verify and of the public page /verify/<id>/,
beside a minimal Django view (/healthz), and the share of verification time spent in RDFC-1.0
canonicalisation, SHA-256 hashing and Ed25519.

The platform's verification is timed with two resolvers: the database one (``DatabaseResolver``, as the API
uses it: the keys, the status lists and the latest tree head kept while the process's listener hears no committed
change to them (``badges.changes``, PostgreSQL LISTEN/NOTIFY), a credential's log entry and inclusion path read
with one statement the first time; and with the listener off, everything read at every verification) and a
snapshot of its answers in memory, which is what the JavaScript reference is given (its documents passed in): the
same checks, without the database. The "reference path" row is the platform's verification with every fast path
off (``jsonld.reference_path()``). Then the delay between a change committed by another connection and its
notification heard by this process (what "fresh" means with the listener on).

    .venv/bin/python bench/badges_verify.py [seconds per measure, default 5] [credentials, default 200]
"""
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time

from badges_common import ROOT, achievement, setup_django


def rps(fn, seconds):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


class SnapshotResolver:
    """The database resolver's answers, read once before the timing: the checks run on them at every
    verification, as the JavaScript reference's checks run on the documents it is given."""

    def __init__(self, creds):
        from badges import merkle
        from badges.resolver import DatabaseResolver

        db = DatabaseResolver()
        first = json.loads(creds[0].signed_json)
        self.did = first["issuer"]["id"] if isinstance(first["issuer"], dict) else first["issuer"]
        self.doc = db.did_document(self.did)
        self.lists, self.issued, self.logs, self.retired = {}, {}, {}, {}
        for cred in creds:
            doc = json.loads(cred.signed_json)
            url = doc["credentialStatus"]["statusListCredential"]
            self.lists[url] = self.lists.get(url) or db.status_list_credential(url)
            self.issued[doc["id"]] = db.issued_at(doc["id"])
            digest = merkle.credential_digest(doc)
            self.logs[digest] = db.log_inclusion(digest)
            vm = doc["proof"][0]["verificationMethod"]
            self.retired[vm] = db.key_retired_at(vm)

    def did_document(self, did):
        return self.doc if did == self.did else None

    def status_list_credential(self, url):
        return self.lists.get(url)

    def issued_at(self, credential_id):
        return self.issued.get(credential_id)

    def key_retired_at(self, method_id):
        return self.retired.get(method_id)

    def log_inclusion(self, digest):
        return self.logs.get(digest)


def p50_ms(fn, items):
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def javascript_reference(creds, repeat):
    """Digital Bazaar's verifier in one Node.js process: p50 of the first verification of each credential (after
    one warm-up) and of ``repeat`` verifications of the first one; None (and why) when Node.js is unavailable."""
    from badges_testkit import install_node_verifier

    from badges import services
    from badges.contexts import PRODUCTION_CONTEXTS
    from badges.models import StatusList

    try:
        cache = install_node_verifier([ROOT / "bench" / "badges_verify_node.mjs"])
    except RuntimeError as exc:
        return None, str(exc)
    documents = {services.issuer_did(): services.did_document()}
    for sl in StatusList.objects.all():
        documents[services.status_list_url(sl.number)] = json.loads(sl.signed_json)
    payload = {"credentials": [json.loads(c.signed_json) for c in creds], "repeat": repeat, "documents": documents,
               "contexts": {url: str(c.path) for url, c in PRODUCTION_CONTEXTS.items()}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(payload, f)
    try:
        proc = subprocess.run(["node", str(cache / "badges_verify_node.mjs"), f.name], capture_output=True,
                              text=True, timeout=600)
    finally:
        os.unlink(f.name)
    if proc.returncode != 0:
        return None, proc.stderr[-300:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["valid"]:
        return None, "the JavaScript verifier did not verify every credential"
    return (statistics.median(out["first"]), statistics.median(out["repeated"])), ""


def heard_after_commit(n):
    """Milliseconds from the commit of a change by another connection (another process's, as far as this one can
    tell) to its notification heard here: how long a verification may still use what it read before."""
    import psycopg

    from badges import changes

    delays = []
    with psycopg.connect(**changes.own_connection_params()) as other:
        for _ in range(n):
            since = changes.generation()
            sent = time.perf_counter()  # counted from before the statement: its round trip and commit included
            other.execute("UPDATE badges_statuslist SET signed_json = signed_json")
            if not changes.listener.wait_for_change(since, 5):
                raise RuntimeError("a committed change was not heard within 5 s")
            delays.append((time.perf_counter() - sent) * 1000)
            time.sleep(0.01)
    return delays


def side_by_side(count, repeat=500):
    """Issue 13, part 4: the p50 of one verification, the platform's beside the reference and the floor."""
    from badges import jsonld, services, signing, transparency
    from badges.resolver import DatabaseResolver
    from badges.verification import verify_credential
    from lms.accounts.models import User

    user, _ = User.objects.get_or_create(email="bench-holder@example.test")
    creds = [services.issue_credential(user, achievement(), notify=False).credential for _ in range(5 * count + 2)]
    bodies = [c.signed_json.encode("utf-8") for c in creds]
    # A signed tree head covering them: the log check verifies its signature and each inclusion proof (a credential
    # issued since the last head is only "pending", which checks less).
    transparency.publish_tree_head(force=True)
    snapshot = SnapshotResolver(creds)

    def check(resolver):
        def run(body):
            report = verify_credential(body, resolver)
            assert report.verdict == "VALID" and report.check("log").ok and "tree head signed" in report.check(
                "log").detail, (report.reason, report.check("log").detail)
        return run

    def database(body):
        check(DatabaseResolver())(body)

    from django.test import override_settings

    from badges import changes

    check(snapshot)(bodies[-1])  # warm-up: the bundled contexts' processing, the status list's proof
    database(bodies[-2])
    deadline = time.perf_counter() + 10
    while changes.generation() is None and time.perf_counter() < deadline:  # the listener comes up
        time.sleep(0.01)
    listening = changes.generation() is not None
    groups = [bodies[i * count:(i + 1) * count] for i in range(5)]  # each credential verified once per row
    first_snapshot = p50_ms(check(snapshot), groups[0])
    first_db = p50_ms(database, groups[1])
    repeated_snapshot = p50_ms(check(snapshot), [bodies[0]] * repeat)
    repeated_db = p50_ms(database, [bodies[0]] * repeat)
    with override_settings(BADGES_VERIFICATION_LISTENER=False):
        first_unkept = p50_ms(database, groups[4])
        repeated_unkept = p50_ms(database, [bodies[0]] * repeat)
    with jsonld.reference_path():
        reference_snapshot = p50_ms(check(snapshot), groups[2])
        reference_db = p50_ms(database, groups[3])
    delays = heard_after_commit(50) if listening else []

    doc = json.loads(bodies[0])
    proof = doc["proof"][0]
    key = signing.public_key_from_multibase(snapshot.doc["verificationMethod"][-1]["publicKeyMultibase"])
    inputs = signing.hash_inputs({k: v for k, v in doc.items() if k != "proof"},
                                 {k: v for k, v in proof.items() if k != "proofValue"})
    signature = signing.multibase_decode(proof["proofValue"])
    floor = p50_ms(lambda _: key.verify(signature, inputs.hash_data), range(repeat))

    js, why = javascript_reference(creds[:count + 1], repeat)
    print(f"one verification, p50 (ms), {count} credentials each verified once; {repeat} repeats of one")
    print(f"{'':46} {'never seen':>10} {'same bytes':>10}")
    print(f"{'platform, resolver answers in memory':46} {first_snapshot:10.3f} {repeated_snapshot:10.3f}")
    print(f"{'platform, database resolver (PostgreSQL)':46} {first_db:10.3f} {repeated_db:10.3f}"
          + ("" if listening else "   (the listener did not come up: read every time)"))
    print(f"{'  the same, listener off: reads every time':46} {first_unkept:10.3f} {repeated_unkept:10.3f}")
    print(f"{'platform, reference path, answers in memory':46} {reference_snapshot:10.3f} {'':>10}")
    print(f"{'platform, reference path, database resolver':46} {reference_db:10.3f} {'':>10}")
    if js:
        print(f"{'JavaScript reference (Digital Bazaar)':46} {js[0]:10.3f} {js[1]:10.3f}")
    else:
        print(f"JavaScript reference not run: {why}")
    print(f"{'Ed25519 verify alone (floor)':46} {floor:10.3f} {floor:10.3f}")
    print("targets: never seen <= 2 ms, same bytes <= 0.3 ms (status, key and dates checked at every verification)")
    if delays:
        print(f"a change committed by another connection, heard here (ms from sending it, {len(delays)} commits): "
              f"p50 {statistics.median(delays):.2f}, max {max(delays):.2f}")
    if js:
        print(f"ratios (in memory): never seen {first_snapshot / js[0]:.2f} x JavaScript, "
              f"{first_snapshot / floor:.0f} x floor; same bytes {repeated_snapshot / js[1]:.3f} x JavaScript, "
              f"{repeated_snapshot / floor:.1f} x floor")
    print()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    setup_django()
    from django.conf import settings
    from django.test import Client

    settings.RATELIMIT_ENABLE = False  # one client measuring throughput: the per-client rate limit would answer 429
    side_by_side(count)

    from badges import services
    from badges.resolver import verify
    from lms.accounts.models import User

    user, _ = User.objects.get_or_create(email="bench-holder@example.test")
    cred = services.issue_credential(user, achievement(), notify=False).credential
    body = cred.signed_json.encode()
    client = Client()
    assert client.get("/healthz").status_code == 200
    r = client.post("/api/v1/credentials/verify", data=body, content_type="application/json")
    assert r.status_code == 200 and r.json()["verdict"] == "VALID", r.content[:300]
    assert client.get(f"/verify/{cred.pk}/").status_code == 200

    minimal = rps(lambda: client.get("/healthz"), seconds)
    api = rps(lambda: client.post("/api/v1/credentials/verify", data=body, content_type="application/json"), seconds)
    page = rps(lambda: client.get(f"/verify/{cred.pk}/"), seconds)
    print(f"minimal Django view (/healthz)     {minimal:9.1f} req/s")
    print(f"POST /api/v1/credentials/verify    {api:9.1f} req/s   ({api / minimal:.3f} x minimal)")
    print(f"public page /verify/<id>/          {page:9.1f} req/s   ({page / minimal:.3f} x minimal)")

    # Where the time of one verification goes, credentials never seen before (the status list's proof is memoised
    # per exact content).
    n = 30
    fresh = [services.issue_credential(user, achievement(), notify=False).credential.signed_json.encode()
             for _ in range(n)]
    prof = cProfile.Profile()
    prof.enable()
    for raw in fresh:
        assert verify(raw).verdict == "VALID"
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "verify_credential")

    def cumulative(pred):
        return sum(v[3] for k, v in stats.stats.items() if pred(k))

    canon = cumulative(lambda k: k[0].endswith("badges/jsonld.py") and k[2] == "canonicalize")
    urdna = cumulative(lambda k: k[2] == "main" and "canon" in k[0])
    expand = cumulative(lambda k: k[0].endswith("badges/jsonld.py") and k[2] == "expand")
    sha = cumulative(lambda k: "sha256" in k[2] or (k[0] == "~" and "sha256" in k[2]))
    ed = cumulative(lambda k: "Ed25519PublicKey" in k[2] or (k[0] == "~" and "verify" in k[2] and "ed25519" in k[2].lower()))
    if not ed:
        ed = cumulative(lambda k: k[0] == "~" and "'verify' of" in k[2])
    per = total / n * 1000
    print(f"\none verification of a credential never seen, database resolver (in process, profiled): {per:.1f} ms")
    for label, t in (("canonicalisation (RDFC-1.0, all)", canon), ("  of which JSON-LD expansion", expand),
                     ("  of which URDNA2015 proper", urdna), ("SHA-256 hashing", sha), ("Ed25519 verify", ed)):
        print(f"  {label:36s} {t / n * 1000:8.2f} ms  {100 * t / total:5.1f} %")


if __name__ == "__main__":
    main()

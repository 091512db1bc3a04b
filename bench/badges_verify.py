"""Benchmark: verification throughput (requests per second, in-process Django test client, one
process) of POST /api/v1/credentials/verify and of the public page /verify/<id>/, beside a minimal
Django view (/healthz), and the share of verification time spent in RDFC-1.0 canonicalisation,
SHA-256 hashing and Ed25519.

    .venv/bin/python bench/badges_verify.py [seconds per measure, default 5]
"""
import cProfile
import pstats
import sys
import time

from badges_common import achievement, setup_django


def rps(fn, seconds):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    setup_django()
    from django.conf import settings
    from django.test import Client

    settings.RATELIMIT_ENABLE = False  # one client measuring throughput: the per-client rate limit would answer 429

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

    # Where the time of one verification goes (the status list's proof is memoised per exact content).
    prof = cProfile.Profile()
    n = 30
    prof.enable()
    for _ in range(n):
        assert verify(body).verdict == "VALID"
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
    print(f"\none verification (in process, profiled): {per:.1f} ms")
    for label, t in (("canonicalisation (RDFC-1.0, all)", canon), ("  of which JSON-LD expansion", expand),
                     ("  of which URDNA2015 proper", urdna), ("SHA-256 hashing", sha), ("Ed25519 verify", ed)):
        print(f"  {label:36s} {t / n * 1000:8.2f} ms  {100 * t / total:5.1f} %")


if __name__ == "__main__":
    main()

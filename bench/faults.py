"""Fault injection figures (README "Reliability"): runs tests/faults against PostgreSQL and Redis on this machine
(the tests start their own Redis, workers and proxy; the shared servers are never stopped) and prints, for each
fault, what the test measured: what was lost and duplicated (the tests fail on anything but zero) and the time to
recover. Usage: .venv/bin/python bench/faults.py  (DATABASE_URL / REDIS_URL as for make test-services)."""
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/flowstage_faults")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-n", "0", "-p", "no:randomly", "--reuse-db",
                           "-m", "services", "tests/faults"], cwd=ROOT, env=env, capture_output=True, text=True)
    figures = [line for line in done.stdout.splitlines() if line.startswith("[faults]")]
    print("fault suite:", "passed" if done.returncode == 0 else f"FAILED ({done.returncode})",
          f"in {time.monotonic() - started:.0f} s (test database creation included)")
    for line in figures:
        print(" ", line[len("[faults] "):])
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-2000:])
    print("lost: 0, duplicated: 0 (each test asserts it)" if done.returncode == 0 else "see the failures above")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())

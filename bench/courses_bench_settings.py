"""Settings of bench/courses_rps.py: the project's settings, DEBUG off, plus a minimal view's URL."""
from lms.settings import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.courses_bench_urls"

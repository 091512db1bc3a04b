"""Shared fixtures: users per role, the API client, a real Celery worker, a Playwright browser."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory, make_user

ROOT = Path(__file__).resolve().parent.parent
SERVICES_MODE = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """With ``--reuse-db`` the SQLite test database keeps one name per checkout (not per process, lms/settings.py), so
    the next run finds it migrated and skips the minute and more that migrating a new one takes. Two runs at once in
    the same checkout must then not both pass ``--reuse-db``."""
    import hashlib

    db = settings.DATABASES["default"]
    if config.getoption("reuse_db", False) and db["ENGINE"].endswith("sqlite3"):
        tag = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
        db.setdefault("TEST", {})["NAME"] = str(Path(db["TEST"]["NAME"]).with_name(f"flowstage-test-{tag}.sqlite3"))


def pytest_sessionfinish(session, exitstatus):
    """The SQLite test database is a file in WAL mode (lms/settings.py): pytest-django removes the file, not
    the -wal and -shm files SQLite may leave beside it."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and db.get("TEST", {}).get("NAME"):
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db['TEST']['NAME']}{suffix}").unlink(missing_ok=True)


def pytest_collection_modifyitems(config, items):
    skip_services = pytest.mark.skip(reason="services test: set DATABASE_URL and REDIS_URL (make test-services)")
    skip_e2e = pytest.mark.skip(reason=f"e2e test: {CHROMIUM} is missing (.ci/run installs it)")
    for item in items:
        if "services" in item.keywords and not SERVICES_MODE:
            item.add_marker(skip_services)
        if "e2e" in item.keywords and not Path(CHROMIUM).exists():
            item.add_marker(skip_e2e)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Django's default hasher (PBKDF2, 1,000,000 iterations in 5.2) takes about 0.4 s per password set or checked,
    on purpose; the suite sets and checks thousands (every test user, every login, the demo's accounts). Tests hash
    with MD5, as Django's documentation advises for test runs: what is tested is who may sign in, not the cost of
    guessing. The settings (lms/settings.py) keep PBKDF2 for every real run."""
    from django.test import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(autouse=True, scope="session")
def _verification_listener_off():
    """The test suite's transactions are rolled back and never notify: the verification resolver reads everything
    at every verification (badges.changes); so do the servers and workers the tests start (the environment). The
    listener's own tests turn it on, on PostgreSQL, and stop it."""
    from django.test import override_settings

    os.environ["BADGES_VERIFICATION_LISTENER"] = "0"
    off = override_settings(BADGES_VERIFICATION_LISTENER=False)
    off.enable()
    yield
    off.disable()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cached_content():
    """Course content and role sets are cached in each process's memory under shared versions
    (lms/cache_versions.py); each test starts with that memory empty, so nothing cached by an earlier test
    (whose rows were rolled back) is seen again. The shared cache is not cleared: in the services run it
    is Redis, which Celery uses too."""
    from django.core.cache import caches

    from lms import cache_versions

    caches[cache_versions.LOCAL].clear()


@pytest.fixture(autouse=True)
def _rate_limits_off(settings):
    """The public endpoints' rate limits (django-ratelimit) count per client address in the shared cache, and
    every test client is 127.0.0.1: off by default, so tests do not depend on what ran before them in the same
    minute. The rate-limit tests turn it on (settings.RATELIMIT_ENABLE = True) with their own addresses."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _credentials_schema_checked(settings):
    """Every credential the test suite issues is checked against the official Open Badges 3.0
    AchievementCredential JSON Schema (badges/schema.py) by the issuance service: a violation fails the test."""
    settings.BADGES_SCHEMA_CHECK = True


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (French), as a fresh thread does: a test client request to an /en/
    page leaves English active in the thread, and a later test's reverse() or formatting would follow it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def student(db):
    return make_user("student")


@pytest.fixture
def teacher(db):
    return make_user("teacher")


@pytest.fixture
def examiner(db):
    return make_user("examiner")


@pytest.fixture
def school_staff(db):
    return make_user("school_staff")


@pytest.fixture
def employer_user(db):
    return make_user("employer")


@pytest.fixture
def fs_staff(db):
    return make_user("flowstage_staff")


@pytest.fixture
def api_token():
    """Return a function user -> Authorization header dict for the JSON API."""
    from lms.accounts.models import ApiToken

    def make(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    return make


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process, on Redis, reading and writing the test database."""
    if not SERVICES_MODE:
        pytest.skip("needs DATABASE_URL and REDIS_URL")
    from django.db import connection

    from lms.celery import app

    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    env["BADGES_SCHEMA_CHECK"] = "1"  # the worker's credentials are checked against the OB 3.0 schema too
    # A queue of this test process's own, so parallel test runs never take each other's tasks.
    queue = f"test-{os.getpid()}"
    worker_name = f"{queue}@localhost"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "-P", "solo", "--loglevel=WARNING",
         "-n", worker_name, "-Q", queue],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 40
    while time.time() < deadline:
        if proc.poll() is not None:
            app.conf.task_default_queue = previous_queue
            raise RuntimeError(f"celery worker died with exit code {proc.returncode}")
        if app.control.ping(destination=[worker_name], timeout=0.5):
            break
    else:
        proc.kill()
        raise RuntimeError("celery worker did not answer ping in time")
    yield proc
    app.conf.task_default_queue = previous_queue
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser():
    """Headless Debian chromium driven by Playwright."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def screenshot_dir():
    d = ROOT / "var" / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def login_in_browser(page, live_server_url, email, password="pass-Word-1234", lang_prefix=""):
    page.goto(f"{live_server_url}{lang_prefix}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")


def ensure_wagtail_tree():
    """Recreate what Wagtail's migrations create (root collection, locales, root page, default site).

    A transactional test (live_server, e2e) ends with a flush that empties every table; data made by
    migrations is gone for the tests that follow, while post_migrate handlers (roles) run again."""
    from django.conf import settings as dj_settings
    from wagtail.models import Collection, Locale, Page, Site

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    for code, _name in dj_settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if Site.objects.exists():
        return
    locale = Locale.objects.get(language_code=dj_settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = root.get_children().first() or root.add_child(
        instance=Page(title="Flow Stage Academy", slug="home", locale=locale)
    )
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                        site_name="Flow Stage Academy")


@pytest.fixture(autouse=True)
def _wagtail_tree_after_flush(request):
    """Before each transactional test, put back the Wagtail tree an earlier flush removed."""
    if not ({"transactional_db", "live_server"} & set(request.fixturenames)):
        marker = request.node.get_closest_marker("django_db")
        if not (marker and marker.kwargs.get("transaction")):
            return
    request.getfixturevalue("transactional_db")
    ensure_wagtail_tree()


@pytest.fixture(autouse=True)
def _celery_eager_unless_real_worker(request):
    """Tasks run in-process, except in tests that start a real worker (`celery_worker_process`).

    In the services run the settings point Celery at Redis; a test that does not start a worker
    would otherwise publish tasks nobody consumes and wait forever on their results."""
    from lms.celery import app

    if "celery_worker_process" in request.fixturenames:
        yield
        return
    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def broker_down():
    """Celery as in the services mode (not eager), its broker an address where nothing listens (Redis down)."""
    from lms.celery import app
    from tests.faults.conftest import free_port

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app._pool, app.amqp._producer_pool = None, None
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    yield
    app._pool, app.amqp._producer_pool = None, None
    app.conf.update(broker_url=saved[0], task_always_eager=saved[1])

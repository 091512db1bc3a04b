"""The authorisation matrix (tests/security/authz_matrix.py) walked against the real URL conf: every URL pattern and
every API operation has a row, and every role gets the answer its row says (issue 10, "One place for who may do
what")."""
import re
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import translation

from tests.security import authz_world
from tests.security.authz_matrix import ALLOWED, DEBUG_ONLY, MATRIX, OUTSIDERS, PREFIXES, PRIVATE_MARKS, ROLES


def resolver_routes(resolver=None, prefix=""):
    """Every URL pattern of the URL conf, its route spelled as the included patterns joined (French: no prefix)."""
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from resolver_routes(p, route)
        else:
            yield route


def api_operations():
    """(method, route) of every operation of the JSON API, from its OpenAPI schema, spelled as the resolver does."""
    from lms.api import api

    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path.lstrip("/")


def _normalise(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def answer_class(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return "login" if "/accounts/login/" in response.headers.get("Location", "") else "redirect"
    return str(response.status_code)


def test_every_url_pattern_and_api_operation_has_a_row():
    with translation.override("fr"):
        routes = set(resolver_routes())
    rows = {row.route for row in MATRIX}
    missing = sorted(r for r in routes if r not in rows and not r.startswith(PREFIXES))
    assert not missing, f"URL patterns without a row in tests/security/authz_matrix.py: {missing}"
    stale = sorted(r for r in rows - routes - DEBUG_ONLY if not r.endswith("*"))
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"

    api_rows = {(row.method, _normalise(row.route)) for row in MATRIX if row.route.startswith("api/v1/")}
    operations = {(m, _normalise(r)) for m, r in api_operations()}
    assert not (operations - api_rows), f"API operations without a row: {sorted(operations - api_rows)}"
    assert len(MATRIX) * len(ROLES) >= 67 * 13 and len(ROLES) >= 13
    assert len({row.key for row in MATRIX}) == len(MATRIX), "two rows for one route and method"
    assert not [row.route for row in MATRIX if "500" in row.expect.values()], "a server error is never expected"


def test_the_walk_fails_on_a_wrong_row():
    """The classes the walk compares: a redirect to the login page is told from any other redirect."""
    class R:
        def __init__(self, code, location=""):
            self.status_code, self.headers = code, {"Location": location}

    assert answer_class(R(302, "/accounts/login/?next=/x/")) == "login"
    assert answer_class(R(302, "/exams/attempts/1/result/")) == "redirect"
    assert answer_class(R(403)) == "403"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            started = time.monotonic()
            users, ids = authz_world.build()
            yield users, ids, time.monotonic() - started
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_matrix_walk(world):
    users, ids, build_seconds = world
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        if users[role] is not None:
            clients[role].force_login(users[role])
    wrong, requests = [], 0
    started = time.monotonic()
    for row in MATRIX:
        url = row.path.format(**ids)
        api = row.route.startswith("api/")
        for role in ROLES:
            expected = row.expect[role]
            if expected == ALLOWED:
                continue  # a role allowed to change state: never sent by the walk
            if row.method == "GET":
                response = clients[role].get(url)
            else:
                response = clients[role].generic(
                    row.method, url, data=row.body or ("{}" if api else ""),
                    content_type="application/json" if api else "application/x-www-form-urlencoded")
            requests += 1
            got = answer_class(response)
            if got != expected:
                wrong.append(f"{row.method} {url} as {role}: expected {expected}, got {got}")
            elif got == "200" and role in OUTSIDERS and row.expect["anonymous"] != "200":
                body = b"".join(response.streaming_content) if response.streaming else response.content
                shown = [m for m in PRIVATE_MARKS if m.lower().encode() in body.lower()]
                if shown:
                    wrong.append(f"{row.method} {url} as {role}: shows school A's student ({', '.join(shown)})")
    seconds = time.monotonic() - started
    print(f"authz walk: {requests} requests, {len(MATRIX)} rows × {len(ROLES)} roles, world {build_seconds:.1f} s, "
          f"walk {seconds:.1f} s")
    assert not wrong, "\n".join(wrong)

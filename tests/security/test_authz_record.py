import json, time
import pytest
from django.db import transaction
from django.test import Client
import sys; sys.path.insert(0, "/tmp")
from paths import PATHS
from tests.security import authz_world

ROLES = ["anonymous","student","other_student","teacher","other_teacher","examiner","other_examiner","staff",
         "other_staff","employer","other_employer","flowstage_staff","superuser"]

def klass(r):
    if r.status_code in (301, 302, 303):
        loc = r.headers.get("Location", "")
        return "login" if "/accounts/login/" in loc else "redirect"
    return str(r.status_code)

@pytest.mark.django_db
def test_record():
    t = time.time()
    users, ids = authz_world.build()
    print("world", time.time() - t)
    clients = {}
    for role, u in users.items():
        c = Client(raise_request_exception=False)
        if u: c.force_login(u)
        clients[role] = c
    out = {}
    t = time.time()
    for route, method, path in PATHS:
        url = path.format(**ids)
        row = {}
        for role in ROLES:
            with transaction.atomic():
                r = clients[role].generic(method, url, data="{}" if route.startswith("api/") and method != "GET" else "",
                                          content_type="application/json" if route.startswith("api/") else "application/x-www-form-urlencoded")
                transaction.set_rollback(True)
            row[role] = klass(r)
        out[f"{method} {route}"] = row
    print("walk", time.time() - t)
    json.dump(out, open("/tmp/authz_record.json", "w"), indent=0)

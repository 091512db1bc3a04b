"""A key is published once when none can sign, however many issuers find it so at the same moment (the services
run's concurrent issuance once published two keys numbered 2 and failed one issuer)."""
import threading

import pytest
from django.db import connection, connections

from badges import services
from badges.models import SigningKey

pytestmark = pytest.mark.django_db


def retire_every_key():
    services.signing_key()
    SigningKey.objects.update(status=SigningKey.Status.RETIRED)


def test_every_key_retired_publishes_one_successor_not_one_per_call():
    retire_every_key()
    with pytest.raises(services.KeyNotReady) as first:
        services.signing_key()
    with pytest.raises(services.KeyNotReady) as second:
        services.signing_key()
    assert SigningKey.objects.count() == 2, "the second call waits for the successor the first one published"
    assert first.value.retry_at == second.value.retry_at == SigningKey.objects.get(number=2).usable_from


def test_create_key_when_needed_returns_the_key_published_just_before():
    retire_every_key()
    published = services.create_key(unless_one_can_sign=True)
    assert services.create_key(unless_one_can_sign=True) == published
    assert SigningKey.objects.count() == 2
    assert services.create_key().number == 3, "a planned rotation always publishes"


def run_at_once(target, n=4):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("before", ["no key yet", "every key retired"])
def test_concurrent_issuers_publish_one_key(before):
    if connection.vendor == "sqlite":
        pytest.skip("needs a database with row locks and concurrent connections (services run)")
    if before == "every key retired":
        retire_every_key()
    keys_before = SigningKey.objects.count()
    results, errors = run_at_once(lambda: services.signing_key().pk)
    assert SigningKey.objects.count() == keys_before + 1
    new = SigningKey.objects.order_by("-number").first()
    if before == "no key yet":
        assert errors == [] and results == [new.pk] * 4, "every issuer signs with the one first key"
    else:
        assert results == [] and len(errors) == 4
        assert all(isinstance(e, services.KeyNotReady) and e.retry_at == new.usable_from for e in errors), errors

"""Enqueue a Celery task without letting a broker outage fail the request that asked for it.

Tasks are enqueued after the transaction that made them necessary commits (``transaction.on_commit``). When the
broker (Redis) is down, Celery's publish fails after a few quick retries; raised from an on-commit callback, that
would answer the request with a 500 although its work was committed. ``enqueue`` logs the failure and returns False
instead (the fault tests found worse: Celery's Redis result backend subscribed to the task's result first, tried
to reconnect 20 times a second apart, then raised "the Celery application must be restarted"; nobody reads the
result of an enqueued task, so it is published with ``ignore_result``). The work is not lost, because each app's
periodic sweep finds what its task should have done from the rows themselves (``badges.services.sweep``: a passed
attempt without its credential, a due e-mail, a stale bulk job) and does it once the broker is back. Only the broker's errors are caught: an error of the task itself (run
in-process in the embedded mode) still propagates.
"""
import logging

import kombu.exceptions
import redis.exceptions

log = logging.getLogger(__name__)

BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, ConnectionError, TimeoutError)
# A publish while the broker is down waits at most about this long before giving up (retries 0.1 s, 0.2 s).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.1, "interval_max": 0.2}


def enqueue(task, *args) -> bool:
    """``task.delay(*args)`` (``task``: a task, or a task's name for ``send_task``); False (logged) when the broker
    could not take it."""
    try:
        if isinstance(task, str):
            from lms.celery import app

            app.send_task(task, args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY, ignore_result=True)
        else:
            task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY, ignore_result=True)
        return True
    except BROKER_ERRORS as exc:
        log.warning("could not enqueue %s%r (%s): the periodic sweep will do it", getattr(task, "name", task), args,
                    exc)
        return False

"""Fault injection (services run): a private Redis the tests stop and start, Celery workers they SIGKILL, a TCP
proxy in front of PostgreSQL they cut. Nothing here touches the machine's shared PostgreSQL or Redis servers."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, step: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence: stop() and start() at will."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(self.ping, 10, what="redis-server")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is missing")
    r = PrivateRedis(tmp_path_factory.mktemp("redis"))
    r.start()
    yield r
    r.stop()


@contextmanager
def celery_on(url: str):
    """This process's Celery app publishing to ``url`` (a private Redis), on a queue of its own."""
    from lms.celery import app

    def reset():
        # Only dropped, not closed: kombu keeps pools in a registry by URL, and the next test on the same private
        # Redis must not be handed a closed one.
        app._pool = None
        app.amqp._producer_pool = None
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    saved = (app.conf.broker_url, app.conf.result_backend, app.conf.task_default_queue,
             app.conf.task_always_eager, app.conf.task_eager_propagates)
    reset()
    queue = f"faults-{os.getpid()}"
    app.conf.update(broker_url=url, result_backend=url, task_default_queue=queue, task_always_eager=False,
                    task_eager_propagates=False)
    try:
        yield queue
    finally:
        reset()
        app.conf.update(broker_url=saved[0], result_backend=saved[1], task_default_queue=saved[2],
                        task_always_eager=saved[3], task_eager_propagates=saved[4])


def database_url(port=None) -> str:
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A Celery worker process (with its beat when ``beat``) on the private Redis; ``kill()`` is a SIGKILL of its
    whole process group, as the kernel's OOM killer or a lost machine would do."""

    def __init__(self, redis_url: str, queue: str, tmp: Path, *, beat: bool = False, env: dict | None = None):
        self.redis_url, self.queue, self.tmp, self.beat = redis_url, queue, tmp, beat
        self.extra_env = env or {}
        self.proc = None
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        self.n = 0

    def env(self) -> dict:
        from django.conf import settings

        env = dict(os.environ)
        env.update({
            "DATABASE_URL": database_url(), "REDIS_URL": self.redis_url, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(self.mail_dir),
            # a task whose worker died is delivered again after 3 s; its heartbeat is stale after 2 s
            "CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1", "BADGES_SWEEP_SECONDS": "1", "BADGES_SWEEP_GRACE_SECONDS": "2",
            "QUEUE_SWEEP_SECONDS": "1", "QUEUE_SWEEP_GRACE_SECONDS": "2",
            # an e-mail claimed by a worker killed before sending it is taken over after 5 s (600 s by default)
            "BADGES_EMAIL_CLAIM_TIMEOUT_SECONDS": "5",
            "PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL,
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60, ping: bool = True):
        """Start the worker; ``ping``: wait until it answers (not on a restart: a solo worker busy with a
        redelivered task answers no ping until the task ends; the test watches the work instead)."""
        from lms.celery import app

        self.n += 1
        name = f"{self.queue}-{self.n}@localhost"
        cmd = [sys.executable, "-m", "celery", "-A", "lms", "worker", "-P", "solo", "--loglevel=WARNING",
               "-n", name, "-Q", f"{self.queue},celery"]  # celery: where its beat sends (a private Redis)
        if self.beat:
            cmd += ["-B", "-s", str(self.tmp / f"beat-{self.n}")]
        log = open(self.tmp / f"worker-{self.n}.log", "wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while ping and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker died: {(self.tmp / f'worker-{self.n}.log').read_text()[-2000:]}")
            if app.control.ping(destination=[name], timeout=0.5):
                return self
        if not ping:
            return self
        self.kill()
        raise RuntimeError("celery worker did not answer ping in time")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def mails(self) -> list[str]:
        """The recipients of every e-mail sent by the worker (the file-based backend: one file per message)."""
        out = []
        for f in self.mail_dir.iterdir():
            for line in f.read_text(errors="replace").splitlines():
                if line.startswith("To: "):
                    out.append(line[4:].strip())
        return out


class Proxy:
    """A TCP proxy in front of PostgreSQL: ``cut()`` closes every connection and refuses new ones (a restart or a
    network cut, as the application sees it), ``restore()`` lets them through again."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.open = True
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(64)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.open = False
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def restore(self):
        self.open = True

    def close(self):
        self.running = False
        self.cut()
        self.server.close()

# Flow Stage Academy — everything a newcomer needs, from a fresh clone with Python 3.11.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/flowstage
REDIS ?= redis://127.0.0.1:6379/0
# Where `make run` serves (e.g. make run PORT=8101, or HOST=0.0.0.0 PUBLIC_BASE_URL=http://192.168.1.20:8000).
HOST ?= 127.0.0.1
PORT ?= 8000
# The public address signed into credentials issued by this run (issuer did:web, credential ids):
# the served address unless given.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-services test-faults test-e2e install migrate seed messages bench clean chromium

$(VENV)/.installed: pyproject.toml requirements.lock requirements-dev.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	$(PIP) install -q --no-deps -r requirements-nodeps.txt
	touch $@

## The independent JavaScript verifier and wallet of the slow tests (tests/badges/node: Digital Bazaar's libraries and
## Sphereon's OpenID for VCI client, pinned by its package-lock.json), installed into var/node_verifier only when Node.js and npm are present.
NODE_VERIFIER := var/node_verifier
$(NODE_VERIFIER)/.installed: tests/badges/node/package.json tests/badges/node/package-lock.json
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	  mkdir -p $(NODE_VERIFIER) && cp tests/badges/node/package.json tests/badges/node/package-lock.json tests/badges/node/*.mjs $(NODE_VERIFIER)/ \
	  && (cd $(NODE_VERIFIER) && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null) \
	  && sha256sum < tests/badges/node/package-lock.json | cut -d' ' -f1 | tr -d '\n' > $@; \
	else echo "!! node/npm missing: the independent JS verifier tests (slow) will be skipped"; fi

install: $(VENV)/.installed $(NODE_VERIFIER)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(PY) manage.py seed_demo

## Run the platform with demo data on http://$(HOST):$(PORT) (SQLite, Celery eager; default 127.0.0.1:8000).
run: seed
	PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

CHROMIUM ?= /usr/bin/chromium

## Debian's chromium for the e2e tests: installed when missing and this user may (root with apt-get);
## otherwise say which tests will be skipped and how to get them.
chromium:
	@test -x $(CHROMIUM) && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "== installing Debian's chromium for the e2e tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core >/dev/null; } \
	  || echo "!! could not install chromium: the e2e tests will be skipped"; \
	else \
	  echo "!! $(CHROMIUM) is missing: the e2e (browser) tests will be skipped and listed as such."; \
	  echo "   To run them: sudo apt-get install chromium fonts-dejavu-core"; \
	fi

## The whole test suite on the embedded default (services tests need `make test-services`).
test: install chromium
	$(PY) -m pytest -n 2 -q

## Same suite against PostgreSQL and Redis with a real Celery worker, services tests included.
test-services: install
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(PY) -m pytest -n 2 -q -m "not e2e and not demo"

## Fault injection only (worker killed, Redis down, PostgreSQL cut, backup/restore): README "Reliability".
test-faults: install
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(PY) -m pytest -q -s -m services tests/faults

test-e2e: install chromium
	$(PY) -m pytest -q -m e2e

## Recompile translations after editing the .po files.
messages: install
	$(PY) manage.py compilemessages --ignore=.venv

BENCHES := courses_rps exams_autosave exams_regrade badges_verify badges_dos badges_bulk badges_log dashboard_render careers_matching

## Benchmarks (PostgreSQL + Redis on this machine; minutes each). One: make bench BENCHES=exams_regrade
bench: install
	for b in $(BENCHES); do echo "== $$b"; $(PY) bench/$$b.py || exit 1; done

clean:
	rm -rf var/db.sqlite3 var/media var/static

# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/facturen
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test install lock messages system-deps services lint clean

# pip on this machine warns about local index folders that do not exist; keep the output quiet.
PIP_QUIET := 2>&1 | { grep -v 'is ignored: it is neither' || true; }; test $${PIPESTATUS[0]} -eq 0

# The development lock (requirements/dev.txt: the runtime lock's packages plus the test, lint,
# benchmark and lock tools), every file checked against its hash. psycopg2 is built from source
# against the system's libpq, as in the image: system_deps.py brings libpq-dev and a compiler.
# An older .venv has the psycopg2-binary wheel, whose files (the same psycopg2 package) the
# build would overwrite and a later removal delete: both go first, psycopg2 is built anew.
$(VENV)/.installed: requirements/dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) scripts/system_deps.py --build
	@if $(PY) -m pip show -q psycopg2-binary 2>/dev/null; then \
		$(PY) -m pip uninstall -qq -y psycopg2-binary psycopg2; fi
	@$(PY) -m pip install -q --disable-pip-version-check --require-hashes \
		-r requirements/dev.txt $(PIP_QUIET)
	@touch $@

install: $(VENV)/.installed

# Recompile the three locks from requirements/*.in after changing a pin there; unpinned
# dependencies keep their locked versions unless LOCK_ARGS=--upgrade. Against PyPI alone: this
# machine's local package folders would add hashes of files no other machine has.
PIP_COMPILE := cd requirements && env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null \
	CUSTOM_COMPILE_COMMAND="make lock" ../$(VENV)/bin/pip-compile -q --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock: install
	@$(PIP_COMPILE) -o runtime.txt runtime.in
	@$(PIP_COMPILE) -o dev.txt dev.in
	@$(PIP_COMPILE) -o build.txt build.in

# System packages the product needs beside Python: gettext (translations), WeasyPrint's
# libraries and fonts, docker-compose (the compose-file check).
system-deps:
	@$(PY) scripts/system_deps.py

messages: install system-deps
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

WEB_PORT ?= 8000
SANDBOX_PORT ?= 8765
SANDBOX_DB := var/sandbox.sqlite3
SANDBOX_ACCOUNT := var/sandbox-account.json

# The demo books into the local e-Boekhouden sandbox (settings read these two variables).
run: export EBH_DEMO_SANDBOX_URL = http://127.0.0.1:$(SANDBOX_PORT)
run: export EBH_DEMO_ACCOUNT_FILE = $(SANDBOX_ACCOUNT)
run: export SITE_URL = http://127.0.0.1:$(WEB_PORT)
run: install messages
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) -m ebh_sandbox add-account --db $(SANDBOX_DB) --username demo --if-missing \
		> $(SANDBOX_ACCOUNT)
	@PYTHONPATH=. $(PY) scripts/with_sandbox.py $(SANDBOX_DB) $(SANDBOX_PORT) \
		$(PY) manage.py load_demo
	@echo "e-Boekhouden sandbox: $$EBH_DEMO_SANDBOX_URL/ (watch the bookings arrive there)"
	@echo "  sandbox account: $$(cat $(SANDBOX_ACCOUNT))"
	@echo "Starting web, worker, beat and the e-Boekhouden sandbox. Ctrl-C stops everything."
	@DJANGO_DEBUG=true WEB_PORT=$(WEB_PORT) SANDBOX_PORT=$(SANDBOX_PORT) \
		$(VENV)/bin/honcho -f Procfile start

services: install
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) scripts/ensure_services.py

test: install messages services
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest -n 2 --dist loadgroup

lint: install
	@$(VENV)/bin/ruff check .

clean:
	rm -rf var staticfiles

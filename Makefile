# Stellwerk — every command people and CI run. `make run` and `make test` need only
# Python 3.12 (pyenv: see .python-version), Node/npm and make.

PYTHON_BOOT ?= python3.12
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Every target here is development or CI: DEBUG on unless the caller says otherwise (the settings
# fail closed: without DEBUG set, production defaults and the refusal of the dev SECRET_KEY).
export DEBUG ?= true

.PHONY: install run test lint format template-lines typecheck checks pytest messages lock clean \
        bench-import bench-documents bench-web bench-chaos bench-relevance bench-report \
        bench-search prod-check

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed messages

messages: $(VENV)/.installed
	@$(PY) scripts/compile_messages.py

lock: $(VENV)/.installed
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.12 --generate-hashes -o requirements.lock -q

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data
	$(MANAGE) demo_workflows
	@scripts/start_unoserver.sh || true
	@$(MANAGE) demo_logins --url http://$(HOST):$(PORT)/
	@# The demo's closed cases are all younger than a year: a shorter offer period lets the
	@# archive hand-over show some of them (docs/archive.md).
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
	ARCHIVE_OFFER_AFTER_DAYS=$${ARCHIVE_OFFER_AFTER_DAYS:-300} \
	$(MANAGE) runserver $(HOST):$(PORT)

# Templates are indented by djhtml (two spaces); it only indents, so long lines are split by hand
# and `make template-lines` (part of `make lint`) lists those still over 200 characters.
DJHTML := $(VENV)/bin/djhtml --tabwidth 2

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DJHTML) --check templates/
	$(PY) scripts/check_template_lines.py templates/

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(DJHTML) templates/

template-lines: $(VENV)/.installed
	$(PY) scripts/check_template_lines.py templates/

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy .

checks: install
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

pytest: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck checks pytest

bench-import: install
	$(PY) scripts/bench_import.py

bench-documents: install
	$(PY) scripts/bench_documents.py

bench-web: install
	$(PY) scripts/bench_web.py

# The production stack (Procfile) with production settings, smoke-tested; CI runs it after `test`.
prod-check: install
	$(PY) scripts/prod_check.py

# Killed workers and a Redis restart (its own redis-server): nothing stuck, lost or doubled.
bench-chaos: install
	$(PY) scripts/bench_chaos.py

bench-relevance: install
	$(PY) scripts/bench_relevance.py

bench-report: install
	$(PY) scripts/bench_report.py

bench-search: install
	$(PY) scripts/bench_search.py

clean:
	rm -rf $(VENV) node_modules staticfiles var .mypy_cache .ruff_cache .pytest_cache

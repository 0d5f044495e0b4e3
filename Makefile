# Sanità33: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check -q

.PHONY: run test test-embedded lint format bench clean install install-dev backup restore lock audit

run: $(VENV)/.runtime
	$(PY) manage.py serve_site

# Two pytest-xdist workers (the machines have 2 cores); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(VENV)/.dev var/node/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# HTML, accessibility, sitemap-schema and Lighthouse checkers from the npm registry. Without npm
# those tests skip locally; under CI=true they fail instead.
var/node/.installed: tests/node/package.json
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p var/node && cp tests/node/package.json var/node/package.json && \
		npm install --no-audit --no-fund --loglevel=error --prefix var/node && touch $@; \
	else echo "npm not found: the HTML, accessibility, sitemap-schema and Lighthouse checks will be skipped"; fi

# The embedded-database path: migrations plus the smoke tests, on a fresh data directory.
test-embedded: $(VENV)/.dev
	rm -rf var/ci-embedded
	env -u DATABASE_URL EMBEDDED_PGDATA=$(CURDIR)/var/ci-embedded/pgdata VAR_DIR=$(CURDIR)/var/ci-embedded \
		$(PY) -m pytest -m smoke -p no:xdist $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.dev
	$(PY) -m tests.benchmarks.run $(BENCH_ARGS)

# The configured database (pg_dump) and MEDIA_ROOT (tar) into var/backups/<time>/, or
# BACKUP=folder; `make restore BACKUP=folder` needs an empty database and media folder.
backup: $(VENV)/.runtime
	$(PY) manage.py backup_site $(BACKUP)

restore: $(VENV)/.runtime
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder>" >&2; exit 2; }
	$(PY) manage.py restore_site "$(BACKUP)"

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	@touch $@

# Installs come from the locks only: every package pinned, every file hashed.
$(VENV)/.runtime: requirements.lock | $(VENV)/.python
	$(PIP) install --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock | $(VENV)/.python
	$(PIP) install --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.runtime

# After editing requirements*.txt: recompile the locks against PyPI alone (a local pip
# mirror or find-links must not leak into them). LOCK_ARGS=--upgrade-package=NAME moves one.
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile \
	--quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)

lock: $(VENV)/.dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

# Known vulnerabilities of every locked package (PyPI's advisory data). --strict: a
# package the service could not check fails the audit instead of passing unseen.
audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit --strict --disable-pip --require-hashes \
		-r requirements.lock -r requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# NRTD task runner. The README names the two commands that matter: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test install lint format static messages lock migrate bench clean help backup restore

help:
	@echo "make run    - set up everything and start NRTD with a demo on http://127.0.0.1:$${PORT:-8000}"
	@echo "make test   - set up everything the tests need and run the whole suite"
	@echo "make lint   - ruff, and the layers of the apps (import-linter)"
	@echo "make messages - extract and compile the interface translations"
	@echo "make bench  - run the benchmarks in bench/"

run: install static
	$(BIN)/python -m nrtd.devtools run

test: install static browser
	$(BIN)/python -m nrtd.devtools test $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	touch $@

# Front-end packages come from the npm registry, pinned in package-lock.json, and are copied
# into static/vendor: nothing is loaded from a CDN.
static: static/vendor/htmx.min.js

static/vendor/htmx.min.js: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

# Whole-installation backup and restore (docs/operations.md), with the environment of the site
# (DATABASE_BACKUP_URL; DATABASE_ADMIN_URL for the restore): make backup DEST=/backups/2026-12-06
backup: install
	$(BIN)/python manage.py backup $(DEST)

# make restore FROM=/backups/2026-12-06 DATABASE=nrtd_restored
restore: install
	$(BIN)/python manage.py restore $(FROM) --database $(DATABASE)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd $(CURDIR) && NRTD_MODE=development DATABASE_URL=postgresql://x@localhost/x $(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules --ignore=.data
	cd $(CURDIR) && NRTD_MODE=development DATABASE_URL=postgresql://x@localhost/x $(BIN)/python manage.py compilemessages --ignore=.venv

# Regenerate requirements.lock from pyproject.toml's ranges (newest versions that fit).
lock:
	rm -rf /tmp/nrtd-lock && $(PYTHON) -m venv /tmp/nrtd-lock
	/tmp/nrtd-lock/bin/pip install --quiet --upgrade pip
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))' > /tmp/nrtd-lock/direct.txt
	/tmp/nrtd-lock/bin/pip install --quiet --requirement /tmp/nrtd-lock/direct.txt
	/tmp/nrtd-lock/bin/pip freeze | sort --ignore-case > requirements.lock

bench: install
	@echo "see bench/README.md"

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles

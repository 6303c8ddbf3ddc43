# Two commands matter: `make demo` and `make test` (see README). The others are helpers.
#   make demo        build (once) and serve the demo city on http://127.0.0.1:8000
#   make demo-reset  throw the demo database away and build it again
#   make test        install what the suite needs, run checks, lint and the whole suite
#   make lint        ruff check + ruff format --check + lint-imports (the layer contract)
#   make format      ruff format + ruff check --fix
#   make messages    extract and compile translations (zh_Hans, en)
#   make bench       the benchmark (bench/run.sh)
#   make gallery     screenshots of the main pages for reviewers (gallery/index.html)
#   make services-start / services-stop   the test servers (PostgreSQL, ...) by hand

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Reinstall only when pyproject.toml changes: the stamp's name carries a hash of it (a hash,
# not a timestamp, because a fresh clone gives every file a new mtime).
DEPS_HASH := $(shell (sha256sum pyproject.toml 2>/dev/null || shasum -a 256 pyproject.toml) | cut -c1-16)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(DEPS_HASH)
TEST_STAMP := $(VENV)/.installed-test-$(DEPS_HASH)

# The demo runs on SQLite at the repository root, whatever DATABASE_URL the shell has.
DEMO_ADDR ?= 127.0.0.1:8000
DEMO_DATABASE_URL ?= sqlite:///$(CURDIR)/db.sqlite3
DEMO_ENV := DJANGO_SETTINGS_MODULE=portal.settings.dev DATABASE_URL=$(DEMO_DATABASE_URL)

# Test runs: the PostgreSQL started by scripts/pg.sh; PYTEST_ARGS narrows the run.
TEST_DATABASE_URL ?= postgres://portal:portal@127.0.0.1:54329/portal
PYTEST_ARGS ?=

.PHONY: demo demo-setup demo-reset serve install install-test test test-deps \
	services-start services-stop lint format messages bench clean gallery

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	rm -f $(VENV)/.installed-runtime-*
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-test-* $(VENV)/.installed-runtime-*
	touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)
install-test: $(TEST_STAMP)

# ---- the demo -------------------------------------------------------------------------

demo: demo-setup
	@echo "Serving the demo on http://$(DEMO_ADDR)/ (admin at /admin/; Ctrl-C stops it)"
	$(DEMO_ENV) $(MANAGE) runserver $(DEMO_ADDR)

# flite speaks the captcha for people who cannot read it; without it (no root, no network)
# the demo still runs and the form simply offers no audio link.
demo-setup: install
	@scripts/system-deps.sh --optional flite pango cjk-fonts
	$(DEMO_ENV) $(BIN)/python scripts/demo_setup.py --addr $(DEMO_ADDR)

# Throws the demo city away and builds it again (same seed, same data).
demo-reset: install
	@scripts/system-deps.sh --optional flite pango cjk-fonts
	$(DEMO_ENV) $(BIN)/python scripts/demo_setup.py --reset --addr $(DEMO_ADDR)
	@$(MAKE) --no-print-directory demo

# Screenshots of the main pages (phone and laptop, Chinese and English, normal and high
# contrast) in gallery/, for reviewers; the demo city is built first if needed.
gallery: install-test
	@scripts/system-deps.sh chromium cjk-fonts
	$(DEMO_ENV) $(BIN)/python scripts/gallery.py

serve: install
	$(DEMO_ENV) $(MANAGE) runserver $(DEMO_ADDR)

# ---- tests ----------------------------------------------------------------------------

test-deps: install-test
	scripts/system-deps.sh postgresql chromium flite cjk-fonts pango

test: test-deps
	DATABASE_URL=$(TEST_DATABASE_URL) scripts/run-tests.sh $(PYTEST_ARGS)

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# ---- translations and the benchmark ----------------------------------------------------

messages: install
	scripts/system-deps.sh gettext
	$(DEMO_ENV) $(MANAGE) makemessages -l zh_Hans -l en --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=bench --ignore=gallery
	$(DEMO_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

bench: install
	bench/run.sh

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache

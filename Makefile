# Redress: `make demo` runs the whole product locally; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export DEBUG ?= 1
export DEMO_PORT ?= 8000
# Two workers; tests marked slow share one of them (see tests/conftest.py).
PYTEST_ARGS ?= -n 2 --dist loadgroup

HTMX_VERSION := 2.0.11
PICO_VERSION := 2.1.1
CHARTJS_VERSION := 4.6.1
# axe-core checks the pages' accessibility in the browser tests (not shipped).
AXE_VERSION := 4.11.0
AXE_JS := var/npm/axe-core-$(AXE_VERSION)/package/axe.min.js

.PHONY: demo test install lint format vendor axe clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## demo: migrate, load demo data, run web + Celery worker + beat until Ctrl-C (or SIGTERM).
## Emailed links point at the demo's own port unless SITE_URL says otherwise.
demo: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	exec env SITE_URL="$${SITE_URL:-http://127.0.0.1:$(DEMO_PORT)}" PATH=$(CURDIR)/$(BIN):$$PATH \
		$(BIN)/python bin/demo.py

## test: the layer contracts, then the whole suite (PostgreSQL/Redis/Chromium tests
## need DATABASE_URL/REDIS_URL).
test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

## messages: collect the marked strings into locale/de and compile the catalogues (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=docs
	$(BIN)/python manage.py compilemessages --ignore=.venv

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## vendor: fetch the front-end libraries from the npm registry into static/vendor.
vendor:
	rm -rf var/npm && mkdir -p var/npm static/vendor
	cd var/npm && npm pack --silent htmx.org@$(HTMX_VERSION) @picocss/pico@$(PICO_VERSION) chart.js@$(CHARTJS_VERSION) >/dev/null
	cd var/npm && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar -xzf "$$f" -C "$${f%.tgz}"; done
	cp var/npm/htmx.org-$(HTMX_VERSION)/package/dist/htmx.min.js static/vendor/htmx.min.js
	cp var/npm/picocss-pico-$(PICO_VERSION)/package/css/pico.min.css static/vendor/pico.min.css
	cp var/npm/chart.js-$(CHARTJS_VERSION)/package/dist/chart.umd.min.js static/vendor/chart.umd.min.js
	cp var/npm/picocss-pico-$(PICO_VERSION)/package/LICENSE.md static/vendor/pico.LICENSE.md
	cp var/npm/chart.js-$(CHARTJS_VERSION)/package/LICENSE.md static/vendor/chart.js.LICENSE.md
	cp var/npm/htmx.org-$(HTMX_VERSION)/package/LICENSE static/vendor/htmx.LICENSE

## axe: fetch axe-core from the npm registry into var/npm (the browser tests run it).
axe: $(AXE_JS)
	cp $(AXE_JS) var/npm/axe.min.js

$(AXE_JS):
	mkdir -p var/npm
	cd var/npm && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	mkdir -p var/npm/axe-core-$(AXE_VERSION)
	tar -xzf var/npm/axe-core-$(AXE_VERSION).tgz -C var/npm/axe-core-$(AXE_VERSION)

clean:
	rm -rf $(VENV) var/npm

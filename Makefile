# kbsite: `make run` serves the site, `make test` runs the whole suite. Both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test test-fast lint format bench migrate content static superuser messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-prod: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-prod

migrate: $(VENV)/.installed-prod
	$(PY) manage.py migrate --noinput

content: migrate
	$(PY) manage.py loadcontent

static: $(VENV)/.installed-prod
	$(PY) manage.py collectstatic --noinput --verbosity 0

## run: install, migrate, load content/, collect static files, serve with daphne on :8000
run: content static
	@echo "kbsite on http://$(HOST):$(PORT)/"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) --websocket-max-message-size 65536 kbsite.asgi:application

## dev: autoreloading development server (daphne's runserver) with KB_DEBUG=1
dev: $(VENV)/.installed-dev
	KB_DEBUG=1 $(PY) manage.py migrate --noinput
	KB_DEBUG=1 $(PY) manage.py loadcontent
	KB_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite (browser tests use Debian's /usr/bin/chromium when present).
## Browser tests run in their own pytest process: Playwright's sync API keeps an event loop
## alive in the worker, which would break the asyncio tests that came after it.
test: $(VENV)/.installed-dev
	$(PY) -m pytest -q -n 2 -m "not browser"
	$(PY) -m pytest -q -n 2 --dist loadfile -m browser

test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest -q -x -m "not browser and not slow"

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: every benchmark in bench/ (prints figures; never pass/fail)
bench: $(VENV)/.installed-dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

superuser: migrate
	$(PY) manage.py createsuperuser

## messages: re-extract and compile translations (needs GNU gettext; the .mo files are committed)
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles

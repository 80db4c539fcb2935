# StudySmart: `make run` starts everything on embedded defaults, `make test` runs every test.
# Both create the virtual environment and install the pinned dependencies themselves.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Installed from the lock (exact versions and hashes); the stamp changes when the lock does.
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) | cksum | cut -d' ' -f1)
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; v = sys.version_info[:2]; sys.exit(not (3, 11) <= v < (3, 14))' 2>/dev/null \
	&& echo $$p && break; done)
PYTEST_ARGS ?=

# Everything but the browser, worker-process, shared-data and deployment tests.
FAST_MARKERS := not browser and not worker and not shared_data and not deployment

.PHONY: run test test-fast lint lock bench venv clean-venv

venv: $(STAMP)

$(STAMP): $(LOCK)
	@test -n "$(PYTHON)" || { echo "StudySmart needs Python 3.11 to 3.13 on PATH." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if [ "$$(uname -sm)" = "Linux x86_64" ]; then \
		$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK); \
	else \
		echo "The lock covers Linux x86_64 (tensorflow-cpu's wheels): installing requirements-dev.txt's pins." >&2; \
		$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt; \
	fi
	@rm -f $(VENV)/.installed-* && touch $@

# Regenerate the lock after changing requirements*.txt (the platforms: [tool.uv] in pyproject.toml).
# Needs only uv, so it also repairs a lock that a merge left unusable.
lock:
	@test -x $(VENV)/bin/uv || { test -x $(PY) || $(PYTHON) -m venv $(VENV); \
		$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8; }
	$(VENV)/bin/uv pip compile --universal --generate-hashes --python-version 3.11 \
		requirements-dev.txt -o $(LOCK)

# A local checkout's settings: .env.example with a generated SECRET_KEY (studysmart/envfile.py).
.env: | $(STAMP)
	$(PY) -m studysmart.envfile

run: $(STAMP) .env
	$(PY) manage.py start_all

# mypy loads the settings (django-stubs): a throwaway key, and no .env, keep it independent of
# the environment it runs in.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	STUDYSMART_ENV_FILE= SECRET_KEY=type-checking-only $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# --dist loadgroup: the tests marked xdist_group("…") run on one worker as one unit, scheduled
# first (the largest groups first); every other test is handed out on its own. The TensorFlow
# tests form one group, so only one worker imports TensorFlow and traces the model.
test-fast: $(STAMP)
	$(PY) -m pytest -m "$(FAST_MARKERS)" -n auto --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)

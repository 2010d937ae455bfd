# Two commands on a fresh machine: `make run` (the dashboard) and `make test` (everything).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: run check test lint bench load chromium haproxy postgresql cluster axe clean calibrate

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,calibrate,cluster]'
	touch $@

run: $(STAMP)
	$(VENV)/bin/pico-widget serve --port $(PORT)

chromium:
	bash .ci/ensure-chromium

haproxy:
	bash .ci/ensure-haproxy

# PostgreSQL's server for the outcomes tests, which start their own (tests/postgres_server.py).
postgresql:
	bash .ci/ensure-postgresql

# Three replicas behind HAProxy on https://127.0.0.1:8443 sharing a local PostgreSQL for the
# outcomes (data kept in .cluster/postgres; docs/deploy.md); Ctrl-C stops all of it.
cluster: $(STAMP) haproxy postgresql
	$(PY) -m deploy.cluster --postgresql

# axe-core from npm for the accessibility test, cached in the virtualenv (not in the wheel).
axe: $(STAMP)
	VENV=$(VENV) bash .ci/ensure-axe

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# The edit loop (under 2 minutes on 2 cores): lint, import contracts, types, unit and property
# tests, the tests spread over every core (-n auto; tests/conftest.py leaves the browser
# tests' modules unimported when they are deselected).
check: lint postgresql
	$(VENV)/bin/pytest -n auto -m "not browser and not slow"

# Everything, browsers included: what CI runs.
test: $(STAMP) chromium haproxy postgresql axe lint
	$(VENV)/bin/pytest

bench: $(STAMP) chromium
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts .cluster

load: $(STAMP) chromium haproxy
	$(PY) -m benchmarks.load

# Refit the model to data/evidence.toml: data/fitted.toml, docs/calibration.md, the plot,
# each study's offset for the evidence view (data/study_offsets.toml), then validate the
# "this clinic" band (data/this_clinic.toml: simulated clinics, and studies standing in for
# clinics), then the model page's tables.
calibrate: $(STAMP)
	$(PY) -m pico_widget.fit
	$(PY) -m pico_widget.fit.study_offsets
	$(PY) -m pico_widget.fit.clinic_sbc
	$(PY) -m pico_widget.fit.clinic_retrospective
	$(PY) -m pico_widget.render.model_page

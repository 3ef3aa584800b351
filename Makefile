# The two commands of the README:
#   make run    set up, build/refresh the index, start the web app on http://127.0.0.1:7860
#   make test   set up (with test tools and the browser), run the test suite and the quality gate
PY := .venv/bin/python
export OMP_WAIT_POLICY := PASSIVE
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE ?= 1

.PHONY: run test setup index clean-index

setup:
	@bash scripts/setup.sh app

index: setup
	@$(PY) -m ingest

run: index
	$(PY) app.py

test:
	@bash scripts/setup.sh test
	@bash scripts/browser.sh
	.venv/bin/lint-imports --no-cache --no-logo
	$(PY) -m pytest -q
	$(PY) -m evals --quiet --gate

clean-index:
	rm -rf index

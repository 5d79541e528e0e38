# The two commands: `make run` serves the demo workshop (with the task worker), `make test` runs the tests.
PORT ?= 8000
PY := .venv/bin/python

.PHONY: run test setup setup-dev

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh --dev

run: setup
	@$(PY) manage.py migrate --no-input -v 0
	@$(PY) manage.py load_demo
	@echo ""
	@echo "  Future Center is running at http://127.0.0.1:$(PORT)/"
	@echo "  Facilitator login: demo / demo-facilitator"
	@echo "  Participants join at http://127.0.0.1:$(PORT)/join/ with the code shown on the workshop page."
	@echo ""
	@PYTHON_BIN=$(PY) scripts/run.sh $(PORT)

test: setup-dev
	@$(PY) -m pytest $(PYTEST_ARGS)

# Two commands for a fresh machine with only python3:
#   make run    the app with demo data at http://127.0.0.1:5000
#   make test   lint and every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint serve worker db seed clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core and the Nu HTML checker for the browser tests, from the npm registry (needs node and npm).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser tests will be skipped (install nodejs and npm to run them)"; fi

db: $(VENV)/.installed
	@mkdir -p instance
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo --if-empty

# Serves the app and, beside it, the mail worker (which prints emails to this terminal in development)
# and the events tick (which passes on unclaimed seat offers and sends the day-before reminders).
run: seed
	@echo "PMO Flashmob on http://127.0.0.1:5000  (demo sign-ins are in README.md; Ctrl-C stops)"
	@$(FLASK) outbox send --loop --interval 2 & worker=$$!; \
	$(FLASK) events tick --loop --interval 60 & ticker=$$!; \
	trap 'kill $$worker $$ticker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev node_modules/.installed lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The production benchmark (bench/http_bench.py, not part of `make test`): gunicorn with the production
# settings on a PostgreSQL database of its own (flashmob_bench, seeded once by `flask seed-bench` and kept),
# loaded over HTTP; prints a table and writes it at the end of bench/RESULTS.md. Several minutes at full
# size; `make bench BENCH_SCALE=0.01 BENCH_SECONDS=2` is a quick look. BENCH_DATABASE_URL names the server.
BENCH_SCALE ?= 1
BENCH_SECONDS ?= 10
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
# Redis for the app's caches and limits, as production has (empty: none).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/13
bench: $(VENV)/.installed
	BENCH_SCALE=$(BENCH_SCALE) BENCH_SECONDS=$(BENCH_SECONDS) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) \
		BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python -m bench.http_bench

clean:
	rm -rf $(VENV) node_modules instance/flashmob.db test-artifacts .pytest_cache

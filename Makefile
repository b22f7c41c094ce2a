# Task runner. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
PY := .venv/bin/python

help: ## List the targets
	@grep -E '^[a-z][a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: ## Install system packages (Debian) and the locked Python dependencies
	bash scripts/bootstrap.sh

demo: install ## Install, migrate SQLite, seed demo data and run the web app on :8000
	bash scripts/demo.sh

test: install ## Install and run the whole test suite (lint, checks, pytest on PostgreSQL/Redis/Celery)
	bash scripts/test.sh

lint: ## ruff lint + format check
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: ## Apply ruff format and autofixes
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

typecheck: ## mypy with django-stubs
	.venv/bin/mypy .

messages: ## Extract and compile the Dutch translations
	$(PY) manage.py makemessages -l nl --ignore=node_modules --ignore=.venv && $(PY) manage.py compilemessages --ignore=.venv

screenshots: ## Full-page PNGs of the main pages per demo role (1280 and 390 px) in screenshots/
	$(PY) scripts/screenshots.py

bench: ## Run the case-list benchmark against PostgreSQL
	bash scripts/bench.sh

bench-budget: ## Run the budget dashboard benchmark (1 000 000 declaration lines) against PostgreSQL
	bash scripts/services.sh && .venv/bin/python bench/budget.py

worker: ## Run a Celery worker (needs Redis)
	.venv/bin/celery -A socialdomain worker -l info

.PHONY: help install demo test lint format typecheck messages screenshots bench bench-budget worker

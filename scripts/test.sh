#!/usr/bin/env bash
# The whole test suite: static checks, Django checks, then pytest against the real
# PostgreSQL, Redis and an in-process Celery worker, with browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
bash scripts/services.sh
# The streaming replica behind the `reporting` alias (tests/deploy/test_replica.py).
bash scripts/replica.sh

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy"; .venv/bin/mypy .

echo "==> Django checks"
export DJANGO_SETTINGS_MODULE=socialdomain.settings.test
.venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/python manage.py check
# The production settings must pass the deployment checklist without warnings.
DJANGO_SETTINGS_MODULE=socialdomain.settings.production SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  ALLOWED_HOSTS=example.invalid FIELD_ENCRYPTION_KEYS="$(head -c 32 /dev/urandom | base64)" \
  BLIND_INDEX_KEY="$(head -c 32 /dev/urandom | base64)" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING

echo "==> pytest"
WORKERS="${PYTEST_WORKERS:-2}"
.venv/bin/pytest -n "$WORKERS" --create-db -p no:cacheprovider "$@"

#!/usr/bin/env bash
# The demo: SQLite, tasks in-process (no broker), demo data, development server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=socialdomain.settings.dev
PORT="${PORT:-8000}"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo
echo
echo "==> Open http://127.0.0.1:${PORT}/ and log in with one of the demo users above."
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"

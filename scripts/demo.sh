#!/usr/bin/env bash
# The demo: SQLite, tasks in-process (no broker), demo data, development server.
# It runs with DEBUG=false so that it looks like the product: the Dutch 404/403/500 pages
# instead of Django's debug page (which lists every URL pattern). WhiteNoise serves the
# static files (collected once here, and straight from the source folders through
# WHITENOISE_USE_FINDERS, so edited CSS shows after a restart). `DEBUG=true make demo`
# brings the debug page back for development.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=socialdomain.settings.dev
export DEBUG="${DEBUG:-false}"
PORT="${PORT:-8000}"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py seed_demo
echo
echo "==> Open http://127.0.0.1:${PORT}/ and log in with one of the demo users above."
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"

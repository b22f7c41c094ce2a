#!/usr/bin/env bash
# The demo: SQLite, tasks in-process (no broker), demo data, served like the product.
#
# It runs with DEBUG=false behind gunicorn (the production WSGI server, also used by the
# Dockerfile), so it shows the Dutch 404/403/500 pages instead of Django's debug page
# (which lists every URL pattern) and its log holds no development-server warning.
# WhiteNoise serves the static files: collected once here, and straight from the source
# folders too (WHITENOISE_USE_FINDERS), so edited CSS shows after a restart.
# `DEBUG=true make demo` runs Django's development server with the debug page instead.
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
if [ "${DEBUG}" = "true" ]; then
  exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
fi
# One worker with threads: SQLite allows one writer at a time, the demo has one user.
exec .venv/bin/gunicorn socialdomain.wsgi --bind "127.0.0.1:${PORT}" --workers 1 --threads 4 --log-level info

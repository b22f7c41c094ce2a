#!/usr/bin/env bash
# The one way to build the static files: collectstatic with the PRODUCTION settings, so
# that whitenoise's CompressedManifestStaticFilesStorage writes the hashed, compressed
# copies and staticfiles.json that production's {% static %} needs. Used by the
# Dockerfile and by CI (tests/deploy/test_production_server.py).
#   STATIC_ROOT=/some/dir bash scripts/build-static.sh    (default: ./staticfiles)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python; fi
fi
# The production settings refuse to load without their secrets. collectstatic reads none
# of them, so placeholders stand in when the build has no real ones (a Docker build
# never should): they exist only for this command and end up in no file.
export DJANGO_SETTINGS_MODULE=socialdomain.settings.production
export SECRET_KEY="${SECRET_KEY:-build-only-not-a-secret}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost}"
export FIELD_ENCRYPTION_KEYS="${FIELD_ENCRYPTION_KEYS:-YnVpbGQtb25seS1ub3QtYS1rZXktYnVpbGQtb25seS0=}"
export BLIND_INDEX_KEY="${BLIND_INDEX_KEY:-build-only-not-a-key}"
"$PYTHON" manage.py collectstatic --noinput --clear -v 0
root="$("$PYTHON" -c 'from django.conf import settings; import django; django.setup(); print(settings.STATIC_ROOT)')"
test -s "$root/staticfiles.json" || { echo "FAIL: no staticfiles.json manifest in $root" >&2; exit 1; }
echo "==> static files built into $root (manifest: $(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['paths']))" "$root/staticfiles.json") files)"

#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: system packages,
# uv, the locked Python dependencies (uv.lock, with hashes) and the compiled translations.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

APT_PACKAGES=(libpq-dev libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core chromium)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Wait (up to 5 minutes) for another apt/dpkg run to release its lock instead of failing
  # at once (unattended-upgrades often holds it on a freshly booted machine).
  APT=(apt-get -o DPkg::Lock::Timeout=300)
  $SUDO "${APT[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv"
  python3 -m pip install --quiet "uv==0.13.8"
fi

echo "==> installing Python dependencies (uv.lock)"
uv sync --frozen --quiet

echo "==> compiling translations"
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

#!/usr/bin/env bash
# Refresh the vendored front-end assets from npm (package.json pins the versions).
# The copies under static/vendor/ are committed so that installing the app needs no npm.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
cp node_modules/axe-core/axe.min.js static/vendor/axe.min.js
cp node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht-components.css
cp node_modules/@utrecht/design-tokens/dist/theme.css static/vendor/utrecht-theme.css
cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js
# The npm builds point at source maps (`//# sourceMappingURL=…`) that we do not vendor.
# collectstatic with the manifest storage (production) rewrites such references and fails
# on a missing file, so the references are stripped here, at vendoring time.
for f in static/vendor/*.js static/vendor/*.css; do
  sed -i -E '/^[[:space:]]*(\/\/[#@] sourceMappingURL=.*|\/\*[#@] sourceMappingURL=.*\*\/)[[:space:]]*$/d' "$f"
done
if grep -l "sourceMappingURL" static/vendor/*; then
  echo "FAIL: a vendored file still references a source map" >&2; exit 1
fi
echo "vendored into static/vendor/"

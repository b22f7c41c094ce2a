#!/usr/bin/env bash
# Load benchmark of whole requests: production settings, gunicorn with 1, 2 and 4 sync
# workers, PostgreSQL with the demo data plus 50 000 synthetic cases, wrk on loopback.
# Prints req/s, p50/p99 latency and CPU per request for home, the case list and a case
# page. Bounded: DURATION seconds per page and worker count (default 10, ~2.5 minutes).
#   bash bench/load.sh [--reuse] [--duration 10] [--workers "1 2 4"] [--cases 50000]
# Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sd_load),
# BENCH_REDIS_URL (default $REDIS_URL or redis://127.0.0.1:6379/0), BENCH_PORT (8099).
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

DURATION=10; WORKERS="1 2 4"; CASES=50000; REUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    --reuse) REUSE="--reuse"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# Install step: wrk from Debian; the Python environment.
if ! command -v wrk >/dev/null 2>&1; then
  echo "==> installing wrk (Debian)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
bash scripts/services.sh
[ -x .venv/bin/python ] || uv sync --frozen
PY=.venv/bin/python

# Production settings with bench-only values (loopback, no TLS: the proxy header stands
# in for the TLS proxy). The encryption key is fixed so that --reuse keeps BSNs readable.
export DJANGO_SETTINGS_MODULE=socialdomain.settings.production
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sd_load}"
export REDIS_URL="${BENCH_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379/0}}"
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)"
export ALLOWED_HOSTS=localhost
export FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1rZXktbmV2ZXItcHJvZHVjdGlvbiE="
export BLIND_INDEX_KEY=bench-only-blind-index-key
export SECURE_SSL_REDIRECT=false
export LOG_LEVEL=WARNING
unset OTP_REQUIRED CONN_MAX_AGE DEBUG REPORTING_DATABASE_URL
PORT="${BENCH_PORT:-8099}"
BASE="http://127.0.0.1:$PORT"
TMP="$(mktemp -d)"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "==> data: $DATABASE_URL (${CASES} synthetic cases + demo data)"
$PY bench/load_setup.py --cases "$CASES" $REUSE >"$TMP/setup.env"
# shellcheck disable=SC1091
source "$TMP/setup.env"
echo "==> $TOTAL_CASES cases; the list user sees $LISTER_VISIBLE of them"
echo "==> static files (production storage)"
STATIC_ROOT="$TMP/static" bash scripts/build-static.sh >/dev/null
export STATIC_ROOT="$TMP/static"

HDR=(-H "Host: localhost" -H "X-Forwarded-Proto: https")
declare -A PAGES=([home]="/" [list]="/dossiers/" [case]="$CASE_URL")
declare -A COOKIE=([home]="$SESSION_REGISSEUR" [list]="$SESSION_LISTER" [case]="$SESSION_REGISSEUR")
declare -A EXPECT=([home]="<main" [list]="B-0" [case]="<h1")

ticks() {  # utime+stime (clock ticks) of the given pids
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$sum"
}
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
db_name="${DATABASE_URL##*/}"
pg_pids() { pgrep -f "postgres: .* postgres $db_name " || true; }
to_ms() {  # wrk's "6.08ms" / "850.00us" / "1.20s" → milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}
HZ="$(getconf CLK_TCK)"

echo "==> load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; wrk -t1, ${DURATION}s per row"
printf '\n%-8s %-5s %5s %9s %8s %8s %10s %10s %10s %7s\n' workers page conns "req/s" "p50 ms" "p99 ms" "app ms/req" "db ms/req" "all ms/req" errors
for w in $WORKERS; do
  $PY -m gunicorn socialdomain.wsgi --bind "127.0.0.1:$PORT" --workers "$w" --log-level warning >"$TMP/gunicorn.log" 2>&1 &
  GUNICORN_PID=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "${HDR[@]}" "$BASE/health" && break; sleep 0.2; done
  conns=$((w * 2 > 4 ? w * 2 : 4))
  for page in home list case; do
    url="$BASE${PAGES[$page]}"
    cookie="Cookie: __Host-sessionid=${COOKIE[$page]}"
    # The session must really be logged in and verified: a redirect would be measured as success.
    status="$(curl -s -o "$TMP/page.html" -w '%{http_code}' "${HDR[@]}" -H "$cookie" "$url")"
    if [ "$status" != 200 ] || ! grep -q "${EXPECT[$page]}" "$TMP/page.html"; then
      echo "FAIL: $page answered $status" >&2; tail -n 20 "$TMP/gunicorn.log" >&2; exit 1
    fi
    wrk -t1 -c"$conns" -d2s "${HDR[@]}" -H "$cookie" "$url" >/dev/null  # warm-up: connections, caches
    workers_pids=($(pgrep -P "$GUNICORN_PID" || true))
    a0="$(ticks "$GUNICORN_PID" "${workers_pids[@]}")"; d0="$(ticks $(pg_pids))"; m0="$(machine_busy)"
    wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 5s --latency "${HDR[@]}" -H "$cookie" "$url" >"$TMP/wrk.txt"
    a1="$(ticks "$GUNICORN_PID" "${workers_pids[@]}")"; d1="$(ticks $(pg_pids))"; m1="$(machine_busy)"
    rps="$(awk '/^Requests\/sec/{print $2}' "$TMP/wrk.txt")"
    total="$(awk '/requests in/{print $1}' "$TMP/wrk.txt")"
    p50="$(to_ms "$(awk '$1=="50%"{print $2}' "$TMP/wrk.txt")")"
    p99="$(to_ms "$(awk '$1=="99%"{print $2}' "$TMP/wrk.txt")")"
    errors="$(awk '/Non-2xx/{print $NF}' "$TMP/wrk.txt")"
    per() { awk -v t="$1" -v n="$total" -v hz="$HZ" 'BEGIN { printf "%.1f", n ? t * 1000 / hz / n : 0 }'; }
    printf '%-8s %-5s %5s %9s %8s %8s %10s %10s %10s %7s\n' "$w" "$page" "$conns" "$rps" "$p50" "$p99" \
      "$(per $((a1 - a0)))" "$(per $((d1 - d0)))" "$(per $((m1 - m0)))" "${errors:-0}"
  done
  kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""
  if grep -q Traceback "$TMP/gunicorn.log"; then echo "FAIL: the server logged an error" >&2; cat "$TMP/gunicorn.log" >&2; exit 1; fi
done
echo
echo "==> load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "app ms/req: CPU of the gunicorn processes; db ms/req: CPU of this database's PostgreSQL backends;"
echo "all ms/req: CPU of the whole machine (wrk, Redis and other users included) per request."

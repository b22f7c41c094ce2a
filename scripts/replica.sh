#!/usr/bin/env bash
# A local streaming replica of the machine's PostgreSQL, for the `reporting` database alias
# (docs/deployment.md, "Local simulation"). Idempotent: does nothing when the replica is
# already streaming; (re)builds it with `pg_basebackup -R` when it is missing or broken.
# Fails loudly when it cannot: the replica test must never skip.
#   bash scripts/replica.sh            start (or check) the replica on 127.0.0.1:5433
#   bash scripts/replica.sh stop       stop it (the data directory stays)
# Environment: PRIMARY_PORT (5432), REPLICA_PORT (5433), REPLICA_DATA
# (/var/lib/postgresql/sd-replica-$REPLICA_PORT).
set -euo pipefail

PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
DATA="${REPLICA_DATA:-/var/lib/postgresql/sd-replica-$REPLICA_PORT}"
LOG="$DATA.log"
NAME="sd_replica_$REPLICA_PORT"

# Several callers at once (CI, then each pytest worker) wait for each other.
exec 9>"/tmp/sd-replica-$REPLICA_PORT.lock"
flock -w 300 9

as_pg() {
  if [ "$(id -un)" = postgres ]; then "$@"
  elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
  else sudo -u postgres "$@"; fi
}
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -XAtq -c "$1"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -XAtq -c "$1" 2>/dev/null; }
in_recovery() { [ "$(replica 'SELECT pg_is_in_recovery()')" = "t" ]; }
streaming() {
  [ "$(primary "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$NAME' AND state = 'streaming'")" != "0" ]
}
healthy() { in_recovery && streaming; }
wait_healthy() {
  for _ in $(seq 1 "$1"); do healthy && return 0; sleep 1; done
  return 1
}

VERSION="$(primary 'SHOW server_version_num')"
VERSION="${VERSION:0:2}"
BIN="/usr/lib/postgresql/$VERSION/bin"
[ -x "$BIN/pg_ctl" ] || { echo "FAIL: no PostgreSQL $VERSION server binaries in $BIN" >&2; exit 1; }

if [ "${1:-start}" = stop ]; then
  [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop
  exit 0
fi

if healthy; then
  echo "==> replica: 127.0.0.1:$REPLICA_PORT is streaming from :$PRIMARY_PORT"
  exit 0
fi

# The primary must allow streaming replication (PostgreSQL's defaults do: wal_level
# replica, 10 WAL senders); changing those needs a restart, which we do not do here.
wal_level="$(primary 'SHOW wal_level')"
senders="$(primary 'SHOW max_wal_senders')"
if [ "$wal_level" = minimal ] || [ "$senders" = 0 ]; then
  echo "FAIL: the primary has wal_level=$wal_level, max_wal_senders=$senders; set wal_level=replica and" \
    "max_wal_senders>=2 and restart it" >&2
  exit 1
fi
# pg_hba's "all" does not cover replication connections: allow them from loopback
# (trust, like every other loopback connection on this machine; production uses a
# replication role with scram-sha-256, docs/deployment.md).
hba="$(primary 'SHOW hba_file')"
if ! grep -qE '^[[:space:]]*host[[:space:]]+replication[[:space:]]' "$hba"; then
  echo "==> replica: allowing replication connections from 127.0.0.1 in $hba"
  printf '\n# Added by scripts/replica.sh (local streaming replica for tests)\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
  primary 'SELECT pg_reload_conf()' >/dev/null
  sleep 1
fi

# A replica that exists but is stopped: start it and see whether it catches up.
if [ -f "$DATA/standby.signal" ] && ! in_recovery; then
  echo "==> replica: starting the existing cluster in $DATA"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start 9>&- >/dev/null || true
  if wait_healthy 20; then
    echo "==> replica: 127.0.0.1:$REPLICA_PORT is streaming from :$PRIMARY_PORT"
    exit 0
  fi
fi

echo "==> replica: building a fresh streaming replica in $DATA (pg_basebackup -R)"
if [ -f "$DATA/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true; fi
rm -rf "$DATA"
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
# Debian keeps the configuration outside the data directory, so the copy has none: the
# replica gets its own (its port, loopback only). Settings that a hot standby needs at
# least as large as the primary's are copied from it.
{
  echo "# Written by scripts/replica.sh: a hot standby of 127.0.0.1:$PRIMARY_PORT"
  echo "port = $REPLICA_PORT"
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '/var/run/postgresql'"
  echo "cluster_name = '$NAME'"
  echo "hot_standby = on"
  echo "hot_standby_feedback = on"
  echo "shared_buffers = 64MB"
  for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    echo "$setting = $(primary "SHOW $setting")"
  done
} | as_pg tee "$DATA/postgresql.conf" >/dev/null
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_pg tee "$DATA/pg_hba.conf" >/dev/null
as_pg touch "$DATA/pg_ident.conf"
as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start 9>&- >/dev/null || { tail -n 30 "$LOG" >&2; exit 1; }
if ! wait_healthy 60; then
  echo "FAIL: the replica on 127.0.0.1:$REPLICA_PORT does not stream from :$PRIMARY_PORT" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi
echo "==> replica: 127.0.0.1:$REPLICA_PORT is streaming from :$PRIMARY_PORT"

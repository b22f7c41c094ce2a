#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer; start them when they are down (commands from
# the machine description), and fail loudly when they still do not answer.
set -euo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  echo "==> PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! redis_up; then
  echo "==> Redis is down; starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi
pg_up || { echo "FAIL: PostgreSQL at 127.0.0.1:5432 is unreachable" >&2; exit 1; }
redis_up || { echo "FAIL: Redis at 127.0.0.1:6379 is unreachable" >&2; exit 1; }
echo "==> services: PostgreSQL and Redis answer"

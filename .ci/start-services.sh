#!/usr/bin/env bash
# Starts the local Redis and PostgreSQL the tests use, unless they already answer. Safe to run repeatedly.
set -euo pipefail

readonly WAIT_SECONDS=30

redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == PONG ]]; }
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

# wait_for <name> <check-function>
wait_for() {
  local name=$1 check=$2 waited=0
  until "$check"; do
    if ((waited >= WAIT_SECONDS)); then
      echo "$name did not become ready within ${WAIT_SECONDS}s" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "$name is ready"
}

if redis_up; then
  echo "Redis already running on 127.0.0.1:6379"
else
  echo "Starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for Redis redis_up
fi

if postgres_up; then
  echo "PostgreSQL already running on 127.0.0.1:5432"
else
  # The newest installed cluster version, e.g. /etc/postgresql/15.
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Starting PostgreSQL $version on 127.0.0.1:5432"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for PostgreSQL postgres_up
fi

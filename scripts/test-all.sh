#!/usr/bin/env bash
# Quick start, command 2: installs everything the tests need and runs the
# whole suite: format check, lint, type check, unit and integration tests
# (SQLite, plus PostgreSQL when a connection string is given), end to end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh

# The lock file is committed; a stale one must fail rather than be rewritten.
yarn install --immutable

# Backstage's TestDatabases would otherwise try to start databases in Docker
# under CI. PostgreSQL comes from a connection string instead
# (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING), as .ci/run sets it.
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if [ -n "${CI:-}" ] && [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  echo "[test-all] CI is set but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not: the PostgreSQL tests cannot run" >&2
  exit 1
fi
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  echo "[test-all] no PostgreSQL connection string: database tests run on SQLite only" >&2
fi

exec yarn test:all

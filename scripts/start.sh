#!/usr/bin/env bash
# Quick start, command 1: installs everything the portal needs and starts it
# (frontend on :3000, backend on :7007, SQLite in memory, guest sign-in,
# sample organisation loaded).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh

if [ -n "${CI:-}" ]; then
  yarn install --immutable
else
  yarn install
fi
node scripts/build-techdocs.mjs
exec yarn start

#!/usr/bin/env bash
# The whole test suite: type check, build, unit tests of the pure core, then the integration
# suite against real servers (a private Dovecot and SMTP receiver started by the test set-up,
# PostgreSQL at 127.0.0.1:5432 in a fresh database that is dropped afterwards, and SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
npm run --silent build
npx vitest run --project unit
npx vitest run --project integration
node bin/rsvp.js db check

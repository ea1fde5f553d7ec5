#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded on machines without
# access to binaries.prisma.sh. `prisma generate` needs a path here but never runs it; any
# command that would run it fails loudly instead of silently doing nothing.
echo "inbox-rsvp: the native Prisma schema engine is not installed; migrations run through the WASM engine: use 'npx rsvp db migrate' or 'npm run db:diff'" >&2
exit 1

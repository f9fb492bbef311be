#!/usr/bin/env bash
# Runs a command with Node.js 24 first on PATH (see use-node24.sh), whatever node the shell has:
# npm scripts go through it so `npm test` works in a terminal where the machine's Node 20 comes first.
set -euo pipefail
# shellcheck source=./use-node24.sh
. "$(dirname "$0")/use-node24.sh"
exec "$@"

#!/usr/bin/env bash
# `npm start`: the platform on embedded defaults — SQLite under ./.gpuaas, its own OIDC issuer,
# http://127.0.0.1:8080. GPUAAS_PORT and GPUAAS_DATA_DIR override the port and the data folder.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node24.sh
exec node platform/bin/gpuaas-platform.js serve --port "${GPUAAS_PORT:-8080}" --data-dir "${GPUAAS_DATA_DIR:-.gpuaas}" "$@"

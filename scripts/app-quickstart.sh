#!/usr/bin/env bash
# `npm run app:quickstart`: the app workflow in one go:
# scaffold an app from a template (once) and validate it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/use-node24.sh
dir="${1:-.gpuaas/quickstart-app}"
if [ ! -f "$dir/gpuaas-app.yaml" ]; then
  node sdk/cli/bin/gpuaas-app.js init "$dir" --template python-inference --name hello-gpu --publisher demo --yes
fi
node sdk/cli/bin/gpuaas-app.js validate "$dir"

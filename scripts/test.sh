#!/usr/bin/env bash
# The test command (`npm test`): unit tests, integration tests against a real Docker engine, and
# the end-to-end suite through the real Pulumi CLI, in one mocha run sharing one engine.
# PDN_ENGINE=20.10|26.1|28.5|29.8 starts a private engine of that version (and lab hosts of it; see
# scripts/provide-engine.sh); unset, the engine is DOCKER_HOST or /var/run/docker.sock when
# reachable, else a private one of the machine's own dockerd. Root is needed for a private engine.
# Arguments that are paths run those test files only (`npm test -- test/e2e/cli.test.ts`); the
# others go to mocha as they are (`npm test -- --grep=swarm`).
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
specs=()
options=()
for arg in "$@"; do
  case "$arg" in
    -*) options+=("$arg") ;;
    *) specs+=("$arg") ;;
  esac
done
[ ${#specs[@]} -gt 0 ] || specs=('test/unit/**/*.test.ts' 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts')
exec npx mocha -r ts-node/register -r test/support/hooks.ts --reporter test/support/reporter.ts \
  --timeout 120000 "${specs[@]}" ${options[@]+"${options[@]}"}

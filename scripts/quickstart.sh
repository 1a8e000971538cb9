#!/usr/bin/env bash
# The main job: `pulumi up` (or `pulumi destroy`) of the quickstart stack, the root Pulumi.yaml
# (program examples/quickstart/index.ts), against the local Docker engine, with the Pulumi CLI and
# its Node.js language host, as a user runs any Pulumi project:
#   npm run quickstart           # provision what is missing, start two demo containers, pulumi up
#   npm run quickstart:destroy   # pulumi destroy, then remove the demo containers
#   eval "$(bash scripts/quickstart.sh env)"   # this shell runs `pulumi` on the stack by hand:
#                                # PATH, backend, passphrase, and DOCKER_HOST of the engine it uses
# On a fresh Debian machine as root it provisions everything: docker.io and busybox-static from
# apt, Node.js 24 (scripts/provide-node.sh), the Pulumi CLI and language host
# (scripts/provide-pulumi.sh). The engine is DOCKER_HOST, else /var/run/docker.sock; with neither
# answering, a local engine is started for the quickstart (and stopped by destroy).
# The stack `dev` lives in .pulumi-state/ (a local file backend) and its secrets use the
# passphrase "quickstart", whatever backend or passphrase the environment names.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:?usage: quickstart.sh up|destroy|env}
own=/run/pdn-quickstart
image=pdn-quickstart-busybox:1
demo=(qs-web qs-db) # as in Pulumi.dev.yaml
say() { printf 'quickstart: %s\n' "$*" >&2; }

answers() { docker ${1:+-H "$1"} version >/dev/null 2>&1; }
backend="file://$PWD/.pulumi-state"

if [ "$cmd" = env ]; then
  printf 'export PATH=%q:"$PATH"\n' "$(bash scripts/provide-node.sh):$(bash scripts/provide-pulumi.sh 2>/dev/null)"
  printf 'export PULUMI_BACKEND_URL=%q PULUMI_CONFIG_PASSPHRASE=quickstart PULUMI_SKIP_UPDATE_CHECK=true\n' "$backend"
  echo 'unset PULUMI_CONFIG_PASSPHRASE_FILE'
  # The engine `up` used: the one it started when no other answered.
  if [ -z "${DOCKER_HOST:-}" ] && ! answers unix:///var/run/docker.sock && answers "unix://$own/docker.sock"; then
    echo "export DOCKER_HOST=unix://$own/docker.sock"
  fi
  exit 0
fi

missing=()
command -v dockerd >/dev/null || [ -n "${DOCKER_HOST:-}" ] || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or run this as root on Debian"
    exit 1
  fi
  say "installing ${missing[*]} from apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PATH="$(bash scripts/provide-node.sh):$PATH"
PATH="$(bash scripts/provide-pulumi.sh):$PATH"
export PATH
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
# The program and the provider plugin load the library by package name from this directory,
# as from a project that installed it.
[ -e node_modules/pulumi-docker-networking ] || ln -s .. node_modules/pulumi-docker-networking

if [ -z "${DOCKER_HOST:-}" ] && ! answers unix:///var/run/docker.sock; then
  export DOCKER_HOST=unix://$own/docker.sock
  if [ "$cmd" = up ] && ! answers "$DOCKER_HOST"; then
    say "no Docker engine answers: starting one (log: $own/dockerd.log)"
    mkdir -p $own
    nohup dockerd --data-root=/var/lib/pdn-quickstart --exec-root=$own/exec --pidfile=$own/docker.pid \
      --host="$DOCKER_HOST" --bip=10.251.0.1/24 --default-address-pool=base=10.252.0.0/16,size=24 \
      >$own/dockerd.log 2>&1 &
    for _ in $(seq 60); do answers "$DOCKER_HOST" && break; sleep 0.5; done
    answers "$DOCKER_HOST" || { tail $own/dockerd.log >&2; exit 1; }
  fi
fi

export PULUMI_BACKEND_URL="$backend" PULUMI_CONFIG_PASSPHRASE=quickstart PULUMI_SKIP_UPDATE_CHECK=true
unset PULUMI_CONFIG_PASSPHRASE_FILE
mkdir -p .pulumi-state
pulumi stack select --create dev >/dev/null

if [ "$cmd" = up ]; then
  if ! docker image inspect $image >/dev/null 2>&1; then
    rootfs=$(mktemp -d)
    mkdir "$rootfs/bin" && cp /bin/busybox "$rootfs/bin/" && for a in sh ping ip sleep; do ln -s busybox "$rootfs/bin/$a"; done
    tar -C "$rootfs" -c . | docker import - $image >/dev/null && rm -rf "$rootfs"
  fi
  for c in "${demo[@]}"; do
    docker inspect "$c" >/dev/null 2>&1 || docker run -d --name "$c" $image sleep 1d >/dev/null
  done
  pulumi up --yes --stack dev
  echo
  echo "+ docker exec qs-web ping -c1 svc-1   # qs-db, by its alias on the new network"
  docker exec qs-web ping -c1 -W2 svc-1
else
  pulumi destroy --yes --stack dev
  docker rm -f "${demo[@]}" >/dev/null 2>&1 || true
  if [ "${DOCKER_HOST:-}" = "unix://$own/docker.sock" ] && [ -f $own/docker.pid ]; then
    kill "$(cat $own/docker.pid)" && say "stopped the quickstart's local engine"
  fi
fi

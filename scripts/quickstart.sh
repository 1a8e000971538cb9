#!/usr/bin/env bash
# The main job: deploy (`up`) or tear down (`destroy`) the quickstart stack against the local
# Docker engine, with the real Pulumi CLI on a local file backend (no Pulumi account).
#   npm run quickstart           # up: starts two demo containers, plugs them in, prints outputs
#   npm run quickstart:destroy   # destroy, then removes the demo containers
# Engine: DOCKER_HOST, else /var/run/docker.sock; with neither answering, as root with dockerd
# installed, a local engine is started for the quickstart (and stopped by destroy).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:?usage: quickstart.sh up|destroy}
own=/run/pdn-quickstart
image=pdn-quickstart-busybox:1
demo=(qs-web qs-db)

PATH="$(bash scripts/provide-node.sh):$PATH"
PATH="$(bash scripts/provide-pulumi.sh):$PATH"
export PATH
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
# The serialized provider loads the library by package name from the program's directory.
[ -e node_modules/pulumi-docker-networking ] || ln -s .. node_modules/pulumi-docker-networking

answers() { docker ${1:+-H "$1"} version >/dev/null 2>&1; }
if [ -z "${DOCKER_HOST:-}" ] && ! answers unix:///var/run/docker.sock; then
  export DOCKER_HOST=unix://$own/docker.sock
  if [ "$cmd" = up ] && ! answers "$DOCKER_HOST"; then
    command -v dockerd >/dev/null || { echo "no Docker engine: install docker.io or set DOCKER_HOST" >&2; exit 1; }
    mkdir -p $own
    nohup dockerd --data-root=/var/lib/pdn-quickstart --exec-root=$own/exec --pidfile=$own/docker.pid \
      --host="$DOCKER_HOST" --bip=10.251.0.1/24 --default-address-pool=base=10.252.0.0/16,size=24 \
      >$own/dockerd.log 2>&1 &
    for _ in $(seq 60); do answers "$DOCKER_HOST" && break; sleep 0.5; done
    answers "$DOCKER_HOST" || { tail $own/dockerd.log >&2; exit 1; }
  fi
fi

if [ "$cmd" = up ]; then
  if ! docker image inspect $image >/dev/null 2>&1; then
    rootfs=$(mktemp -d)
    mkdir "$rootfs/bin" && cp /bin/busybox "$rootfs/bin/" && for a in sh ping ip sleep; do ln -s busybox "$rootfs/bin/$a"; done
    tar -C "$rootfs" -c . | docker import - $image >/dev/null && rm -rf "$rootfs"
  fi
  for c in "${demo[@]}"; do
    docker inspect "$c" >/dev/null 2>&1 || docker run -d --name "$c" $image sleep 1d >/dev/null
  done
  npx ts-node scripts/quickstart.ts up "${demo[@]}"
  echo
  echo "Try: docker exec qs-web ping -c1 svc-1   # qs-db by its alias on the new network"
else
  npx ts-node scripts/quickstart.ts destroy
  docker rm -f "${demo[@]}" >/dev/null 2>&1 || true
  if [ "${DOCKER_HOST:-}" = "unix://$own/docker.sock" ] && [ -f $own/docker.pid ]; then
    kill "$(cat $own/docker.pid)" && echo "stopped the quickstart's local engine"
  fi
fi

#!/usr/bin/env bash
# Provides the Docker Engine of a given version for the tests (PDN_ENGINE) and prints the root
# filesystem to run its dockerd from:
#
#   scripts/provide-engine.sh 20.10   # the machine's own docker.io (Debian 12), installed when missing; prints /
#   scripts/provide-engine.sh 26.1    # docker.io of Debian trixie, in a debootstrapped root, cached
#   scripts/provide-engine.sh 28.5    # docker.io of Debian sid, likewise
#   scripts/provide-engine.sh 29.8    # Engine 29.8.1 built with Go from the Go module proxy
#                                     # (github.com/moby/moby/v2), in a copy of the 28.5 root
#
# A root is built once (about a minute, ~550 MB) into PULUMI_BIN_CACHE (default
# ~/.cache/pulumi-docker-networking, beside the Pulumi CLI) and reused. Only dockerd and its
# userland (containerd, runc, iptables) come from it; the kernel is the machine's. How the tests
# enter it (pivot_root, not chroot): test/support/dockerd.ts. The version the root holds is checked
# against the one asked for, so a suite that moved on (sid) fails here, saying so, rather than
# testing another engine under this one's name.
set -euo pipefail

version=${1:-${PDN_ENGINE:-20.10}}
cache=${PULUMI_BIN_CACHE:-$HOME/.cache/pulumi-docker-networking}
log() { printf 'provide-engine: %s\n' "$*" >&2; }
export DEBIAN_FRONTEND=noninteractive

case "$version" in
  20.10) suite="" ;;
  26.1) suite=trixie ;;
  28.5) suite=sid ;;
  29.8) suite="" ;;
  *)
    log "unknown engine version \"$version\": use 20.10 (Debian 12's docker.io), 26.1 (trixie), 28.5 (sid) or 29.8 (built from Go modules)"
    exit 2
    ;;
esac

# Engine 29 is in no Debian suite yet. The daemon's Go module v2.0.0-beta.24 is Docker Engine
# 29.8.1 (API 1.56): its dockerd and docker-proxy, built static, replace those of a copy of the
# sid root, whose containerd (2.1) and runc (1.3) it runs with. Built once (5-14 min on 2 CPUs the
# first time, mostly module downloads) and cached; the version is the binary's own word.
MOBY_MODULE=github.com/moby/moby/v2
MOBY_VERSION=v2.0.0-beta.24
MOBY_RELEASE=29.8.1
if [ "$version" = 29.8 ]; then
  root="$cache/engine-$version"
  built_version() { "$1/usr/sbin/dockerd" --version 2>/dev/null | sed -nE 's/^Docker version ([0-9]+\.[0-9]+).*/\1/p'; }
  if [ ! -x "$root/usr/sbin/dockerd" ]; then
    command -v go >/dev/null || { log "Engine 29.8 is built with Go, and there is no go on PATH"; exit 1; }
    log "building dockerd $MOBY_RELEASE from $MOBY_MODULE@$MOBY_VERSION into $root (minutes, once)"
    start=$(date +%s)
    work=$(mktemp -d "$cache/.engine-$version.XXXXXX")
    trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
    src=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$MOBY_MODULE@$MOBY_VERSION" |
      sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
    [ -d "$src" ] || { log "go mod download $MOBY_MODULE@$MOBY_VERSION gave no source directory"; exit 1; }
    # Built as the main module, so that its own go.mod (replaces, exact versions) applies.
    cp -a "$src/." "$work/src"
    chmod -R u+w "$work/src"
    tags='netgo osusergo nri_no_wasm exclude_graphdriver_btrfs'
    (
      cd "$work/src"
      export CGO_ENABLED=0 GOFLAGS=-mod=mod
      go build -trimpath -tags "$tags" -ldflags "-w -X $MOBY_MODULE/dockerversion.Version=$MOBY_RELEASE" \
        -o "$work/dockerd" ./cmd/dockerd
      go build -trimpath -tags "$tags" -ldflags -w -o "$work/docker-proxy" ./cmd/docker-proxy
    ) >"$work/build.log" 2>&1 || {
      tail -n 30 "$work/build.log" >&2
      exit 1
    }
    base=$(bash "$0" 28.5)
    cp -a "$base/." "$work/root"
    install -m 0755 "$work/dockerd" "$work/docker-proxy" "$work/root/usr/sbin/"
    [ "$(built_version "$work/root")" = "$version" ] || {
      log "the dockerd built from $MOBY_MODULE@$MOBY_VERSION says \"$("$work/root/usr/sbin/dockerd" --version)\", not $version"
      exit 1
    }
    rm -rf "$root"
    mv "$work/root" "$root"
    log "built in $(($(date +%s) - start))s"
  fi
  have=$(built_version "$root")
  [ "$have" = "$version" ] || { log "the root at $root holds dockerd $have, not $version"; exit 1; }
  echo "$root"
  exit 0
fi

# The version dockerd in root $1 reports, as MAJOR.MINOR.
engine_version() {
  local dpkg_status="$1/var/lib/dpkg/status"
  awk '/^Package: docker.io$/ {p=1} p && /^Version:/ {print $2; exit}' "$dpkg_status" |
    sed -E 's/^([0-9]+:)?([0-9]+\.[0-9]+).*/\2/'
}

check_version() {
  local have
  have=$(engine_version "$1")
  if [ "$have" != "$version" ]; then
    log "the root at $1 holds docker.io $have, not $version (Debian's ${suite:-bookworm} moved on?): adjust the versions in scripts/provide-engine.sh"
    exit 1
  fi
}

if [ -z "$suite" ]; then
  if ! command -v dockerd >/dev/null && [ ! -x /usr/sbin/dockerd ]; then
    log "installing Debian's docker.io"
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
  fi
  check_version /
  echo /
  exit 0
fi

root="$cache/engine-$version"
if [ ! -x "$root/usr/sbin/dockerd" ]; then
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    apt-get update -qq
    apt-get install -y -qq debootstrap >/dev/null
  }
  # The machine's own Debian mirror (apt's sources); debootstrap's default mirror when none is named.
  mirror=$(grep -hE '^(URIs:|deb) ' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ' || true)
  log "building a $suite root with docker.io into $root (about a minute, once)"
  start=$(date +%s)
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.engine-$version.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase --include=docker.io,iptables,ca-certificates,procps "$suite" "$work" ${mirror:+"$mirror"} >"$work.log" 2>&1 || {
    tail -n 20 "$work.log" >&2
    rm -f "$work.log"
    exit 1
  }
  rm -f "$work.log"
  # Nothing inside runs apt again; its caches only take space.
  rm -rf "$work/var/cache/apt/archives"/*.deb
  check_version "$work"
  rm -rf "$root"
  mv "$work" "$root"
  trap - EXIT
  log "built in $(($(date +%s) - start))s"
fi
check_version "$root"
echo "$root"

#!/usr/bin/env bash
# Provides Terraform's Docker provider (kreuzwerker/docker), the peer the benchmark compares
# against: built with Go from the Go module proxy (its major-version tags are not usable as module
# versions, so a pseudo-version of a commit on its main line) and cached. Prints the path of a
# Terraform CLI configuration file whose dev_overrides point kreuzwerker/docker at the build:
#
#   TF_CLI_CONFIG_FILE="$(scripts/provide-terraform-docker.sh)" terraform apply
#
# Environment: TF_DOCKER_VERSION (a pseudo-version; default the proxy's latest when this was written),
# PULUMI_BIN_CACHE (default ~/.cache/pulumi-docker-networking).
set -euo pipefail

version=${TF_DOCKER_VERSION:-v0.0.0-20260916201441-96d331c98ff4}
cache=${PULUMI_BIN_CACHE:-$HOME/.cache/pulumi-docker-networking}/terraform-provider-docker-$version
log() { printf 'provide-terraform-docker: %s\n' "$*" >&2; }

if [ ! -x "$cache/terraform-provider-docker" ]; then
  command -v go >/dev/null || { log "no Go toolchain to build the provider"; exit 1; }
  log "building kreuzwerker/docker $version with Go (the first build takes minutes)"
  start=$(date +%s)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$cache"
  cd "$work"
  # Its go.mod still names the module github.com/terraform-providers/terraform-provider-docker.
  cat >go.mod <<MOD
module terraform-docker-build

go 1.25

replace github.com/terraform-providers/terraform-provider-docker => github.com/kreuzwerker/terraform-provider-docker $version
MOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/terraform-providers/terraform-provider-docker"\n' >tools.go
  export GOFLAGS=-mod=mod
  go get "github.com/terraform-providers/terraform-provider-docker@$version" >&2
  go build -trimpath -ldflags "-s -w" -o "$cache/terraform-provider-docker" github.com/terraform-providers/terraform-provider-docker >&2
  log "built in $(($(date +%s) - start))s"
fi
cat >"$cache/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "kreuzwerker/docker" = "$cache"
  }
  direct {}
}
RC
echo "$cache/terraformrc"

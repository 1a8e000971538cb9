#!/usr/bin/env bash
# Provides the Pulumi CLI and the dynamic-provider plugin shim (pulumi-resource-pulumi-nodejs).
# Uses the CLI on PATH when present; otherwise builds it with Go from the Go module proxy
# (nothing is downloaded from anywhere else) and caches the binary.
#
#   PATH="$(scripts/provide-pulumi.sh):$PATH"
#
# The Node.js language host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
# is refused by the module proxy here (403 at every tag, commit and pseudo-version tried), so this
# project runs its programs with the Automation API's inline mode, in which the Node.js process
# serves the language runtime to the CLI itself; no language host binary is needed.
#
# Environment: PULUMI_VERSION (default v3.252.0), PULUMI_BIN_CACHE (default ~/.cache/pulumi-docker-networking).
set -euo pipefail

version=${PULUMI_VERSION:-v3.252.0}
cache=${PULUMI_BIN_CACHE:-$HOME/.cache/pulumi-docker-networking}
bin="$cache/pulumi-$version/bin"
log() { printf 'provide-pulumi: %s\n' "$*" >&2; }

write_plugin_shim() {
  # The engine runs dynamic providers through this plugin: node resolves the SDK's
  # dynamic-provider entry point from the program's directory (its node_modules).
  cat >"$1/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
entry=$(node -p "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')" 2>/dev/null) || {
  echo "pulumi-resource-pulumi-nodejs: @pulumi/pulumi is not installed in $PWD or above: run the program from its project directory" >&2
  exit 1
}
exec node "$entry" "$@"
SH
  chmod +x "$1/pulumi-resource-pulumi-nodejs"
}

if command -v pulumi >/dev/null; then
  dir=$(dirname "$(command -v pulumi)")
  if ! command -v pulumi-resource-pulumi-nodejs >/dev/null; then
    mkdir -p "$bin" && write_plugin_shim "$bin" && dir="$dir:$bin"
  fi
  log "using pulumi on PATH ($(pulumi version))"
  echo "$dir"
  exit 0
fi

if [ -x "$bin/pulumi" ]; then
  log "using cached $bin ($("$bin/pulumi" version))"
  write_plugin_shim "$bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { log "no pulumi on PATH and no Go toolchain to build it"; exit 1; }
log "building pulumi $version with Go (the first build takes minutes)"
start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$bin"
cd "$work"
# pkg/v3 and sdk/v3 replace each other by relative path, which only applies in their own repo:
# this wrapper module pins both to the release.
cat >go.mod <<MOD
module pulumi-build

go 1.25

replace (
	github.com/pulumi/pulumi/pkg/v3 => github.com/pulumi/pulumi/pkg/v3 $version
	github.com/pulumi/pulumi/sdk/v3 => github.com/pulumi/pulumi/sdk/v3 $version
	github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
)
MOD
cat >tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
export GOFLAGS=-mod=mod
go get "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version" >&2
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
write_plugin_shim "$bin"
log "built in $(( $(date +%s) - start ))s: $("$bin/pulumi" version)"
echo "$bin"

#!/usr/bin/env bash
# Provides a complete Pulumi installation, as a user has it: the `pulumi` CLI, its Node.js,
# Python, Go and YAML language hosts (`pulumi-language-*`, which run a project's program under
# `pulumi up`), the dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`), and the generator
# of this package's Python and Go SDKs (`pulumi-sdkgen`, from scripts/sdkgen). Whatever
# is not on PATH already is built with Go from the Go module proxy (nothing is downloaded from
# anywhere else) and cached; prints the directory to put first on PATH:
#
#   PATH="$(scripts/provide-pulumi.sh):$PATH"
#
# The CLI is built from github.com/pulumi/pulumi/pkg/v3 at PULUMI_VERSION. The current language
# host module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is refused by
# the module proxy (403 at every version), but SDK releases up to v3.68.0 carried the language
# host inside github.com/pulumi/pulumi/sdk/v3, and those are served: it is built from there
# (PULUMI_LANGUAGE_HOST_SDK). It only starts node on the program runner of the project's own
# installed @pulumi/pulumi, so how a program loads follows that SDK, as for any user.
#
# Environment: PULUMI_VERSION (default v3.252.0), PULUMI_LANGUAGE_HOST_SDK (default v3.68.0),
# PULUMI_BIN_CACHE (default ~/.cache/pulumi-docker-networking).
set -euo pipefail

version=${PULUMI_VERSION:-v3.252.0}
lh_version=${PULUMI_LANGUAGE_HOST_SDK:-v3.68.0}
yaml_version=${PULUMI_YAML_VERSION:-v1.25.0}
go_lh_version=${PULUMI_GO_LANGUAGE_HOST_SDK:-v3.45.0}
cache=${PULUMI_BIN_CACHE:-$HOME/.cache/pulumi-docker-networking}
bin="$cache/pulumi-$version/bin"
log() { printf 'provide-pulumi: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null || [ -x "$bin/$1" ]; }
mkdir -p "$bin"

# Builds package $2 into $bin/$3 inside a throwaway wrapper module whose go.mod is $1 (replaces
# in a dependency's own go.mod do not apply to its users, so the wrapper repeats them); the
# remaining arguments are the module versions to `go get`. LDFLAGS may add link flags;
# PDN_SOURCE names a main.go of this repository to build as the package instead.
go_build() {
  local gomod=$1 pkg=$2 out=$3
  shift 3
  command -v go >/dev/null || { log "$out is missing and there is no Go toolchain to build it"; exit 1; }
  log "building $out with Go from $* (the first build takes minutes)"
  local start work
  start=$(date +%s)
  work=$(mktemp -d)
  (
    trap 'rm -rf "$work"' EXIT
    cd "$work"
    printf '%s\n' "$gomod" >go.mod
    if [ -n "${PDN_SOURCE:-}" ]; then
      cp "$PDN_SOURCE" main.go
    else
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >tools.go
    fi
    export GOFLAGS=-mod=mod
    go get "$@" >&2
    go build -trimpath -ldflags "-s -w ${LDFLAGS:-}" -o "$bin/$out" "$pkg" >&2
  )
  log "built $out in $(($(date +%s) - start))s"
}

cli_gomod="module pulumi-build

go 1.25

replace (
	github.com/pulumi/pulumi/pkg/v3 => github.com/pulumi/pulumi/pkg/v3 $version
	github.com/pulumi/pulumi/sdk/v3 => github.com/pulumi/pulumi/sdk/v3 $version
	github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
)"
if ! have pulumi; then
  LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" go_build "$cli_gomod" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi \
    "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version"
fi

# sdk/v3's own go.mod of that era pins golang.org/x/text by a replace.
lh_gomod="module language-host-build

go 1.21

replace golang.org/x/text => golang.org/x/text v0.3.6"
if ! have pulumi-language-nodejs; then
  go_build "$lh_gomod" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs \
    "github.com/pulumi/pulumi/sdk/v3@$lh_version"
fi

if ! have pulumi-language-python; then
  # The same SDK release carries the Python host; it runs programs through the script
  # pulumi-language-python-exec, which it looks for beside its own binary.
  go_build "$lh_gomod" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python pulumi-language-python \
    "github.com/pulumi/pulumi/sdk/v3@$lh_version"
  install -m 755 "$(go env GOMODCACHE)/github.com/pulumi/pulumi/sdk/v3@$lh_version/python/cmd/pulumi-language-python-exec" "$bin/"
fi

if ! have pulumi-language-go; then
  # The Go host is in sdk/v3 up to v3.64 at least (not from v3.67); its own module is refused by the proxy.
  go_build "$lh_gomod" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go pulumi-language-go \
    "github.com/pulumi/pulumi/sdk/v3@$go_lh_version"
fi

if ! have pulumi-language-yaml; then
  go_build "module language-host-build

go 1.25" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml pulumi-language-yaml \
    "github.com/pulumi/pulumi-yaml@$yaml_version"
fi

# This package's SDK generator (scripts/sdkgen), built against the CLI's own codegen.
if ! have pulumi-sdkgen; then
  PDN_SOURCE="$(cd "$(dirname "$0")" && pwd)/sdkgen/main.go" go_build "$cli_gomod" ./ pulumi-sdkgen \
    "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version"
fi

if ! command -v pulumi-resource-pulumi-nodejs >/dev/null; then
  # The engine runs dynamic providers through this plugin: node resolves the SDK's
  # dynamic-provider entry point from the program's directory (its node_modules).
  cat >"$bin/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
entry=$(node -p "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')" 2>/dev/null) || {
  echo "pulumi-resource-pulumi-nodejs: @pulumi/pulumi is not installed in $PWD or above: run the program from its project directory" >&2
  exit 1
}
exec node "$entry" "$@"
SH
  chmod +x "$bin/pulumi-resource-pulumi-nodejs"
fi

log "pulumi $(PATH="$bin:$PATH" pulumi version), language host $(PATH="$bin:$PATH" command -v pulumi-language-nodejs)"
echo "$bin"

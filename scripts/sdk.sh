#!/usr/bin/env bash
# Builds what programs in other languages install (`npm run sdk`, after `npm run build`), into
# dist/sdk/:
#   pulumi-resource-docker-networking-vVERSION-linux-amd64.tar.gz: the provider plugin (a launcher,
#     the library and its production node_modules; runs on the machine's Node.js >= 22), for
#     `pulumi plugin install resource docker-networking VERSION --file THAT.tar.gz`
#   python/pulumi_docker_networking-VERSION-py3-none-any.whl: the Python SDK, generated from the
#     plugin's schema by Pulumi's own code generator, for `pip install`
#   go/: the Go SDK, a module (`pulumi-docker-networking/sdk/go`) that a program's go.mod takes
#     with a replace of that path by this directory
# Needs pulumi-sdkgen on PATH (scripts/provide-pulumi.sh builds it) and Python 3 with pip.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
out=dist/sdk
rm -rf "$out"
mkdir -p "$out/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The plugin: the library as npm would publish it, installed with its production dependencies.
tgz=$(npm pack --silent --pack-destination "$work" | tail -1)
mkdir "$work/plugin"
printf '{ "private": true, "dependencies": { "pulumi-docker-networking": "file:../%s" } }\n' "$tgz" >"$work/plugin/package.json"
(cd "$work/plugin" && npm install --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error >&2)
cat >"$work/plugin/pulumi-resource-docker-networking" <<'SH'
#!/bin/sh
dir=$(dirname "$(readlink -f "$0")")
exec node "$dir/node_modules/pulumi-docker-networking/dist/provider/plugin/main.js" "$@"
SH
chmod +x "$work/plugin/pulumi-resource-docker-networking"
# Hard links (npm's cache may make them) would be entries `pulumi plugin install` refuses.
tar --hard-dereference -C "$work/plugin" -czf "$out/pulumi-resource-docker-networking-v$version-linux-amd64.tar.gz" .

# The Python SDK.
pulumi-sdkgen -language python dist/provider/plugin/schema.json "$work/python"
python3 -m pip wheel --quiet --no-deps --wheel-dir "$out/python" "$work/python" >&2

# The Go SDK, on the Go SDK of the CLI's version.
pulumi-sdkgen -language go dist/provider/plugin/schema.json "$out/go"
printf 'module pulumi-docker-networking/sdk/go\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n' \
  "${PULUMI_VERSION:-v3.252.0}" >"$out/go/go.mod"
ls -1 "$out" "$out/python" "$out/go" >&2

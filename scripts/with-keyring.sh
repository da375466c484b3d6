#!/bin/sh
# Runs CMD with a throw-away, unlocked GNOME keyring on a private D-Bus session bus, so keytar
# reaches a real Secret Service on a headless machine (CI, servers):
#
#   scripts/with-keyring.sh npx vitest run test/integration/secrets.test.ts
#
# The keyring lives in a temporary folder (XDG_DATA_HOME of the daemon only), so a developer's
# own login keyring is never opened or changed. Without dbus-run-session or gnome-keyring-daemon
# CMD runs as it is, and tests see keychain_unavailable.
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 2
fi

for tool in dbus-run-session dbus-send gdbus gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: $tool not found; running without a keychain" >&2
    exec "$@"
  fi
done

keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/logscope-keyring.XXXXXX")
export LOGSCOPE_KEYRING_HOME="$keyring_home"

status=0
# shellcheck disable=SC2016 # expanded by the inner shell
dbus-run-session -- sh -c '
  set -eu
  mkdir -m 700 "$LOGSCOPE_KEYRING_HOME/data" "$LOGSCOPE_KEYRING_HOME/run"
  # gnome-keyring 42 leaves a keyring created with an EMPTY password locked (it wants to ask
  # through a prompter, which needs a display), so the throw-away keyring gets a fixed one.
  env_lines=$(printf %s logscope-test |
    XDG_DATA_HOME="$LOGSCOPE_KEYRING_HOME/data" XDG_RUNTIME_DIR="$LOGSCOPE_KEYRING_HOME/run" \
    gnome-keyring-daemon --unlock --components=secrets)
  # The daemon prints NAME=value lines (GNOME_KEYRING_CONTROL=…): export them for CMD.
  old_ifs=$IFS
  IFS="
"
  for line in $env_lines; do
    case $line in
      *=*) export "$line" ;;
    esac
  done
  IFS=$old_ifs
  unset LOGSCOPE_KEYRING_HOME
  # --unlock returns before the daemon owns its bus name; CMD must not race it. And a daemon
  # still starting when the bus closes outlives the bus: stop it by the pid the bus reports.
  gdbus wait --session --timeout 30 org.freedesktop.secrets
  keyring_pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk "{ print \$2 }")
  status=0
  "$@" || status=$?
  kill "$keyring_pid"
  exit "$status"
' with-keyring "$@" || status=$?

rm -rf "$keyring_home"
exit "$status"

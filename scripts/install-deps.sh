#!/usr/bin/env bash
# Installs the Debian packages Zhibiao needs to build, test and demo, when they are missing.
# Swift itself is expected on PATH (README). Extra package names may be passed as arguments.
set -euo pipefail

wanted=(postgresql-15 libpq-dev pkg-config python3 socat "$@")
missing=()
for package in "${wanted[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
# apt waits for another apt (a colleague's install) instead of failing; bounded. Its output is shown when it fails.
log=$(mktemp /tmp/zhibiao-apt.XXXXXX)
trap 'rm -f "$log"' EXIT
apt_get() {
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@" >"$log" 2>&1; then
        echo "install-deps: apt-get $1 failed; its last lines:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"

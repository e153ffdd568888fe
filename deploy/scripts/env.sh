# Sourced by the deploy scripts: container settings for this machine and the linters' virtualenv on PATH.
# shellcheck shell=bash
deploy_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo_root=$(cd "$deploy_root/.." && pwd)
export CONTAINERS_CONF="$deploy_root/containers.conf"
export PATH="$repo_root/.build-deploy/venv/bin:$PATH"
# shellcheck disable=SC2034  # used by the scripts that source this file
state_dir="$repo_root/.build-deploy"

# Local stand-ins for registry images (no registry is reachable here); see deploy/scripts/base-images.sh.
export ZHIBIAO_BASE_IMAGE=${ZHIBIAO_BASE_IMAGE:-localhost/bookworm-min:latest}
export ZHIBIAO_SWIFT_IMAGE=${ZHIBIAO_SWIFT_IMAGE:-localhost/swift-host:6.3-bookworm}
export ZHIBIAO_POSTGRES_IMAGE=${ZHIBIAO_POSTGRES_IMAGE:-localhost/postgres:15-bookworm}
export ZHIBIAO_IMAGE=${ZHIBIAO_IMAGE:-localhost/zhibiao:dev}

# log MESSAGE: one progress line on stderr, with the elapsed seconds of the script.
log() { printf '[%4ss] %s\n' "$SECONDS" "$*" >&2; }

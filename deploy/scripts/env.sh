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
# The compose file's `scale` profile: the project's own pgbouncer image (deploy/docker/pgbouncer.Containerfile).
export ZHIBIAO_PGBOUNCER_IMAGE=${ZHIBIAO_PGBOUNCER_IMAGE:-localhost/zhibiao-pgbouncer:1.18}

# log MESSAGE: one progress line on stderr, with the elapsed seconds of the script.
log() { printf '[%4ss] %s\n' "$SECONDS" "$*" >&2; }

# show_tail FILE [LINES]: the last lines of a log on stderr, indented, or a word that there is none.
show_tail() {
    local file=$1 lines=${2:-30}
    if [ -s "$file" ]; then
        printf '      last %s lines of %s:\n' "$lines" "${file#"$repo_root"/}" >&2
        tail -n "$lines" "$file" | sed 's/^/      | /' >&2
    else
        printf '      (%s is empty or missing)\n' "${file#"$repo_root"/}" >&2
    fi
}

# step WHAT LOG COMMAND…: runs COMMAND with its output in LOG. Passes: one line with the seconds it took. Fails:
# which step, its exit code and the last lines of LOG, then returns that exit code. No step fails silently.
step() {
    local what=$1 file=$2 started=$SECONDS status=0
    shift 2
    mkdir -p "$(dirname "$file")"
    "$@" >"$file" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        log "$what: done in $((SECONDS - started)) s"
    else
        log "$what: FAILED (exit $status) after $((SECONDS - started)) s; log: ${file#"$repo_root"/}"
        show_tail "$file"
    fi
    return "$status"
}

# unmount_under DIR: whatever is still mounted below DIR (an interrupted debootstrap's /proc, /sys …), deepest
# first. awk, not grep: nothing mounted is the normal case and must not stop a script under pipefail.
unmount_under() {
    findmnt -rn -o TARGET | awk -v prefix="$1/" 'index($0, prefix) == 1' | sort -r | xargs -r -n 1 umount -l
}

# For the scripts under `set -e`: a command that stops the script says which line and command it was, so that a
# failure is never silent (a bare `grep` that matched nothing once ended a script without a word).
trap_errors() {
    set -E
    trap 'printf "%s: line %s failed (exit %s): %s\n" "${0##*/}" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR
}

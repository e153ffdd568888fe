#!/usr/bin/env bash
# make deploy-image: builds deploy/docker/Dockerfile with podman, unchanged, from the local stand-ins for the
# registry images (deploy/scripts/base-images.sh). The host's Swift toolchain and its git mirror of the packages are
# mounted read-only into the build (`-v`), and the GIT_MIRROR build argument makes git use that mirror for
# github.com, as the host's git configuration does. Tag: $ZHIBIAO_IMAGE (default localhost/zhibiao:dev).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
trap_errors
"$here/setup-tools.sh"
"$here/base-images.sh"
# ZHIBIAO_BUILD_CONTEXT: another checkout to build (with this deploy/ in it), e.g. a branch not merged yet.
context=${ZHIBIAO_BUILD_CONTEXT:-$repo_root}
cd "$context"

toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")  # …/usr/bin/swift → prefix
mounts=(-v "$toolchain:$toolchain:ro")
mirror=""
# The host's `url.<dir>/.insteadOf https://github.com/` (system or global git config), if it has one.
mirror=$(git config --get-regexp '^url\..*\.insteadof$' 'https://github.com/' | awk '{print $1}' |
    sed -E 's/^url\.(.*)\.insteadof$/\1/' | head -n 1 || true)
if [ -n "$mirror" ] && [ -d "$mirror" ]; then
    mounts+=(-v "${mirror%/}:${mirror%/}:ro")
    log "image: packages from the git mirror $mirror"
else
    mirror=""
fi

log "image: building $ZHIBIAO_IMAGE (swift build -c release in the container: minutes)"
mkdir -p "$state_dir"
build_log="$state_dir/image-build.log"
started=$SECONDS
status=0
# --format docker keeps HEALTHCHECK (the OCI image format has no field for it). The whole output goes to the log;
# the STEP lines show progress. The filter may match nothing: only podman's exit code decides.
nice -n 10 timeout "${ZHIBIAO_IMAGE_BUILD_TIMEOUT:-3600}" podman build --format docker --layers \
    "${mounts[@]}" \
    --build-arg SWIFT_IMAGE="$ZHIBIAO_SWIFT_IMAGE" \
    --build-arg RUNTIME_IMAGE="$ZHIBIAO_BASE_IMAGE" \
    --build-arg GIT_MIRROR="$mirror" \
    -f deploy/docker/Dockerfile -t "$ZHIBIAO_IMAGE" . 2>&1 | tee "$build_log" |
    { grep --line-buffered -E '^(\[[0-9]+/[0-9]+\] )?(STEP|COMMIT|Successfully|Error|error)' || true; } >&2 || status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    log "image: podman build FAILED (exit $status) after $((SECONDS - started)) s; log: ${build_log#"$repo_root"/}"
    show_tail "$build_log" 40
    exit "$status"
fi
log "image: built in $((SECONDS - started)) s"
log "image: $(podman image inspect "$ZHIBIAO_IMAGE" --format '{{.Id}} {{.Size}}' | awk '{printf "%s, %.0f MB", substr($1,1,12), $2/1e6}')"

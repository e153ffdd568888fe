#!/usr/bin/env bash
# make deploy-check FRESH=1 runs this first, so that the check runs as on a new machine; alone it is
# `deploy/scripts/reset.sh`. It removes what earlier deploy runs left behind on this machine:
#   - the images this project builds, when their names are under localhost/ ($ZHIBIAO_IMAGE, $ZHIBIAO_PGBOUNCER_IMAGE,
#     $ZHIBIAO_POSTGRES_IMAGE, $ZHIBIAO_SWIFT_IMAGE, $ZHIBIAO_BASE_IMAGE), with any container still using them, then
#     the untagged layers their builds left (podman image prune: dangling images only)
#   - buildah's store for `RUN --mount=type=cache` (the image's /src/.build, which makes a rebuild incremental)
#   - .build-deploy/ (the linters' virtualenv, the logs, a half-made rootfs)
# The Debian packages that setup-tools.sh installed (podman, debootstrap …) stay: other checkouts on this machine
# use them. Nobody else on the machine should be building or running these images while this runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
trap_errors

if command -v podman >/dev/null; then
    for image in "$ZHIBIAO_IMAGE" "$ZHIBIAO_PGBOUNCER_IMAGE" "$ZHIBIAO_POSTGRES_IMAGE" "$ZHIBIAO_SWIFT_IMAGE" \
        "$ZHIBIAO_BASE_IMAGE"; do
        case "$image" in
            localhost/*) ;;
            *) log "reset: $image is not under localhost/, kept"; continue ;;
        esac
        if podman image exists "$image"; then
            podman rmi --force "$image" >/dev/null
            log "reset: removed image $image"
        fi
    done
    pruned=$(podman image prune --force | wc -l)
    log "reset: pruned $pruned untagged image layers"
else
    log "reset: podman is not installed, so there are no images to remove"
fi
# buildah keeps cache mounts under $TMPDIR (default /var/tmp): buildah-cache as root (seen with podman 4.3.1),
# buildah-cache-UID rootless. Only the image's /src/.build is in there (no other cache mount on this machine).
for cache in "${TMPDIR:-/var/tmp}/buildah-cache" "${TMPDIR:-/var/tmp}/buildah-cache-$(id -u)"; do
    if [ -d "$cache" ]; then
        rm -rf "$cache"
        log "reset: removed the build cache $cache"
    fi
done
if [ -d "$state_dir" ]; then
    unmount_under "$state_dir"
    rm -rf --one-file-system "$state_dir"
    log "reset: removed ${state_dir#"$repo_root"/}/"
fi

#!/usr/bin/env bash
# Local stand-ins for the registry images the deploy files name (no registry is reachable on this machine).
# Each is built once and reused while its recipe is unchanged; `--force` rebuilds all four.
#
#   localhost/bookworm-min:latest       debootstrap --variant=minbase bookworm, imported (stands for debian:bookworm-slim)
#   localhost/swift-host:6.3-bookworm   that base + the packages of the official swift:6.x-bookworm image, with PATH
#                                       reaching /opt/swift/usr/bin: the host's toolchain is mounted there when
#                                       building (`podman build -v /opt/swift:/opt/swift:ro`), not copied (3.3 GB)
#   localhost/postgres:15-bookworm      that base + Debian's postgresql-15 with an entrypoint that honours the official
#                                       postgres image's POSTGRES_PASSWORD / POSTGRES_USER / POSTGRES_DB and PGDATA
#
# The three built images carry a label with the hash of their Containerfile, the files it copies and the base image's
# id: an image left by an earlier run is reused only when it was built from what is committed now.
# Each step's output goes to a log in .build-deploy/; a step that fails prints the last lines of its log.
# The only network used is the Debian mirror that apt is configured with (read from the apt sources).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
trap_errors
force=false
[ "${1:-}" = --force ] && force=true
mkdir -p "$state_dir"

# The first http(s) URI of the Debian archive in the apt sources (deb822 first, then sources.list). A file that
# is missing or matches nothing gives nothing, never an error.
debian_mirror() {
    [ -n "${DEBIAN_MIRROR:-}" ] && { echo "$DEBIAN_MIRROR"; return; }
    local uri
    uri=$(awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }' \
        /etc/apt/sources.list 2>/dev/null || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

rootfs="$state_dir/rootfs-bookworm-min"
remove_rootfs() {
    unmount_under "$rootfs"
    rm -rf --one-file-system "$rootfs"
}
trap remove_rootfs EXIT

import_rootfs() {
    # Lists and caches are not part of a base image; apt-get update fetches them in the stages that install.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
    tar -C "$rootfs" --one-file-system -c . | podman import --quiet \
        --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$ZHIBIAO_BASE_IMAGE"
}

if podman image exists "$ZHIBIAO_BASE_IMAGE" && ! $force; then
    log "base: $ZHIBIAO_BASE_IMAGE exists"
else
    mirror=$(debian_mirror)
    log "base: debootstrap --variant=minbase bookworm from $mirror"
    remove_rootfs
    mkdir -p "$rootfs"
    if ! step "base: debootstrap" "$state_dir/debootstrap.log" \
        timeout 1200 debootstrap --variant=minbase bookworm "$rootfs" "$mirror"; then
        # debootstrap's own log inside the tree says which package or chroot command failed.
        if [ -f "$rootfs/debootstrap/debootstrap.log" ]; then
            cp "$rootfs/debootstrap/debootstrap.log" "$state_dir/debootstrap-inside.log"
            show_tail "$state_dir/debootstrap-inside.log"
        fi
        exit 1
    fi
    # debootstrap unmounts /proc and /sys when it succeeds; make sure, before anything reads or removes the tree.
    unmount_under "$rootfs"
    step "base: import as $ZHIBIAO_BASE_IMAGE" "$state_dir/base-import.log" import_rootfs
    remove_rootfs
fi

# build_stand_in IMAGE CONTAINERFILE NAME [FILES it copies…]: builds IMAGE from deploy/docker/CONTAINERFILE on the
# base, unless an image of that name was built from the same recipe.
build_stand_in() {
    local image=$1 containerfile=$2 name=$3 recipe have
    shift 3
    recipe=$( (cd "$deploy_root/docker" && cat "$containerfile" "$@"; podman image inspect --format '{{.Id}}' "$ZHIBIAO_BASE_IMAGE") |
        sha256sum | cut -c1-16)
    have=$(podman image inspect --format '{{index .Labels "zhibiao.recipe"}}' "$image" 2>/dev/null || true)
    if [ "$have" = "$recipe" ] && ! $force; then
        log "$name: $image exists (recipe $recipe)"
        return
    fi
    [ -z "$have" ] || log "$name: $image was built from another recipe ($have), rebuilding"
    log "$name: building $image"
    step "$name: podman build $image" "$state_dir/$name-image.log" \
        nice -n 10 timeout 1200 podman build --build-arg BASE_IMAGE="$ZHIBIAO_BASE_IMAGE" --label zhibiao.recipe="$recipe" \
        -t "$image" -f "$deploy_root/docker/$containerfile" "$deploy_root/docker"
}

build_stand_in "$ZHIBIAO_SWIFT_IMAGE" swift-host.Containerfile swift
build_stand_in "$ZHIBIAO_POSTGRES_IMAGE" postgres.Containerfile postgres postgres-entrypoint.sh
build_stand_in "$ZHIBIAO_PGBOUNCER_IMAGE" pgbouncer.Containerfile pgbouncer pgbouncer-entrypoint.sh

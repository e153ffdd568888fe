#!/usr/bin/env bash
# Local stand-ins for the registry images the deploy files name (no registry is reachable on this machine).
# Each is built once and reused; `--force` rebuilds all three.
#
#   localhost/bookworm-min:latest       debootstrap --variant=minbase bookworm, imported (stands for debian:bookworm-slim)
#   localhost/swift-host:6.3-bookworm   that base + the packages of the official swift:6.x-bookworm image, with PATH
#                                       reaching /opt/swift/usr/bin: the host's toolchain is mounted there when
#                                       building (`podman build -v /opt/swift:/opt/swift:ro`), not copied (3.3 GB)
#   localhost/postgres:15-bookworm      that base + Debian's postgresql-15 with an entrypoint that honours the official
#                                       postgres image's POSTGRES_PASSWORD / POSTGRES_USER / POSTGRES_DB and PGDATA
#
# The only network used is the Debian mirror that apt is configured with (read from the apt sources).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
force=false
[ "${1:-}" = --force ] && force=true

debian_mirror() {
    [ -n "${DEBIAN_MIRROR:-}" ] && { echo "$DEBIAN_MIRROR"; return; }
    local uri
    uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -E '/debian/?$' | head -n 1)
    [ -n "$uri" ] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -E '/debian/?$' | head -n 1)
    echo "${uri:-http://deb.debian.org/debian}"
}

have_image() { podman image exists "$1" && ! $force; }

if have_image "$ZHIBIAO_BASE_IMAGE"; then
    log "base: $ZHIBIAO_BASE_IMAGE exists"
else
    mirror=$(debian_mirror)
    rootfs="$state_dir/rootfs-bookworm-min"
    log "base: debootstrap --variant=minbase bookworm from $mirror"
    findmnt -rn -o TARGET | grep -F "$rootfs/" | sort -r | xargs -r -n 1 umount -l
    rm -rf --one-file-system "$rootfs"
    mkdir -p "$rootfs"
    timeout 1200 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$state_dir/debootstrap.log" 2>&1 ||
        { tail -n 20 "$state_dir/debootstrap.log" >&2; exit 1; }
    # debootstrap unmounts /proc and /sys when it succeeds; make sure, before anything reads or removes the tree.
    findmnt -rn -o TARGET | grep -F "$rootfs/" | sort -r | xargs -r -n 1 umount -l
    # Lists and caches are not part of a base image; apt-get update fetches them in the stages that install.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
    tar -C "$rootfs" --one-file-system -c . | podman import --quiet \
        --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$ZHIBIAO_BASE_IMAGE" >/dev/null
    rm -rf --one-file-system "$rootfs"
    log "base: $ZHIBIAO_BASE_IMAGE imported"
fi

if have_image "$ZHIBIAO_SWIFT_IMAGE"; then
    log "swift: $ZHIBIAO_SWIFT_IMAGE exists"
else
    log "swift: building $ZHIBIAO_SWIFT_IMAGE"
    nice -n 10 timeout 1200 podman build -q --build-arg BASE_IMAGE="$ZHIBIAO_BASE_IMAGE" \
        -t "$ZHIBIAO_SWIFT_IMAGE" -f "$deploy_root/docker/swift-host.Containerfile" "$deploy_root/docker" >/dev/null
fi

if have_image "$ZHIBIAO_POSTGRES_IMAGE"; then
    log "postgres: $ZHIBIAO_POSTGRES_IMAGE exists"
else
    log "postgres: building $ZHIBIAO_POSTGRES_IMAGE"
    nice -n 10 timeout 1200 podman build -q --build-arg BASE_IMAGE="$ZHIBIAO_BASE_IMAGE" \
        -t "$ZHIBIAO_POSTGRES_IMAGE" -f "$deploy_root/docker/postgres.Containerfile" "$deploy_root/docker" >/dev/null
fi

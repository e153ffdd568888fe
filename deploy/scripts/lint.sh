#!/usr/bin/env bash
# make deploy-lint: every deploy file checked offline, in seconds. Prints one line per check, ends with
# "N passed, N failed" and exits non-zero when any check failed.
#   Dockerfiles: hadolint · compose: compose-spec JSON schema · Kubernetes: kubernetes-validate --strict (bundled
#   schemas) · all YAML: yamllint · shell: shellcheck · systemd units: systemd-analyze verify and security
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
"$here/setup-tools.sh" lint >&2 || exit 1
cd "$repo_root" || exit 1

passed=0
failed=0
out=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$out" "$work"' EXIT

check() {  # NAME COMMAND…: runs it quietly, shows its output only when it fails
    local name=$1
    shift
    if "$@" >"$out" 2>&1; then
        printf 'ok    %s\n' "$name"
        passed=$((passed + 1))
    else
        printf 'FAIL  %s\n' "$name"
        sed 's/^/      /' "$out"
        failed=$((failed + 1))
    fi
}

dockerfiles=(deploy/docker/Dockerfile deploy/docker/*.Containerfile)
check "hadolint ${dockerfiles[*]}" hadolint "${dockerfiles[@]}"
check "compose schema deploy/compose.yaml" check-jsonschema --builtin-schema vendor.compose-spec deploy/compose.yaml
manifests=()
for file in deploy/k8s/*.yaml deploy/k8s-scale/*.yaml; do
    [ "$(basename "$file")" = kustomization.yaml ] || manifests+=("$file")
done
check "kubernetes-validate --strict deploy/k8s deploy/k8s-scale (${#manifests[@]} manifests)" \
    kubernetes-validate --strict --quiet "${manifests[@]}"
check "yamllint deploy/" yamllint --strict -c deploy/.yamllint.yaml deploy/
shell_files=(deploy/scripts/*.sh deploy/docker/*.sh)
check "shellcheck ${#shell_files[@]} scripts" shellcheck -x -P SCRIPTDIR "${shell_files[@]}"

# systemd-analyze verify insists that ExecStart= programs exist: point the units at stand-ins, nothing else changed.
for program in zhibiao-ingest zhibiao-report; do
    printf '#!/bin/sh\nexit 0\n' >"$work/$program"
    chmod +x "$work/$program"
done
units=()
for unit in deploy/systemd/*.service; do
    sed "s|/usr/local/bin/zhibiao-|$work/zhibiao-|g" "$unit" >"$work/$(basename "$unit")"
    units+=("$work/$(basename "$unit")")
done
check "systemd-analyze verify deploy/systemd" systemd-analyze verify --man=no "${units[@]}"
for unit in "${units[@]}"; do
    # Exposure 0 (locked down) … 10 (unprotected); the units score about 1.5: fail on a regression past 2.5.
    check "systemd-analyze security $(basename "$unit") ≤ 2.5" \
        systemd-analyze security --offline=yes --threshold=25 "$unit"
done

echo "deploy-lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster in a fresh temporary directory, which is stopped and
# removed when the command ends, whether it passed or failed. The command sees ZHIBIAO_TEST_DATABASE_URL.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/zhibiao-test.XXXXXX)
chmod 755 "$dir"
cleanup() {
    "$here/pg-cluster.sh" stop "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ZHIBIAO_PG_FSYNC=off "$here/pg-cluster.sh" start "$dir"
export ZHIBIAO_TEST_DATABASE_URL="host=$dir/sock dbname=postgres user=postgres"
export ZHIBIAO_TEST_CLUSTER_DIR="$dir"
"$@"

# shellcheck shell=bash
# Sourced by the scripts that measure or torment a private PostgreSQL cluster of their own (bench, load, chaos),
# from the repository's root:
#   throwaway_cluster NAME   makes /tmp/zhibiao-NAME.XXXXXX ($work), starts a cluster there (scripts/pg-cluster.sh),
#                            and stops and removes it when the script exits, pass or fail — after the commands the
#                            script registered with `at_exit`, last registered first ($exit_status tells how the
#                            script ended)
#   now, elapsed T0 T1       a timestamp, and the seconds between two (for timings)
#   backends_cpu             the CPU seconds of the cluster's exited backends so far
#   log_in_as_roles          each command then logs in as its own role through the cluster's layout (migrate as the
#                            owner, ingest as zhibiao_ingest, the reporting server as zhibiao_reporting; docs/roles.md)
# scripts/with-test-cluster.sh is the test suite's counterpart (fsync off, the tests' variables).

at_exit_commands=()
exit_status=0

at_exit() { at_exit_commands+=("$1"); }

run_at_exit() {
    exit_status=$?
    local i
    for ((i = ${#at_exit_commands[@]} - 1; i >= 0; i--)); do eval "${at_exit_commands[i]}" || true; done
    scripts/pg-cluster.sh stop "$work" >/dev/null 2>&1 || true
    rm -rf "$work"
    return "$exit_status"
}

throwaway_cluster() {
    work=$(mktemp -d "/tmp/zhibiao-$1.XXXXXX")
    chmod 755 "$work"
    trap run_at_exit EXIT
    trap 'exit 130' INT TERM
    scripts/pg-cluster.sh start "$work" >/dev/null
}

log_in_as_roles() {
    export ZHIBIAO_HOME="$work"
    unset ZHIBIAO_DATABASE_URL
    export ZHIBIAO_LOG_LEVEL=warning
}

now() { date +%s.%N; }
elapsed() { python3 -c "print(round($2 - $1, 4))"; }

# The postmaster's reaped children (utime and stime of /proc/PID/stat): what the server's sessions cost once they
# have ended.
backends_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{ print ($16 + $17) / hz }' "/proc/$(head -n 1 "$work/pg/postmaster.pid")/stat"
}

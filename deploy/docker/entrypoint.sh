#!/bin/sh
# zhibiao-entrypoint: the image holds both daemons; the first argument chooses what runs.
set -eu

usage() {
    cat <<'USAGE'
usage: <image> COMMAND [ARGS…]
  ingest [ARGS…]      zhibiao-ingest ARGS (default: serve)      e.g. ingest serve --workers 4
  report [ARGS…]      zhibiao-report ARGS (default: serve)      e.g. report query ping
  migrate [ARGS…]     zhibiao-ingest migrate ARGS: apply the schema migrations, then exit
  healthcheck         the image's HEALTHCHECK: `zhibiao-report query ping` when the container runs the reporting
                      daemon, `zhibiao-ingest status` when it runs ingest (the `serve` process in /proc, or $ZHIBIAO_SERVICE)
  zhibiao-ingest …, zhibiao-report …, or any other program: run as given
Settings come from ZHIBIAO_* variables (ZHIBIAO_DATABASE_URL, ZHIBIAO_SOCKET, ZHIBIAO_LOG_FORMAT …) or flags.
USAGE
}

# Which daemon this container runs: $ZHIBIAO_SERVICE, else the `serve` process found in /proc (PID 1 when the
# entrypoint exec'd it; further down when an init such as `docker run --init` runs first).
service_of_container() {
    if [ -n "${ZHIBIAO_SERVICE:-}" ]; then
        echo "$ZHIBIAO_SERVICE"
        return
    fi
    for cmdline in /proc/[0-9]*/cmdline; do
        case "$(tr '\0' ' ' <"$cmdline" 2>/dev/null)" in
            *zhibiao-report\ serve*) echo report; return ;;
            *zhibiao-ingest\ serve*) echo ingest; return ;;
        esac
    done
    echo none
}

command=${1:-help}
[ $# -gt 0 ] && shift
case "$command" in
    ingest)
        [ $# -gt 0 ] || set -- serve
        exec zhibiao-ingest "$@" ;;
    report | reporting)
        [ $# -gt 0 ] || set -- serve
        exec zhibiao-report "$@" ;;
    migrate)
        exec zhibiao-ingest migrate "$@" ;;
    healthcheck)
        case "$(service_of_container)" in
            report) exec zhibiao-report query ping >/dev/null ;;
            ingest) exec zhibiao-ingest status >/dev/null ;;
            *) exit 0 ;;  # a one-shot command (migrate, submit): nothing long-lived to check
        esac ;;
    help | -h | --help)
        usage ;;
    *)
        exec "$command" "$@" ;;
esac

#!/usr/bin/env bash
# make deploy-check: the deploy files proven for real with podman (after make deploy-lint).
#   1. the image from deploy/docker/Dockerfile (build-image.sh), then inspected: size, non-root user, HEALTHCHECK,
#      shared libraries of both executables, resource bundles beside them, no toolchain inside
#   2. deploy/compose.yaml, unchanged, under podman-compose with generated env files and a private project name:
#      PostgreSQL up, the one-shot migrate (twice: idempotent), the roles and tables it creates, and each daemon
#      logged in as its own role
#   3. when the image's daemons have `serve` (the services are merged): ingest + spool watcher + reporting up,
#      seeds submitted through a cli container, the queue drained, the reporting socket queried from the host
#      through its named volume, a file dropped in the spool volume ingested, health checks run
#   4. when both have `serve`, the `scale` profile: standby-init (replication login, pg_basebackup -R) and the hot
#      standby up in recovery and streaming, pgbouncer; the direct ingest daemons stopped, the seeds (each a line
#      longer: new documents) submitted through pgbouncer and stored by the pooled ingest daemons, then the
#      standby's reporting daemon answering summary and facts exactly as the primary's, at the primary's
#      generation, within 60 s; both new containers' health checks
#   5. everything torn down (containers, volumes, temporary files), pass or fail
# ZHIBIAO_DEPLOY_E2E=require fails step 3 instead of skipping it when the daemons are missing.
# ZHIBIAO_DEPLOY_REUSE_IMAGE=1 skips the build when $ZHIBIAO_IMAGE exists.
# Ends with "deploy-check: N passed, N failed, N skipped".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
source "$here/env.sh"
cd "$repo_root" || exit 1

passed=0
failed=0
skipped=0
ok() { printf 'ok    %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL  %s\n' "$*"; failed=$((failed + 1)); }
skip() { printf 'skip  %s\n' "$*"; skipped=$((skipped + 1)); }
summary() {
    echo "deploy-check: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
# wait_for SECONDS COMMAND…: retries every half second until it succeeds or the deadline passes.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

# ---- 1. the image ----
# Everything the tools, base images and image build print is also kept in $image_log; a failure is followed by
# its last lines (each step that fails ends its output with the tail of its own log).
mkdir -p "$state_dir"
image_log="$state_dir/check-image.log"
image_failed() {  # WHAT
    fail "$1 (log: ${image_log#"$repo_root"/})"
    tail -n 40 "$image_log" | sed 's/^/      | /'
    summary
    exit 1
}
if [ "${ZHIBIAO_DEPLOY_REUSE_IMAGE:-}" = 1 ] && podman image exists "$ZHIBIAO_IMAGE"; then
    { "$here/setup-tools.sh" && "$here/base-images.sh"; } 2>&1 | tee "$image_log" || image_failed "tools and base images"
    log "image: reusing $ZHIBIAO_IMAGE"
elif "$here/build-image.sh" 2>&1 | tee "$image_log"; then
    ok "image $ZHIBIAO_IMAGE built from deploy/docker/Dockerfile"
else
    image_failed "image build"
fi

# --no-healthcheck: podman would try to schedule the image's health check with systemd timers.
in_image() { podman run --rm --network none --no-healthcheck --entrypoint "" "$ZHIBIAO_IMAGE" "$@"; }
size=$(podman image inspect "$ZHIBIAO_IMAGE" --format '{{.Size}}')
echo "      image size: $((size / 1000000)) MB"
user=$(podman image inspect "$ZHIBIAO_IMAGE" --format '{{.Config.User}}')
if [ "$user" = 10001:10001 ] && [ "$(in_image id -u)" = 10001 ]; then
    ok "runs as non-root ($user)"
else
    fail "user is '$user'"
fi
health=$(podman image inspect "$ZHIBIAO_IMAGE" --format '{{json .Config.Healthcheck}}')
case "$health" in
    *zhibiao-entrypoint*healthcheck*) ok "HEALTHCHECK kept in the image: $health" ;;
    *) fail "HEALTHCHECK missing: $health" ;;
esac
libraries=$(in_image sh -c 'ldd /opt/zhibiao/bin/zhibiao-ingest /opt/zhibiao/bin/zhibiao-report' 2>&1)
if grep -q 'not found' <<<"$libraries"; then
    fail "shared libraries missing:"$'\n'"$libraries"
else
    ok "every shared library resolves: $(awk '/=>/ {print $1}' <<<"$libraries" | sort -u | tr '\n' ' ')"
fi
bundles=$(in_image sh -c 'ls -d /opt/zhibiao/bin/*.resources' 2>/dev/null | xargs -r -n 1 basename | tr '\n' ' ')
case "$bundles" in
    *Zhibiao_ZhibiaoSchema.resources*Zhibiao_ZhibiaoExtraction.resources* | \
        *Zhibiao_ZhibiaoExtraction.resources*Zhibiao_ZhibiaoSchema.resources*)
        ok "resource bundles beside the executables: $bundles" ;;
    *) fail "resource bundles: '$bundles'" ;;
esac
# shellcheck disable=SC2016  # expanded by the container's shell
if in_image sh -c 'for tool in swift swiftc cc gcc clang ld git make; do command -v $tool && exit 1; done; exit 0' \
    >/dev/null; then
    ok "no build tools in the runtime image"
else
    fail "build tools found in the runtime image"
fi
if in_image zhibiao-ingest --help >/dev/null && in_image zhibiao-report --help >/dev/null; then
    ok "both executables start (--help)"
else
    fail "an executable does not start"
fi

# ---- 2. compose: PostgreSQL and the migration ----
work=$(mktemp -d /tmp/zhibiao-deploy.XXXXXX)
project=zhibiao-check-$$
compose() { podman-compose --project-name "$project" -f "$work/compose.yaml" --profile tools --profile scale "$@"; }
container_of() {  # SERVICE: the name of its first container
    podman ps -a --filter "label=com.docker.compose.project=$project" \
        --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1
}
teardown() {
    log "teardown: $project"
    compose down -v --timeout 20 >"$work/down.log" 2>&1 || cat "$work/down.log" >&2
    # Whatever podman-compose left (a crashed run): by label, only this project's.
    podman ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r podman rm -f >/dev/null 2>&1
    podman volume ls -q --filter "label=com.docker.compose.project=$project" | xargs -r podman volume rm -f >/dev/null 2>&1
    rm -rf "$work"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# The committed compose file, unchanged, beside generated env files (never the developer's deploy/env/*.env).
cp deploy/compose.yaml "$work/compose.yaml"
mkdir -p "$work/env"
secret() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
password=$(secret)
ingest_password=$(secret)
reporting_password=$(secret)
replication_password=$(secret)
sed "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$password/" deploy/env/postgres.env.example >"$work/env/postgres.env"
cp deploy/env/zhibiao.env.example "$work/env/zhibiao.env"
sed -e "s/^PGPASSWORD=.*/PGPASSWORD=$password/" -e "s/^ZHIBIAO_INGEST_PASSWORD=.*/ZHIBIAO_INGEST_PASSWORD=$ingest_password/" \
    -e "s/^ZHIBIAO_REPORTING_PASSWORD=.*/ZHIBIAO_REPORTING_PASSWORD=$reporting_password/" \
    deploy/env/migrate.env.example >"$work/env/migrate.env"
sed "s/^PGPASSWORD=.*/PGPASSWORD=$ingest_password/" deploy/env/ingest.env.example >"$work/env/ingest.env"
sed "s/^PGPASSWORD=.*/PGPASSWORD=$reporting_password/" deploy/env/report.env.example >"$work/env/report.env"
sed "s/^ZHIBIAO_REPLICATION_PASSWORD=.*/ZHIBIAO_REPLICATION_PASSWORD=$replication_password/" \
    deploy/env/replication.env.example >"$work/env/replication.env"
chmod 600 "$work/env/"*.env
export ZHIBIAO_IMAGE ZHIBIAO_POSTGRES_IMAGE

log "compose: $project: postgres"
if compose up -d postgres >"$work/up-postgres.log" 2>&1 &&
    wait_for 90 podman exec "$(container_of postgres)" pg_isready -q -h /var/run/postgresql -U zhibiao -d zhibiao; then
    ok "compose: postgres up, accepting connections on its socket volume"
else
    fail "compose: postgres did not start"
    cat "$work/up-postgres.log"
    podman logs "$(container_of postgres)" 2>&1 | tail -n 20
    summary
    exit 1
fi
psql_in_postgres() {
    podman exec -e PGPASSWORD="$password" "$(container_of postgres)" \
        psql -h /var/run/postgresql -U zhibiao -d zhibiao -tAc "$1"
}

for attempt in first second; do
    if output=$(timeout 120 podman-compose --project-name "$project" -f "$work/compose.yaml" \
        run --rm --no-deps migrate 2>&1); then
        ok "compose: migrate ($attempt run): $(grep -E 'migrations|up to date' <<<"$output" | tail -n 1)"
    else
        fail "compose: migrate ($attempt run)"
        echo "$output" | tail -n 20
    fi
done
roles=$(psql_in_postgres "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'zhibiao\_%'")
tables=$(psql_in_postgres "SELECT count(*) FROM pg_tables WHERE schemaname = 'zhibiao'")
if [ "$roles" = zhibiao_ingest,zhibiao_reporting ] && [ "${tables:-0}" -gt 0 ]; then
    ok "schema in place: roles $roles, $tables tables in schema zhibiao"
else
    fail "schema: roles '$roles', tables '$tables'"
fi

# ---- 3. the daemons, end to end ----
# Each half switches on when the image's executable has `serve` (its service is merged).
# The help is read whole first: `… | grep -q` under pipefail fails when grep stops reading before the writer ends.
has_serve() {
    local help
    help=$(in_image "$1" --help 2>/dev/null) || return 1
    grep -qE '^ +serve( |$)' <<<"$help"
}
report_ready=false
ingest_ready=false
has_serve zhibiao-report && report_ready=true
has_serve zhibiao-ingest && ingest_ready=true
missing() {  # WHAT: skipped, or failed under ZHIBIAO_DEPLOY_E2E=require
    if [ "${ZHIBIAO_DEPLOY_E2E:-}" = require ]; then fail "$1"; else skip "$1"; fi
}
$report_ready || missing "reporting daemon up, socket queried from the host and a cli container: zhibiao-report has no 'serve' yet"
$ingest_ready || missing "ingest daemons up, seeds submitted, queue drained, spool: zhibiao-ingest has no 'serve' yet"
if ! $report_ready && ! $ingest_ready; then
    summary
    exit
fi

daemons=()
$ingest_ready && daemons+=(ingest ingest-spool)
$report_ready && daemons+=(report)
log "compose: ${daemons[*]}"
if compose up -d --no-deps "${daemons[@]}" >"$work/up.log" 2>&1; then
    running=$(podman ps --filter "label=com.docker.compose.project=$project" --format '{{.Names}}' | sort | tr '\n' ' ')
    ok "compose: ${daemons[*]} started ($running)"
else
    fail "compose: daemons did not start"
    cat "$work/up.log"
fi
run_cli() {  # ARGS…: a one-off cli container of the stack
    timeout 120 podman-compose --project-name "$project" -f "$work/compose.yaml" --profile tools \
        run --rm --no-deps "$@"
}

socket_dir=$(podman volume inspect "${project}_reportsock" --format '{{.Mountpoint}}' 2>/dev/null)
# host_query_at SOCKET METHOD [PARAMS-JSON]: one request over a reporting socket from the host, the reply line on
# stdout; host_query asks the primary's daemon.
host_query_at() {
    python3 - "$1" "$2" "${3:-{\}}" <<'PY'
import json, socket, sys
path, method, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
    s.settimeout(10)
    s.connect(path)
    s.sendall((json.dumps({"id": 1, "method": method, "params": params}) + "\n").encode())
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
reply = json.loads(reply)
print(json.dumps(reply, ensure_ascii=False))
sys.exit(0 if "result" in reply else 1)
PY
}
host_query() { host_query_at "$socket_dir/report.sock" "$@"; }
if $report_ready; then
    if wait_for 60 host_query ping; then
        ok "host → reporting socket through the volume ($socket_dir/report.sock): $(host_query ping)"
    else
        fail "the reporting socket did not answer ping from the host"
        podman logs "$(container_of report)" 2>&1 | tail -n 20
    fi
    if output=$(run_cli cli report query ping 2>&1); then
        ok "cli container → reporting socket volume: $(grep -v 'level=' <<<"$output" | tail -n 1)"
    else
        fail "cli container query ping: $(tail -n 5 <<<"$output")"
    fi
fi

if $ingest_ready; then
    if output=$(run_cli -v "$repo_root/seeds:/seeds:ro" cli ingest submit /seeds 2>&1); then
        ok "seeds submitted through a cli container: $(grep -v 'level=' <<<"$output" | tail -n 1)"
    else
        fail "submit seeds: $(tail -n 20 <<<"$output")"
    fi
    drained() {
        psql_in_postgres "SELECT count(*) FROM zhibiao.ingest_queue WHERE state IN ('available', 'running')" |
            grep -qx 0
    }
    if wait_for 120 drained; then
        documents=$(psql_in_postgres "SELECT count(*) FROM zhibiao.documents")
        facts=$(psql_in_postgres "SELECT count(*) FROM zhibiao.facts")
        ok "queue drained by the ingest replicas: $documents documents, $facts facts"
    else
        fail "the queue was not drained within 120 s"
        podman logs "$(container_of ingest)" 2>&1 | tail -n 20
    fi

    spool=$(podman volume inspect "${project}_spool" --format '{{.Mountpoint}}')
    seed=$(find seeds -name '*.txt' | sort | head -n 1)
    # A file nobody has sent yet (a new SHA-256): the seed with one more line, renamed into place whole.
    { cat "$seed"; echo; echo "deploy-check $project"; } >"$spool/.incoming.txt"
    chown 10001:10001 "$spool/.incoming.txt"
    mv "$spool/.incoming.txt" "$spool/deploy-check.txt"
    if wait_for 60 test -e "$spool/done/deploy-check.txt"; then
        ok "a file dropped in the spool volume was ingested and moved to done/"
    else
        fail "the spool file was not moved to done/ within 60 s ($(find "$spool" -maxdepth 2 | tr '\n' ' '))"
    fi
fi

# Each daemon logs in as its own role (docs/roles.md).
logins=$(psql_in_postgres "SELECT string_agg(DISTINCT application_name || '=' || usename, ' ' ORDER BY application_name || '=' || usename)
    FROM pg_stat_activity WHERE application_name LIKE 'zhibiao-%'")
expected_logins=""
$ingest_ready && expected_logins="zhibiao-ingest serve=zhibiao_ingest"
$report_ready && expected_logins="${expected_logins:+$expected_logins }zhibiao-report=zhibiao_reporting"
if [ "$logins" = "$expected_logins" ]; then
    ok "each daemon logs in as its own role: $logins"
else
    fail "daemon logins: '$logins', expected '$expected_logins'"
fi

if $report_ready && $ingest_ready; then
    if answer=$(host_query summary); then
        ok "host query 'summary' over the ingested seeds: ${answer:0:200}"
    else
        fail "host query 'summary': $answer"
    fi
fi

for service in report ingest; do
    [ "$service" = report ] && ! $report_ready && continue
    [ "$service" = ingest ] && ! $ingest_ready && continue
    if podman healthcheck run "$(container_of "$service")" >/dev/null 2>&1; then
        ok "HEALTHCHECK of the $service container: healthy"
    else
        fail "HEALTHCHECK of the $service container"
    fi
done

# ---- 4. the `scale` profile: a hot standby, pgbouncer, ingest through it, reporting on the standby ----
# The direct ingest daemons stop first, so that only the pooled ones (which mount pgbouncer's socket and not the
# primary's) can take the documents submitted here, through pgbouncer too. The standby's reporting daemon must then
# answer exactly as the primary's, at the primary's generation, within a deadline.
if ! $report_ready || ! $ingest_ready; then
    summary
    exit
fi
scale_started=$SECONDS
log "compose: profile scale"
psql_in_standby() {
    podman exec -e PGPASSWORD="$password" "$(container_of postgres-standby)" \
        psql -h /var/run/postgresql -U zhibiao -d zhibiao -tAc "$1"
}
if output=$(timeout 180 podman-compose --project-name "$project" -f "$work/compose.yaml" --profile scale \
    run --rm --no-deps standby-init 2>&1); then
    ok "compose: standby-init: $(grep 'standby-init:' <<<"$output" | tail -n 1)"
else
    fail "compose: standby-init"
    echo "$output" | tail -n 20
fi
if compose up -d --no-deps postgres-standby pgbouncer >"$work/up-scale.log" 2>&1 &&
    wait_for 90 psql_in_standby "SELECT 1" && [ "$(psql_in_standby "SELECT pg_is_in_recovery()")" = t ]; then
    streaming=$(psql_in_postgres "SELECT string_agg(usename || ' ' || state, ', ') FROM pg_stat_replication")
    if [ "$streaming" = "zhibiao_replication streaming" ]; then
        ok "compose: postgres-standby up and in recovery; the primary streams to it ($streaming)"
    else
        fail "compose: the standby is in recovery but pg_stat_replication says '$streaming'"
    fi
else
    fail "compose: postgres-standby did not come up in recovery"
    cat "$work/up-scale.log"
    podman logs "$(container_of postgres-standby)" 2>&1 | tail -n 20
fi

compose stop --timeout 20 ingest ingest-spool >"$work/stop.log" 2>&1 || cat "$work/stop.log"
for service in ingest ingest-spool; do
    left=$(podman ps -q --filter "label=com.docker.compose.project=$project" \
        --filter "label=com.docker.compose.service=$service")
    [ -z "$left" ] || fail "the direct $service daemon still runs: $left"
done
# --scale: podman-compose 1.6 starts one container of a service named with --no-deps, whatever its replicas.
if compose up -d --no-deps --scale ingest-pooled=2 ingest-pooled report-standby >>"$work/up-scale.log" 2>&1; then
    pooled=$(podman ps -q --filter "label=com.docker.compose.project=$project" \
        --filter "label=com.docker.compose.service=ingest-pooled" | wc -l)
    if [ "$pooled" -eq 2 ]; then
        ok "compose: 2 ingest-pooled daemons (through pgbouncer only) and report-standby started, direct ingest stopped"
    else
        fail "compose: $pooled ingest-pooled containers run, expected 2"
    fi
else
    fail "compose: ingest-pooled and report-standby did not start"
    tail -n 20 "$work/up-scale.log"
fi

# New documents (a line more than each seed: new SHA-256s, the seeds' facts again), submitted through pgbouncer by
# a one-off container of the image labelled as this project's, so that the teardown finds it if it is left.
documents_before=$(psql_in_postgres "SELECT count(*) FROM zhibiao.documents")
facts_before=$(psql_in_postgres "SELECT count(*) FROM zhibiao.facts")
mkdir -p "$work/pooled-seeds"
for seed in seeds/*.txt; do
    { cat "$seed"; echo; echo "deploy-check pooled $project"; } >"$work/pooled-seeds/$(basename "$seed")"
done
chmod -R a+rX "$work/pooled-seeds"
pooled_count=$(find "$work/pooled-seeds" -name '*.txt' | wc -l)
if output=$(timeout 120 podman run --rm --network none --no-healthcheck --label com.docker.compose.project="$project" \
    --env-file "$work/env/zhibiao.env" --env-file "$work/env/ingest.env" \
    -e ZHIBIAO_DATABASE_URL='postgresql:///zhibiao?host=/var/run/pgbouncer&port=6432&user=zhibiao_ingest' \
    -e ZHIBIAO_PREPARED_STATEMENTS=off -v "${project}_pgbouncersock:/var/run/pgbouncer" \
    -v "$work/pooled-seeds:/seeds:ro" "$ZHIBIAO_IMAGE" ingest submit /seeds 2>&1); then
    ok "$pooled_count new documents submitted through pgbouncer: $(grep -v 'level=' <<<"$output" | tail -n 1)"
else
    fail "submit through pgbouncer: $(tail -n 20 <<<"$output")"
fi
if wait_for 120 drained; then
    documents=$(psql_in_postgres "SELECT count(*) FROM zhibiao.documents")
    facts=$(psql_in_postgres "SELECT count(*) FROM zhibiao.facts")
    if [ "$documents" -eq $((documents_before + pooled_count)) ] && [ "$facts" -gt "$facts_before" ]; then
        ok "the pooled ingest daemons stored them: documents $documents_before → $documents, facts $facts_before → $facts"
    else
        fail "after the pooled ingest: documents $documents_before → $documents, facts $facts_before → $facts"
    fi
else
    fail "the pooled ingest daemons did not drain the queue within 120 s"
    podman logs "$(container_of ingest-pooled)" 2>&1 | tail -n 20
    podman logs "$(container_of pgbouncer)" 2>&1 | tail -n 20
fi
drained_at=$SECONDS

# The standby's daemon polls the generation (no LISTEN on a standby): its answer must become the primary
# daemon's, byte for byte, at the primary's generation — the replay lag plus one poll, well under the deadline.
generation=$(psql_in_postgres "SELECT generation FROM reporting.freshness")
standby_socket="$socket_dir/report-standby.sock"
same_answers() {
    local request primary standby
    for request in 'summary {}' 'facts {"limit": 100}'; do
        primary=$(host_query "${request%% *}" "${request#* }") || return 1
        standby=$(host_query_at "$standby_socket" "${request%% *}" "${request#* }") || return 1
        [ "$primary" = "$standby" ] || return 1
        grep -q "\"generation\": $generation," <<<"$standby" || return 1
    done
}
if wait_for 60 same_answers; then
    lag=$(psql_in_postgres "SELECT coalesce(extract(milliseconds FROM replay_lag)::int || ' ms', 'none')
        FROM pg_stat_replication")
    answer=$(host_query_at "$standby_socket" summary)
    ok "report-standby answers summary and facts as the primary's daemon, at generation $generation," \
        "$((SECONDS - drained_at)) s after the queue drained (replay_lag $lag): ${answer:0:160}"
    standby_facts=$(psql_in_standby "SELECT count(*) FROM zhibiao.facts")
    if [ "$standby_facts" = "$facts" ]; then
        ok "the standby holds the primary's $facts facts"
    else
        fail "the standby holds $standby_facts facts, the primary $facts"
    fi
else
    fail "report-standby did not answer as the primary's daemon within 60 s"
    echo "      primary: $(host_query summary | cut -c1-300)"
    echo "      standby: $(host_query_at "$standby_socket" summary 2>&1 | cut -c1-300)"
    podman logs "$(container_of report-standby)" 2>&1 | tail -n 20
fi
for service in ingest-pooled report-standby; do
    if podman healthcheck run "$(container_of "$service")" >/dev/null 2>&1; then
        ok "HEALTHCHECK of the $service container: healthy"
    else
        fail "HEALTHCHECK of the $service container"
    fi
done
log "profile scale: $((SECONDS - scale_started)) s"
summary

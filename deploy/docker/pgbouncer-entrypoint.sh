#!/bin/sh
# Entrypoint of the pgbouncer image (deploy/docker/pgbouncer.Containerfile): writes pgbouncer.ini and the auth file
# into /tmp (the root filesystem may be read-only), then runs pgbouncer in the foreground, in transaction pooling.
#   PGBOUNCER_USER         the one login pooled (default zhibiao_ingest); its password is PGPASSWORD, the same
#                          variable (and secret) the services logging in as that user have
#   PGBOUNCER_DATABASE     the database (default zhibiao) on the server PGBOUNCER_SERVER_HOST (a socket folder or a
#                          host name; default /var/run/postgresql), port PGBOUNCER_SERVER_PORT (default 5432)
#   PGBOUNCER_LISTEN_ADDR  the addresses to listen on besides the socket in /var/run/pgbouncer (default: none; `*`
#                          in Kubernetes), port 6432
#   PGBOUNCER_POOL_SIZE    server sessions for that database and user (default 10)
# Clients authenticate with SCRAM against that password, and pgbouncer logs in to the server with it.
set -eu
user=${PGBOUNCER_USER:-zhibiao_ingest}
[ -n "${PGPASSWORD:-}" ] || { echo "pgbouncer: PGPASSWORD (the password of $user) must be set" >&2; exit 1; }
case "$user$PGPASSWORD" in
    *'"'*) echo "pgbouncer: the user name and password may not contain '\"'" >&2; exit 1 ;;
esac
conf=$(mktemp -d /tmp/pgbouncer.XXXXXX)
umask 077
printf '"%s" "%s"\n' "$user" "$PGPASSWORD" >"$conf/userlist.txt"
cat >"$conf/pgbouncer.ini" <<INI
[databases]
${PGBOUNCER_DATABASE:-zhibiao} = host=${PGBOUNCER_SERVER_HOST:-/var/run/postgresql} port=${PGBOUNCER_SERVER_PORT:-5432}

[pgbouncer]
listen_addr = ${PGBOUNCER_LISTEN_ADDR:-}
listen_port = 6432
unix_socket_dir = /var/run/pgbouncer
auth_type = scram-sha-256
auth_file = $conf/userlist.txt
pool_mode = transaction
default_pool_size = ${PGBOUNCER_POOL_SIZE:-10}
max_client_conn = 200
INI
unset PGPASSWORD
exec pgbouncer "$conf/pgbouncer.ini"

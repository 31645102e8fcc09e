#!/bin/bash
# What the official postgres image's entrypoint does, as far as Testcontainers and the test harness rely on it:
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB (and POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD) on the
# first start, "-c name=value" arguments passed to postgres, every address on port 5432, password authentication
# over TCP and trust on the container's own unix socket (so pg_isready and psql work inside).
set -euo pipefail

pgdata="${PGDATA:-/var/lib/postgresql/data}"
socket_dir=/var/run/postgresql

# `docker run image -c fsync=off` arrives here as "-c fsync=off": postgres with options, as in the official image.
if [[ "$#" -eq 0 || "${1:0:1}" == "-" ]]; then
    set -- postgres "$@"
fi

# Anything else (bash, psql, ...) runs as given.
if [[ "$1" != "postgres" ]]; then
    exec "$@"
fi
shift

# initdb and postgres refuse root. setpriv execs (su/runuser would stay in between as a parent) so postgres is PID 1
# and receives the container's stop signal itself.
as_postgres() {
    if [[ "$(id -u)" -eq 0 ]]; then
        setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
    else
        "$@"
    fi
}

if [[ "$(id -u)" -eq 0 ]]; then
    mkdir -p "$pgdata" "$socket_dir"
    chown postgres:postgres "$pgdata" "$socket_dir"
    chmod 0700 "$pgdata"
    chmod 2775 "$socket_dir"
fi

if [[ ! -s "$pgdata/PG_VERSION" ]]; then
    user="${POSTGRES_USER:-postgres}"
    database="${POSTGRES_DB:-$user}"
    auth_method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
    if [[ -z "${POSTGRES_PASSWORD:-}" && "$auth_method" != "trust" ]]; then
        echo "docker-entrypoint: POSTGRES_PASSWORD is required (or POSTGRES_HOST_AUTH_METHOD=trust)." >&2
        exit 1
    fi

    # The password reaches initdb through a file only the postgres user can read, never on a command line.
    password_file="$(mktemp)"
    trap 'rm -f "$password_file"' EXIT
    printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$password_file"
    [[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$password_file"

    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments, as in the official image
    as_postgres initdb -D "$pgdata" -U "$user" --pwfile="$password_file" \
        --auth-local=trust --auth-host="$auth_method" --encoding=UTF8 --locale=C.UTF-8 \
        ${POSTGRES_INITDB_ARGS:-} >/dev/null
    rm -f "$password_file"
    trap - EXIT

    # initdb admits TCP from loopback only; the container's clients come through its network interface.
    printf '\nhost all all all %s\n' "$auth_method" >>"$pgdata/pg_hba.conf"
    printf "\nlisten_addresses = '*'\nport = 5432\nunix_socket_directories = '%s'\n" "$socket_dir" \
        >>"$pgdata/postgresql.conf"

    if [[ "$database" != "postgres" ]]; then
        # A temporary server on the unix socket only, so no client can connect before the database exists.
        as_postgres pg_ctl -D "$pgdata" -w -o "-c listen_addresses=''" start >/dev/null
        as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -U "$user" -d postgres \
            -v database="$database" <<<'CREATE DATABASE :"database";'
        as_postgres pg_ctl -D "$pgdata" -m fast -w stop >/dev/null
    fi
    echo "docker-entrypoint: initialized $pgdata for $user (database $database)."
fi

if [[ "$(id -u)" -eq 0 ]]; then
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$pgdata" "$@"
fi
exec postgres -D "$pgdata" "$@"

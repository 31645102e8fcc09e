#!/usr/bin/env bash
# Build entry point for developers and CI (CI runs `bash .ci/run`, as root, on a clean clone, without Docker).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$repo_root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

solution="LiftSys.Sessions.sln"
configuration="Release"
postgres_package="postgresql-15"
pgbouncer_package="pgbouncer"
pgbouncer_binary="/usr/sbin/pgbouncer"

usage() {
    cat <<USAGE
Usage: ./build.sh <command>

Commands:
  test     Build $solution ($configuration) and run every test project against PostgreSQL 15.
           Installs $postgres_package and $pgbouncer_package first when they are missing (as root), and ends
           with one line: "N passed, M failed[, K skipped]".
  sample   Start a throwaway local PostgreSQL 15 with the README's roles, run the sample API on it (which
           migrates as the owner and serves as a NOINHERIT login), walk two users through it with curl
           (samples/run-walkthrough.sh), then stop the API and the server. Exits 0 only if every step did.

Environment:
  LIFTSYS_TEST_POSTGRES   Superuser connection string of an existing server; the tests then use it
                          instead of starting a throwaway cluster (and only $pgbouncer_package is installed).
USAGE
}

# The tests start a throwaway cluster with initdb/pg_ctl; TestSupport looks in the same places.
postgres_binaries_present() {
    local dir
    for dir in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            return 0
        fi
    done
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}

# ensure_postgres [--local]: installs what the tests need (or, with --local, what `sample` needs) when it is missing.
ensure_postgres() {
    local missing=()
    # The tests run PgBouncer (transaction mode) on this machine in front of whichever server they use, so it is
    # needed with LIFTSYS_TEST_POSTGRES too; `sample` (--local) does not use it.
    if [[ "${1:-}" != "--local" && ! -x "$pgbouncer_binary" ]]; then
        missing+=("$pgbouncer_package")
    fi
    if [[ "${1:-}" != "--local" && -n "${LIFTSYS_TEST_POSTGRES:-}" ]]; then
        echo "Using the server in LIFTSYS_TEST_POSTGRES; no local PostgreSQL needed."
    elif ! postgres_binaries_present; then
        missing+=("$postgres_package")
    fi
    if [[ "${#missing[@]}" -eq 0 ]]; then
        return 0
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        if [[ " ${missing[*]} " == *" $postgres_package "* ]]; then
            echo "PostgreSQL 15 server binaries (initdb, pg_ctl, postgres) are missing." >&2
        fi
        if [[ " ${missing[*]} " == *" $pgbouncer_package "* ]]; then
            echo "PgBouncer ($pgbouncer_binary) is missing; the tests run it in front of the test server." >&2
        fi
        echo "Install as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
        if [[ " ${missing[*]} " == *" $postgres_package "* ]]; then
            echo "or set LIFTSYS_TEST_POSTGRES to a superuser connection string of an existing server." >&2
        fi
        exit 1
    fi
    echo "Installing ${missing[*]} ..."
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# trx_counter NAME COUNTERS_ELEMENT: the value of one attribute of a TRX <Counters> element, 0 when absent.
trx_counter() {
    local value
    value="$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")"
    echo "${value:-0}"
}

# Prints "N passed, M failed[, K skipped]" summed over the TRX files in $1; returns 1 when there are none.
summarize_trx() {
    local results_dir="$1" passed=0 failed=0 skipped=0 found=0 trx counters
    while IFS= read -r -d '' trx; do
        found=1
        counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
        [[ -n "$counters" ]] || continue
        passed=$((passed + $(trx_counter passed "$counters")))
        # A test that errored, timed out or was aborted did not pass either.
        failed=$((failed + $(trx_counter failed "$counters") + $(trx_counter error "$counters") \
            + $(trx_counter timeout "$counters") + $(trx_counter aborted "$counters")))
        # Ignored/skipped tests are counted in total but not in executed (notExecuted stays 0).
        skipped=$((skipped + $(trx_counter total "$counters") - $(trx_counter executed "$counters")))
    done < <(find "$results_dir" -name '*.trx' -print0 2>/dev/null)
    if [[ "$found" -eq 0 ]]; then
        return 1
    fi
    if [[ "$skipped" -gt 0 ]]; then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
}

run_tests() {
    ensure_postgres

    local results_dir="$repo_root/artifacts/test-results"
    rm -rf "$results_dir"
    mkdir -p "$results_dir"

    if ! dotnet build "$solution" -c "$configuration"; then
        echo "Build failed; no tests were run." >&2
        exit 1
    fi

    local status=0
    # --blame-hang-timeout: a hung test (a lock wait, a server that never answers) fails the run instead of
    # holding CI until its global timeout.
    dotnet test "$solution" -c "$configuration" --no-build \
        --logger "console;verbosity=normal" \
        --logger trx \
        --results-directory "$results_dir" \
        --blame-hang-timeout 10m --blame-hang-dump-type none \
        || status=$?

    local summary
    if ! summary="$(summarize_trx "$results_dir")"; then
        echo "No test results were written to $results_dir." >&2
        echo "0 passed, 0 failed"
        exit 1
    fi
    echo "$summary"
    if [[ "$status" -ne 0 || "$summary" != *", 0 failed"* ]]; then
        exit 1
    fi
}

postgres_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
        if [[ -n "$dir" && -x "$dir/initdb" ]]; then
            echo "$dir"
            return 0
        fi
    done
    dirname "$(command -v initdb)"
}

# as_postgres CMD...: initdb and postgres refuse to run as root, so run them as the postgres OS user then.
as_postgres() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# stop_sample_server BIN_DIR SAMPLE_DIR
stop_sample_server() {
    as_postgres "$1/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$2"
}

run_sample() {
    ensure_postgres --local

    local bin sample_dir socket_dir port=5432 database="liftsys_sample" owner="liftsys_owner" app="liftsys_app"
    bin="$(postgres_bin_dir)"
    sample_dir="$(mktemp -d "${TMPDIR:-/tmp}/liftsys-sample-XXXXXX")"
    chmod 0755 "$sample_dir"
    socket_dir="$sample_dir"
    [[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$sample_dir"

    # The server listens on a unix socket inside the sample directory only: no TCP port to collide with, and (mode
    # 0700) no other local user can reach this trust-authenticated throwaway server.
    # shellcheck disable=SC2064 # expand now: the locals are gone when the EXIT trap runs
    trap "stop_sample_server '$bin' '$sample_dir'" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    echo "==> Starting a throwaway PostgreSQL 15 in $sample_dir"
    as_postgres "$bin/initdb" -D "$sample_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    as_postgres "$bin/pg_ctl" -D "$sample_dir/data" -l "$sample_dir/server.log" -w \
        -o "-c listen_addresses='' -k $socket_dir -p $port -c unix_socket_permissions=0700 -c fsync=off" start >/dev/null

    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port")
    echo "==> Creating the roles of the README's deployment model: anon, authenticated, service_role (BYPASSRLS),"
    echo "    $owner (owns the tables, runs the migrations) and $app (the API's login: NOINHERIT, no rights of its own)"
    "${psql[@]}" -U postgres -d postgres <<SQL
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE $owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE $app LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
GRANT anon, authenticated, service_role TO $app;
SQL
    echo "==> Creating database $database owned by $owner"
    "${psql[@]}" -U postgres -d postgres -c "CREATE DATABASE $database OWNER $owner TEMPLATE template0"

    # The API logs in as $app and migrates on start-up as $owner; the walkthrough stops it before returning.
    LIFTSYS_SAMPLE_CONNECTION="Host=$socket_dir;Port=$port;Database=$database;Username=$app" \
    LIFTSYS_SAMPLE_MIGRATION_CONNECTION="Host=$socket_dir;Port=$port;Database=$database;Username=$owner" \
    LIFTSYS_SAMPLE_CONFIGURATION="$configuration" \
        bash "$repo_root/samples/run-walkthrough.sh"

    echo
    echo "==> What PostgreSQL kept after the API stopped (read as $owner, which row-level security does not filter)"
    "${psql[@]}" -U "$owner" -d "$database" -P pager=off \
        -c "SELECT user_id, status, source, revision_count, draft_count, hole_count FROM sessions ORDER BY created_at"
    echo "==> Done; stopping the server."
}

case "${1:-}" in
    test)
        run_tests
        ;;
    sample)
        run_sample
        ;;
    -h | --help | help)
        usage
        ;;
    "")
        usage
        exit 1
        ;;
    *)
        echo "Unknown command: $1" >&2
        usage >&2
        exit 2
        ;;
esac

#!/usr/bin/env bash
# Build entry point for developers and CI (CI runs `bash .ci/run`, as root, on a clean clone, with CI=true).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$repo_root"

# docker_engine_start/stop, container_backend_prepare: the tests' container backend (Docker engine, image).
# shellcheck source=tools/ci/container-backend.sh
source "$repo_root/tools/ci/container-backend.sh"

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
  test     Build $solution ($configuration) and run every test project against PostgreSQL 15 in a
           Testcontainers container (as root: installs Debian's Docker engine and mmdebstrap when missing, starts
           an engine of its own, builds tools/postgres-image, stops the engine at the end); then the harness and
           security tests again on the local PostgreSQL binaries, and the dotnet-ef checks (no pending model
           changes; \`dotnet ef migrations script --idempotent\` equals the CLI's \`script\`). Installs
           $postgres_package and $pgbouncer_package first when they are missing (as root). Without Docker (not
           root, no engine) the tests run on the local binaries, except in CI (CI=true), where that is a failure.
           Ends with one line summing every step: "N passed, M failed[, K skipped]".
  sample   Start a throwaway local PostgreSQL 15 with the README's roles, run the sample API on it (which
           migrates as the owner and serves as a NOINHERIT login), walk two users through it with curl
           (samples/run-walkthrough.sh), then stop the API and the server. Exits 0 only if every step did.

Environment:
  LIFTSYS_TEST_BACKEND    container, local or external: the tests' PostgreSQL server (default: external when
                          LIFTSYS_TEST_POSTGRES is set, else container when Docker can be used, else local).
  LIFTSYS_TEST_POSTGRES   Superuser connection string of an existing server (the external backend).
  LIFTSYS_TEST_POSTGRES_IMAGE
                          The container backend's image (default: the repository's, built here).
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

# trx_totals DIR: prints "PASSED FAILED SKIPPED" summed over the TRX files below DIR; returns 1 when there are none.
trx_totals() {
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
    [[ "$found" -eq 1 ]] || return 1
    echo "$passed $failed $skipped"
}

# Every step of `test` records its outcome here; the run ends with one line summing them all.
step_names=()
step_passed=()
step_failed=()
step_skipped=()

# record_step NAME PASSED FAILED [SKIPPED]
record_step() {
    step_names+=("$1")
    step_passed+=("$2")
    step_failed+=("$3")
    step_skipped+=("${4:-0}")
}

# format_counts PASSED FAILED SKIPPED: "N passed, M failed[, K skipped]".
format_counts() {
    if [[ "$3" -gt 0 ]]; then
        echo "$1 passed, $2 failed, $3 skipped"
    else
        echo "$1 passed, $2 failed"
    fi
}

# print_summary: one line per step, then the closing line; returns 1 when anything failed (or nothing ran).
print_summary() {
    local i passed=0 failed=0 skipped=0
    echo
    echo "==> Summary"
    for i in "${!step_names[@]}"; do
        printf '  %-72s %s\n' "${step_names[$i]}:" \
            "$(format_counts "${step_passed[$i]}" "${step_failed[$i]}" "${step_skipped[$i]}")"
        passed=$((passed + step_passed[i]))
        failed=$((failed + step_failed[i]))
        skipped=$((skipped + step_skipped[i]))
    done
    echo "  total time: $((SECONDS / 60)) min $((SECONDS % 60)) s"
    format_counts "$passed" "$failed" "$skipped"
    [[ "$failed" -eq 0 && "$passed" -gt 0 ]]
}

# build_solution: builds everything once; the test passes and the dotnet-ef checks reuse it (--no-build).
build_solution() {
    echo "==> Building $solution ($configuration)"
    if ! dotnet build "$solution" -c "$configuration"; then
        echo "Build failed; no tests were run." >&2
        record_step "build" 0 1
        return 1
    fi
}

# run_test_pass NAME RESULTS_DIR [dotnet test arguments...]: runs dotnet test (the solution unless the arguments
# name a project first) and records the pass's counts from its TRX files.
run_test_pass() {
    local name="$1" results_dir="$2" status=0 totals
    shift 2
    local collect=()
    if [[ "${COLLECT_COVERAGE:-}" == "1" ]]; then
        # coverlet.collector in every test project; the settings limit it to the two libraries.
        collect=(--collect "XPlat Code Coverage" --settings "$repo_root/coverage.runsettings")
    fi
    rm -rf "$results_dir"
    mkdir -p "$results_dir"
    echo
    echo "==> Tests: $name"
    local started=$SECONDS
    # --blame-hang-timeout: a hung test (a lock wait, a server that never answers) fails the run instead of
    # holding CI until its global timeout.
    dotnet test "$@" -c "$configuration" --no-build \
        --logger "console;verbosity=normal" \
        --logger trx \
        --results-directory "$results_dir" \
        --blame-hang-timeout 10m --blame-hang-dump-type none \
        "${collect[@]}" \
        || status=$?
    if ! totals="$(trx_totals "$results_dir")"; then
        echo "No test results were written to $results_dir." >&2
        record_step "$name" 0 1
        return
    fi
    local passed failed skipped
    read -r passed failed skipped <<<"$totals"
    # dotnet test failing with every test passed (a crashed test host, a build error) is a failure of its own.
    if [[ "$status" -ne 0 && "$failed" -eq 0 ]]; then
        echo "dotnet test exited with $status although no test failed." >&2
        failed=1
    fi
    echo "==> $name: $(format_counts "$passed" "$failed" "$skipped") in $((SECONDS - started)) s"
    record_step "$name" "$passed" "$failed" "$skipped"
}

# choose_test_backend: decides where the main pass's database tests run, preparing the container backend (and
# exporting LIFTSYS_TEST_BACKEND) when that is the choice. Sets test_backend and test_backend_description.
choose_test_backend() {
    local requested="${LIFTSYS_TEST_BACKEND:-}"
    requested="${requested,,}"
    if [[ -z "$requested" && -n "${LIFTSYS_TEST_POSTGRES:-}" ]]; then
        requested="external"
    fi
    case "$requested" in
        external | local)
            test_backend="$requested"
            ;;
        container | "")
            echo "==> Preparing the container backend (Testcontainers)"
            local started=$SECONDS
            if container_backend_prepare; then
                test_backend="container"
                echo "==> Container backend ready in $((SECONDS - started)) s"
            elif [[ "$requested" == "container" || "${CI:-}" == "true" ]]; then
                echo "The container backend is required here (LIFTSYS_TEST_BACKEND=container or CI=true) but could not be prepared." >&2
                return 1
            else
                echo "==> No usable Docker engine (see above): the database tests run on the local PostgreSQL binaries instead."
                echo "    To run them in a container: run ./build.sh test as root, or start Docker yourself."
                test_backend="local"
            fi
            ;;
        *)
            echo "LIFTSYS_TEST_BACKEND is '$LIFTSYS_TEST_BACKEND'; it must be container, local or external." >&2
            return 1
            ;;
    esac
    export LIFTSYS_TEST_BACKEND="$test_backend"
    case "$test_backend" in
        container) test_backend_description="in a container (${LIFTSYS_TEST_POSTGRES_IMAGE:-postgres:15})" ;;
        local) test_backend_description="on the local PostgreSQL binaries" ;;
        external) test_backend_description="on the server in LIFTSYS_TEST_POSTGRES" ;;
    esac
}

# check_ef_migrations: dotnet-ef (from .config/dotnet-tools.json) on the library's context, with the CLI as the
# startup project: no model change without a migration, its migrations are the ones the CLI scripts, and its
# idempotent script is byte for byte the CLI's `script`.
check_ef_migrations() {
    local dir="$repo_root/artifacts/ef" passed=0 failed=0
    local ef=(dotnet ef --project src/LiftSys.Sessions.EfCore --startup-project tools/LiftSys.Sessions.Cli
        --configuration "$configuration" --no-build)
    local cli=(dotnet run --project tools/LiftSys.Sessions.Cli --configuration "$configuration" --no-build --)
    rm -rf "$dir"
    mkdir -p "$dir"
    echo
    echo "==> dotnet ef: restoring the tool manifest (.config/dotnet-tools.json)"
    if ! dotnet tool restore; then
        record_step "dotnet ef migrations checks" 0 1
        return
    fi

    echo "==> dotnet ef migrations has-pending-model-changes"
    if "${ef[@]}" migrations has-pending-model-changes; then
        echo "==> OK: the model has no change that a migration does not capture."
        passed=$((passed + 1))
    else
        echo "==> FAILED: the model changed without a migration (add one: see docs/ARCHITECTURE.md)." >&2
        failed=$((failed + 1))
    fi

    echo "==> dotnet ef migrations script --idempotent, compared with liftsys-sessions script"
    # dotnet-ef writes a UTF-8 byte order mark, the CLI does not; the SQL is what must be equal.
    if "${ef[@]}" migrations script --idempotent --output "$dir/ef-idempotent.sql" \
        && "${cli[@]}" script --output "$dir/cli-script.sql"; then
        sed -i '1s/^\xEF\xBB\xBF//' "$dir/ef-idempotent.sql" "$dir/cli-script.sql"
        if diff -u "$dir/cli-script.sql" "$dir/ef-idempotent.sql" >"$dir/script.diff"; then
            echo "==> OK: the two scripts are identical ($(wc -l <"$dir/cli-script.sql") lines)."
            passed=$((passed + 1))
        else
            echo "==> FAILED: the scripts differ ($dir/script.diff):" >&2
            head -n 60 "$dir/script.diff" >&2
            failed=$((failed + 1))
        fi
    else
        echo "==> FAILED: a script could not be generated." >&2
        failed=$((failed + 1))
    fi

    echo "==> dotnet ef migrations list, compared with the migrations the CLI's script applies"
    if "${ef[@]}" migrations list --no-connect --prefix-output >"$dir/ef-list.txt" 2>&1; then
        sed -n 's/^data: *//p' "$dir/ef-list.txt" >"$dir/ef-migrations.txt"
        grep -o "VALUES ('[0-9]\{14\}_[A-Za-z0-9_]*'" "$dir/cli-script.sql" 2>/dev/null \
            | sed "s/VALUES ('//; s/'\$//" >"$dir/cli-migrations.txt" || true
        if [[ -s "$dir/ef-migrations.txt" ]] && diff -u "$dir/cli-migrations.txt" "$dir/ef-migrations.txt"; then
            echo "==> OK: $(wc -l <"$dir/ef-migrations.txt") migrations: $(paste -sd ' ' "$dir/ef-migrations.txt")"
            passed=$((passed + 1))
        else
            echo "==> FAILED: dotnet ef lists other migrations than the script applies ($dir/ef-list.txt)." >&2
            failed=$((failed + 1))
        fi
    else
        cat "$dir/ef-list.txt" >&2
        echo "==> FAILED: dotnet ef migrations list." >&2
        failed=$((failed + 1))
    fi
    record_step "dotnet ef migrations checks" "$passed" "$failed"
}

# check_alert_rules: promtool (Debian's prometheus package) checks and unit-tests the alerting rules in docs/monitoring.
check_alert_rules() {
    echo
    echo "==> Alerting rules: promtool check rules + promtool test rules (docs/monitoring)"
    if bash "$repo_root/docs/monitoring/test-rules.sh"; then
        record_step "promtool rule checks and tests" 1 0
    else
        record_step "promtool rule checks and tests" 0 1
    fi
}

# report_coverage RESULTS_DIR: line and branch coverage per folder, merged over every test project's Cobertura report,
# with the storage layer's floor enforced (tools/coverage/coverage-floor.txt).
report_coverage() {
    local results_dir="$1" reports=() bars=() folder bar
    while IFS= read -r -d '' report; do
        reports+=("$report")
    done < <(find "$results_dir" -name 'coverage.cobertura.xml' -print0)
    echo
    echo "==> Coverage (coverlet, ${#reports[@]} reports merged), per folder"
    if [[ "${#reports[@]}" -eq 0 ]]; then
        echo "No coverage reports were written." >&2
        record_step "coverage" 0 1
        return
    fi
    while read -r folder bar; do
        [[ -z "$folder" || "$folder" == \#* ]] && continue
        bars+=(--require "$folder=$bar")
    done <"$repo_root/tools/coverage/coverage-floor.txt"
    if python3 "$repo_root/tools/coverage/coverage_table.py" "${reports[@]}" "${bars[@]}"; then
        record_step "coverage floor of the storage layer" 1 0
    else
        record_step "coverage floor of the storage layer" 0 1
    fi
}

run_tests() {
    ensure_postgres
    # Stops the Docker engine this run started, if any, by its pid, however the run ends.
    trap docker_engine_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local results_root="$repo_root/artifacts/test-results"
    rm -rf "$results_root"
    mkdir -p "$results_root"

    choose_test_backend || exit 1
    if ! build_solution; then
        docker_engine_stop
        print_summary || true
        exit 1
    fi

    COLLECT_COVERAGE=1 run_test_pass "all tests, database $test_backend_description" "$results_root/$test_backend" "$solution"
    report_coverage "$results_root/$test_backend"

    # The local binaries stay the backend of machines without Docker: when the main pass ran elsewhere, the
    # harness's own tests and the security tests (RLS, PgBouncer leaks) run on them once more.
    if [[ "$test_backend" != "local" ]]; then
        LIFTSYS_TEST_BACKEND=local run_test_pass \
            "EfCore harness + security tests, database on the local PostgreSQL binaries" "$results_root/local" \
            tests/LiftSys.Sessions.EfCore.Tests --filter "FullyQualifiedName~.Harness.|FullyQualifiedName~.Security."
    fi

    check_ef_migrations
    check_alert_rules
    # Now rather than in the EXIT trap, so that the summary's closing line is the run's last.
    docker_engine_stop
    print_summary || exit 1
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

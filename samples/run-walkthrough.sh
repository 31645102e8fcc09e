#!/usr/bin/env bash
# Runs the sample API (samples/LiftSys.Sessions.SampleApi) against a prepared PostgreSQL database and walks two users
# through it with curl, checking every status code. `./build.sh sample` prepares a throwaway database and calls this;
# it also works against any database laid out as in the README's "Deployment model" (a Supabase project included).
#
# Environment:
#   LIFTSYS_SAMPLE_CONNECTION            required: the application's login (LOGIN NOINHERIT, granted anon,
#                                        authenticated and service_role; never the tables' owner)
#   LIFTSYS_SAMPLE_MIGRATION_CONNECTION  required: the tables' owner; the API applies the migrations with it on start-up
#   LIFTSYS_SAMPLE_CONFIGURATION         build configuration, Release by default
#
# Exits 0 only when every step answered as expected. Needs bash, curl and the .NET 10 SDK; not jq.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$repo_root/samples/LiftSys.Sessions.SampleApi"
configuration="${LIFTSYS_SAMPLE_CONFIGURATION:-Release}"
app_dir="$project/bin/$configuration/net10.0"
app_dll="$app_dir/LiftSys.Sessions.SampleApi.dll"

if [[ -z "${LIFTSYS_SAMPLE_CONNECTION:-}" || -z "${LIFTSYS_SAMPLE_MIGRATION_CONNECTION:-}" ]]; then
  echo "Set LIFTSYS_SAMPLE_CONNECTION (the app's login) and LIFTSYS_SAMPLE_MIGRATION_CONNECTION (the owner)," >&2
  echo "or run ./build.sh sample, which starts a throwaway PostgreSQL 15 and sets both." >&2
  exit 2
fi
for tool in curl dotnet; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required." >&2; exit 2; }
done

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/liftsys-walkthrough-XXXXXX")"
api_log="$work_dir/api.log"
api_pid=""
steps=0

stop_api() {
  if [[ -n "$api_pid" ]] && kill -0 "$api_pid" 2>/dev/null; then
    echo "==> Stopping the sample API (pid $api_pid)"
    kill -TERM "$api_pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$api_pid" 2>/dev/null && [[ "$waited" -lt 100 ]]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$api_pid" 2>/dev/null; then
      kill -KILL "$api_pid" 2>/dev/null || true
    fi
    wait "$api_pid" 2>/dev/null || true
  fi
  api_pid=""
}

cleanup() {
  local status=$?
  stop_api
  if [[ "$status" -ne 0 && -s "$api_log" ]]; then
    echo "---- last lines of the API's log ----" >&2
    tail -n 40 "$api_log" >&2 || true
  fi
  rm -rf "$work_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# random_hex BYTES: a random hex string, from openssl when present, else from the kernel.
random_hex() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex "$1"
  else
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
  fi
}

# new_uuid: a random (version 4) UUID.
new_uuid() {
  local h
  h="$(random_hex 16)"
  printf '%s-%s-4%s-%x%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" $(((16#${h:16:1} & 3) | 8)) "${h:17:3}" "${h:20:12}"
}

# json_value FILE KEY: the first value of "KEY" in the compact JSON the API writes (a string without quotes, a number,
# true/false/null); empty when absent. grep/sed only, so the walkthrough needs no jq.
json_value() {
  grep -o "\"$2\":\(\"[^\"]*\"\|[^],}]*\)" "$1" | head -n 1 | sed -e "s/^\"$2\"://" -e 's/^"\(.*\)"$/\1/' || true
}

# json_count FILE KEY: how many times "KEY" occurs.
json_count() {
  { grep -o "\"$2\":" "$1" || true; } | wc -l | tr -d ' '
}

echo "==> Building the sample API ($configuration)"
dotnet build "$project" -c "$configuration" -v quiet -nologo >"$work_dir/build.log" 2>&1 || {
  cat "$work_dir/build.log" >&2
  fail "the sample API did not build"
}

# The API's configuration travels in the environment of this script and its children only, never on a command line
# (where `ps` shows it), and is set after the build so that no build server inherits it. The API logs in as the
# application's login and migrates as the owner on start-up.
export LiftSysSessions__ConnectionString="$LIFTSYS_SAMPLE_CONNECTION"
export LiftSysSessions__MigrationConnectionString="$LIFTSYS_SAMPLE_MIGRATION_CONNECTION"
export MigrateOnStartup=true
# The JWT secret of this run only: random, in the environment, never written to a file. Issuer and audience are
# required (the API refuses to start without them); a Supabase project's issuer is https://<ref>.supabase.co/auth/v1.
Jwt__Secret="$(random_hex 32)"
export Jwt__Secret
export Jwt__Issuer="https://walkthrough.supabase.co/auth/v1"
export Jwt__Audience="authenticated"
export ASPNETCORE_ENVIRONMENT=Production

echo "==> Starting the sample API on a free port of 127.0.0.1 (it applies the migrations as the owner first)"
# A simple command in the background, so that $! is the API's own pid (not a wrapping subshell's) and stop_api stops it.
dotnet "$app_dll" --urls "http://127.0.0.1:0" --contentRoot "$app_dir" >"$api_log" 2>&1 &
api_pid=$!

base_url=""
for _ in $(seq 1 600); do
  kill -0 "$api_pid" 2>/dev/null || fail "the sample API exited during start-up"
  base_url="$(grep -o 'Now listening on: http://127\.0\.0\.1:[0-9]*' "$api_log" | head -n 1 | sed 's/^Now listening on: //' || true)"
  [[ -z "$base_url" ]] || break
  sleep 0.1
done
[[ -n "$base_url" ]] || fail "the sample API did not start listening within 60 seconds"
echo "    listening on $base_url"

# step TITLE: starts a numbered step.
step() {
  steps=$((steps + 1))
  echo
  echo "==> $steps. $1"
}

# call EXPECTED_STATUS METHOD PATH [TOKEN] [JSON_BODY]: prints the request, sends it, checks the status code, and leaves
# the response body in $body_file. The token is never printed.
body_file="$work_dir/body.json"
call() {
  local expected="$1" method="$2" path="$3" token="${4:-}" data="${5:-}" status
  local args=(-sS -o "$body_file" -w '%{http_code}' -X "$method" "$base_url$path" -H 'Accept: application/json')
  [[ -z "$token" ]] || args+=(-H "Authorization: Bearer $token")
  if [[ -n "$data" ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$data")
  fi
  echo "    $method $path${data:+  $data}"
  status="$(curl "${args[@]}")" || fail "$method $path: curl could not reach the API"
  if [[ "$status" != "$expected" ]]; then
    echo "    <-- $status (expected $expected): $(cat "$body_file")" >&2
    fail "$method $path answered $status instead of $expected"
  fi
}

# expect KEY VALUE: checks the first "KEY" of the last response body.
expect() {
  local actual
  actual="$(json_value "$body_file" "$1")"
  [[ "$actual" == "$2" ]] || fail "expected $1=$2 in the response, got '$actual': $(cat "$body_file")"
}

# summary KEY...: prints "<-- STATUS key=value ..." for the last response.
summary() {
  local line="    <-- $1" key
  shift
  for key in "$@"; do
    line+="  $key=$(json_value "$body_file" "$key")"
  done
  echo "$line"
}

step "Health: PostgreSQL reachable, migrations applied, row-level security on, login role safe"
for _ in $(seq 1 100); do
  [[ "$(curl -s -o "$body_file" -w '%{http_code}' "$base_url/health" || true)" == "200" ]] && break
  sleep 0.2
done
call 200 GET /health
expect status healthy
summary 200 status description

alice_id="$(new_uuid)"
bob_id="$(new_uuid)"
step "Minting access tokens (HS256, this run's random secret) with \`LiftSys.Sessions.SampleApi mint-token <user-id>\`"
alice="$(dotnet "$app_dll" mint-token "$alice_id")" || fail "mint-token failed for Alice"
bob="$(dotnet "$app_dll" mint-token "$bob_id")" || fail "mint-token failed for Bob"
echo "    Alice = $alice_id"
echo "    Bob   = $bob_id"

step "Nobody signed in: the API answers 401 before PostgreSQL is asked anything"
call 401 GET /api/sessions
summary 401 title

step "Alice creates a session from a prompt"
call 201 POST /api/sessions "$alice" '{"prompt":"Write a function that adds two numbers"}'
expect user_id "$alice_id"
expect status active
alice_session="$(json_value "$body_file" session_id)"
summary 201 session_id status source

step "Alice appends the first IR revision"
call 201 POST "/api/sessions/$alice_session/revisions" "$alice" \
  '{"source":"initial","ir_content":{"intent":{"summary":"Add two numbers"},"signature":{"name":"add","parameters":[{"name":"a","type_hint":"int"},{"name":"b","type_hint":"int"}],"returns":"int"},"holes":[{"id":"hole_function_name","type":"parameter"}]},"change_summary":"First IR from the prompt"}'
expect revision_number 1
revision_id="$(json_value "$body_file" revision_id)"
summary 201 revision_id revision_number source

step "Alice adds a code draft generated from that revision"
call 201 POST "/api/sessions/$alice_session/drafts" "$alice" \
  "{\"source\":\"initial_generation\",\"code_content\":\"def add(a: int, b: int) -> int:\\n    return a + b\\n\",\"ir_revision_id\":\"$revision_id\",\"syntax_valid\":true,\"ast_valid\":true,\"llm_tokens_used\":412,\"llm_cost_usd\":0.00124}"
expect draft_number 1
summary 201 draft_id draft_number language syntax_valid

step "Alice resolves a typed hole in that revision"
call 201 POST "/api/sessions/$alice_session/holes/hole_function_name/resolve" "$alice" \
  "{\"hole_type\":\"parameter\",\"resolution_method\":\"user_selection\",\"resolved_value\":\"calculate_sum\",\"ir_revision_id\":\"$revision_id\",\"confidence_score\":0.95}"
expect hole_id hole_function_name
summary 201 resolution_id hole_id resolution_method

step "Alice finalizes the session"
call 200 POST "/api/sessions/$alice_session/finalize" "$alice"
expect status finalized
summary 200 status finalized_at revision_count draft_count hole_count

step "Alice reads it back: the session with its latest revision and draft"
call 200 GET "/api/sessions/$alice_session" "$alice"
expect status finalized
expect hole_count 1
summary 200 session_id status current_code

step "Alice reads its timeline"
call 200 GET "/api/sessions/$alice_session/timeline" "$alice"
[[ "$(json_count "$body_file" event_type)" == 4 ]] || fail "expected 4 timeline events: $(cat "$body_file")"
echo "    <-- 200  events: $(grep -o '"event_type":"[a-z_]*"' "$body_file" | sed 's/"event_type":"\(.*\)"/\1/' | paste -sd ' ' -)"

step "Bob creates his own session, from code"
call 201 POST /api/sessions "$bob" '{"code":"def mul(a, b):\n    return a * b\n"}'
expect user_id "$bob_id"
bob_session="$(json_value "$body_file" session_id)"
summary 201 session_id source

step "Bob lists his active sessions: only his own"
call 200 GET "/api/sessions?offset=0&limit=50" "$bob"
[[ "$(json_count "$body_file" session_id)" == 1 ]] || fail "Bob should see exactly one session: $(cat "$body_file")"
expect session_id "$bob_session"
! grep -q "$alice_session" "$body_file" || fail "Bob's list shows Alice's session"
summary 200 session_id user_id has_more

step "Bob lists finalized sessions: Alice's finalized session is not among them"
call 200 GET "/api/sessions?status=finalized" "$bob"
[[ "$(json_count "$body_file" session_id)" == 0 ]] || fail "Bob should see no finalized session: $(cat "$body_file")"
echo "    <-- 200  items=[]"

step "Bob asks for Alice's session by id: 404, the same answer as for a session that does not exist"
call 404 GET "/api/sessions/$alice_session" "$bob"
summary 404 title detail

step "Bob tries to delete Alice's session: 404, and nothing is deleted"
call 404 DELETE "/api/sessions/$alice_session" "$bob"
summary 404 title
call 200 GET "/api/sessions/$alice_session" "$alice"
expect session_id "$alice_session"
echo "    <-- 200  Alice's session is still there"

step "Bob's claims with Alice's signature: 401"
call 401 GET /api/sessions "${bob%.*}.${alice##*.}"
summary 401 detail

step "A token from another issuer, signed with the same secret: 401 (issuer and audience are always checked)"
stranger="$(dotnet "$app_dll" mint-token "$bob_id" --Jwt:Issuer=https://another-project.supabase.co/auth/v1)" \
  || fail "mint-token failed for the other issuer"
call 401 GET /api/sessions "$stranger"
summary 401 detail

step "Bad input is a 400 that names the field and the rule"
call 400 POST /api/sessions "$alice" '{"prompt":"   "}'
expect field original_input
summary 400 field rule

step "Alice's analytics (the user_analytics view, under row-level security)"
call 200 GET /api/analytics/me "$alice"
expect user_id "$alice_id"
expect total_sessions 1
expect finalized_sessions 1
summary 200 total_sessions finalized_sessions total_revisions total_drafts total_llm_tokens_used total_llm_cost_usd

step "Bob's analytics: his session only"
call 200 GET /api/analytics/me "$bob"
expect user_id "$bob_id"
expect total_sessions 1
expect finalized_sessions 0
summary 200 total_sessions active_sessions finalized_sessions

step "Prometheus scrape endpoint: the library's business metrics after the walk"
call 200 GET /metrics
for metric in liftsys_sessions_created_total liftsys_sessions_finalized_total liftsys_sessions_holes_resolved_total \
  liftsys_sessions_operation_duration_seconds_bucket db_client_connection_count db_client_operation_duration_seconds_bucket; do
  grep -q "^$metric{" "$body_file" || fail "/metrics does not show $metric"
done
echo "    <-- 200  $(grep -E '^liftsys_sessions_(created|finalized|holes_resolved)_total' "$body_file" | sed -E 's/\{[^}]*source="([a-z]+)"[^}]*\}/(\1)/; s/\{[^}]*\}//' | paste -sd ' ' -)"

echo
stop_api
echo "==> Walkthrough passed: $steps steps, every status code as expected."

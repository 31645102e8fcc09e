# shellcheck shell=bash
# Sourced by build.sh: everything the tests' container backend needs on a machine of this kind — Debian's Docker
# engine and mmdebstrap (installed when missing, as root), an engine of the run's own (started in the background in a
# temporary directory, stopped by its pid), and the repository's PostgreSQL 15 image (tools/postgres-image).
#
# container_backend_prepare exports, when it returns 0:
#   LIFTSYS_TEST_BACKEND=container, LIFTSYS_TEST_POSTGRES_IMAGE, DOCKER_HOST, DOCKER_API_VERSION and, where needed,
#   TESTCONTAINERS_HOST_OVERRIDE / TESTCONTAINERS_RYUK_DISABLED.
# The caller must run docker_engine_stop on exit (a trap); it stops only an engine this script started.

liftsys_ci_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
liftsys_repo_dir="$(cd "$liftsys_ci_dir/../.." && pwd)"

# Debian's client and engine; another docker client earlier on PATH may speak to something else entirely.
docker_client="/usr/bin/docker"
dockerd_binary="/usr/sbin/dockerd"

liftsys_dockerd_pid=""
liftsys_dockerd_dir=""

container_log() { echo "container backend: $*"; }

# container_tools_install: installs docker.io and mmdebstrap when missing. Returns 1 (with a message) when they are
# missing and this is not root.
container_tools_install() {
    local missing=()
    [[ -x "$docker_client" && -x "$dockerd_binary" ]] || missing+=(docker.io)
    command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
    [[ "${#missing[@]}" -gt 0 ]] || return 0
    if [[ "$(id -u)" -ne 0 ]]; then
        container_log "${missing[*]} missing; install as root: apt-get install -y ${missing[*]}"
        return 1
    fi
    container_log "installing ${missing[*]} ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# docker_engine_answers: the engine DOCKER_HOST (or the default socket) names answers.
docker_engine_answers() {
    [[ -x "$docker_client" ]] && "$docker_client" version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

# docker_engine_start: starts dockerd in the background, its state in a fresh temporary directory (data, exec root,
# pid file, socket), published ports on 127.0.0.1 only, and waits until it answers. Sets DOCKER_HOST.
docker_engine_start() {
    if [[ "$(id -u)" -ne 0 ]]; then
        container_log "starting a Docker engine needs root."
        return 1
    fi
    liftsys_dockerd_dir="$(mktemp -d /tmp/liftsys-docker-XXXXXX)"
    local socket="$liftsys_dockerd_dir/docker.sock"
    "$dockerd_binary" \
        --data-root "$liftsys_dockerd_dir/data" \
        --exec-root "$liftsys_dockerd_dir/exec" \
        --pidfile "$liftsys_dockerd_dir/dockerd.pid" \
        --host "unix://$socket" \
        --ip 127.0.0.1 \
        >"$liftsys_dockerd_dir/dockerd.log" 2>&1 &
    liftsys_dockerd_pid=$!
    export DOCKER_HOST="unix://$socket"
    local waited=0
    until docker_engine_answers; do
        if ! kill -0 "$liftsys_dockerd_pid" 2>/dev/null || [[ "$waited" -ge 60 ]]; then
            container_log "the Docker engine did not start; its log ends with:"
            tail -n 20 "$liftsys_dockerd_dir/dockerd.log" | sed 's/^/    /'
            docker_engine_stop
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    container_log "Docker engine $("$docker_client" version --format '{{.Server.Version}}') started (pid $liftsys_dockerd_pid, $DOCKER_HOST)."
}

# docker_engine_stop: stops the engine docker_engine_start started — by its pid, never by name — and deletes its
# directory once nothing is mounted below it any more. Does nothing when it started none; safe to call twice.
docker_engine_stop() {
    if [[ -n "$liftsys_dockerd_pid" ]]; then
        if kill -0 "$liftsys_dockerd_pid" 2>/dev/null; then
            # SIGTERM: dockerd stops its containers (their STOPSIGNAL) and its containerd, then exits.
            kill -TERM "$liftsys_dockerd_pid" 2>/dev/null || true
            local waited=0
            while kill -0 "$liftsys_dockerd_pid" 2>/dev/null && [[ "$waited" -lt 30 ]]; do
                sleep 1
                waited=$((waited + 1))
            done
            if kill -0 "$liftsys_dockerd_pid" 2>/dev/null; then
                container_log "the Docker engine (pid $liftsys_dockerd_pid) ignored SIGTERM for 30 s; killing it."
                kill -KILL "$liftsys_dockerd_pid" 2>/dev/null || true
            fi
        fi
        wait "$liftsys_dockerd_pid" 2>/dev/null || true
        container_log "Docker engine (pid $liftsys_dockerd_pid) stopped."
        liftsys_dockerd_pid=""
    fi
    if [[ -n "$liftsys_dockerd_dir" && -d "$liftsys_dockerd_dir" ]]; then
        # Deleting through a mount that outlived the engine would delete what it shows; unmount first, deepest
        # first, and keep the directory if anything stays mounted.
        local mount_point
        while read -r mount_point; do
            umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null || true
        done < <(awk -v dir="$liftsys_dockerd_dir/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r)
        if awk -v dir="$liftsys_dockerd_dir/" 'index($2, dir) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
            container_log "something is still mounted below $liftsys_dockerd_dir; leaving it in place."
        else
            rm -rf "$liftsys_dockerd_dir"
        fi
        liftsys_dockerd_dir=""
    fi
}

# container_backend_prepare: makes the container backend usable, or returns 1 with the reason printed.
container_backend_prepare() {
    if docker_engine_answers; then
        container_log "using the Docker engine that already answers (${DOCKER_HOST:-default socket})."
    else
        container_tools_install || return 1
        docker_engine_start || return 1
        # Ryuk, Testcontainers' reaper, needs an image from a registry; this engine is stopped at the end of the run,
        # containers and all, and the harness removes its containers itself.
        export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
    fi

    # Testcontainers asks for a newer API than Debian's engine (20.10) speaks; the engine's own version works.
    if [[ -z "${DOCKER_API_VERSION:-}" ]]; then
        DOCKER_API_VERSION="$("$docker_client" version --format '{{.Server.APIVersion}}')"
        export DOCKER_API_VERSION
    fi
    # In a machine with /.dockerenv Testcontainers believes it runs in a container and dials the bridge gateway;
    # a local engine publishes on loopback.
    if [[ -f /.dockerenv && "${DOCKER_HOST:-unix://}" == unix://* ]]; then
        export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
    fi

    if [[ -z "${LIFTSYS_TEST_POSTGRES_IMAGE:-}" ]]; then
        if ! command -v mmdebstrap >/dev/null 2>&1 && ! container_tools_install; then
            container_log "cannot build the repository's image; the harness uses its default image (postgres:15) from a registry."
        else
            local started=$SECONDS image
            if ! image="$(DOCKER="$docker_client" bash "$liftsys_repo_dir/tools/postgres-image/build-image.sh" | tail -n 1)" \
                || [[ -z "$image" ]]; then
                container_log "building the PostgreSQL image failed."
                return 1
            fi
            export LIFTSYS_TEST_POSTGRES_IMAGE="$image"
            container_log "image $image ready in $((SECONDS - started)) s."
        fi
    fi
    export LIFTSYS_TEST_BACKEND=container
}

#!/usr/bin/env bash
# Builds the repository's PostgreSQL 15 image (Debian bookworm's postgresql-15 on a minimal Debian root) for the test
# harness's Testcontainers backend, where no image registry is reachable. Needs mmdebstrap and a Docker engine
# (DOCKER_HOST, or the default socket). Prints the image's tag as its last line of standard output.
#
# The root file system (3-4 minutes, most of it downloading) is cached in $LIFTSYS_CACHE_DIR, keyed by a hash of this
# recipe and of apt's sources, so a second run on the same machine only re-imports it; the image is tagged with a hash
# of the whole recipe, so an engine that already has it does nothing at all.
#
# Environment:
#   LIFTSYS_CACHE_DIR      cache directory (default /var/cache/liftsys-sessions as root, else ~/.cache/liftsys-sessions)
#   LIFTSYS_DEBIAN_MIRROR  a mirror (URL, "deb ..." line or .list/.sources file) instead of apt's own sources
#   DOCKER                 the docker client to use (default: docker on PATH)
set -euo pipefail

recipe_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
suite="bookworm"
packages="postgresql-15"
image_repository="liftsys-sessions/postgres"
docker_cli="${DOCKER:-docker}"

log() { echo "build-image: $*" >&2; }

if [[ "$(id -u)" -eq 0 ]]; then
    cache_dir="${LIFTSYS_CACHE_DIR:-/var/cache/liftsys-sessions}"
else
    cache_dir="${LIFTSYS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/liftsys-sessions}"
fi

# The mirrors apt itself uses (only the files naming this suite: a host's third-party repositories stay out).
mirrors=()
if [[ -n "${LIFTSYS_DEBIAN_MIRROR:-}" ]]; then
    mirrors=("$LIFTSYS_DEBIAN_MIRROR")
else
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        if [[ -f "$file" ]] && grep -v '^[[:space:]]*#' "$file" | grep -qw "$suite"; then
            mirrors+=("$file")
        fi
    done
fi
if [[ "${#mirrors[@]}" -eq 0 ]]; then
    log "no apt source for $suite found in /etc/apt; set LIFTSYS_DEBIAN_MIRROR (e.g. http://deb.debian.org/debian)."
    exit 1
fi

# dpkg leaves out (path-exclude) what a test server never uses, roughly halving the image and with it the time every
# CI run spends importing it into its fresh engine: LLVM and z3 serve only JIT compilation, which PostgreSQL skips
# without a word when llvmjit.so is absent; locale sources, translations and docs serve nobody here. The package's
# post-install script creates a cluster (15/main) the image never uses: the entrypoint makes its own in PGDATA.
mmdebstrap_options=(
    --variant=minbase
    --include="$packages"
    --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/libLLVM*'
    --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/libz3*'
    --dpkgopt='path-exclude=/usr/lib/postgresql/15/lib/llvmjit*'
    --dpkgopt='path-exclude=/usr/lib/postgresql/15/lib/bitcode/*'
    --dpkgopt='path-exclude=/usr/share/i18n/*'
    --dpkgopt='path-exclude=/usr/share/locale/*'
    --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-exclude=/usr/share/man/*'
    --customize-hook='rm -rf "$1"/var/lib/postgresql/15 "$1"/etc/postgresql/15 "$1"/var/lib/apt/lists/*'
)

# What the root file system depends on: the mmdebstrap call and the mirrors' content.
mirror_fingerprint() {
    local mirror
    for mirror in "${mirrors[@]}"; do
        if [[ -f "$mirror" ]]; then cat "$mirror"; else echo "$mirror"; fi
    done
}
rootfs_key="$( { printf '%s\n' "$suite" "${mmdebstrap_options[@]}"; mirror_fingerprint; } | sha256sum | cut -c1-16)"
image_key="$( { echo "$rootfs_key"; cat "$recipe_dir/Dockerfile" "$recipe_dir/docker-entrypoint.sh"; } | sha256sum | cut -c1-16)"
image="$image_repository:15-$image_key"

if "$docker_cli" image inspect "$image" >/dev/null 2>&1; then
    log "$image is already built."
    echo "$image"
    exit 0
fi

mkdir -p "$cache_dir"
rootfs="$cache_dir/postgres-15-rootfs-$rootfs_key.tar"
if [[ -s "$rootfs" ]]; then
    log "reusing the cached root file system $rootfs"
else
    command -v mmdebstrap >/dev/null 2>&1 || { log "mmdebstrap is missing: apt-get install -y mmdebstrap"; exit 1; }
    log "building a minimal $suite root file system with $packages (a few minutes, mostly downloading) ..."
    # mmdebstrap picks its output format from the file name, so the unfinished file must end in .tar too.
    partial="$cache_dir/partial-$$-$(basename "$rootfs")"
    trap 'rm -f "$partial"' EXIT
    mmdebstrap --quiet "${mmdebstrap_options[@]}" "$suite" "$partial" "${mirrors[@]}" >&2
    mv "$partial" "$rootfs"
    trap - EXIT
    # Older recipes' root file systems would otherwise pile up in the cache.
    find "$cache_dir" -maxdepth 1 -name 'postgres-15-rootfs-*.tar' ! -name "$(basename "$rootfs")" -delete
fi

context="$(mktemp -d "${TMPDIR:-/tmp}/liftsys-image-XXXXXX")"
trap 'rm -rf "$context"' EXIT
cp "$recipe_dir/Dockerfile" "$recipe_dir/docker-entrypoint.sh" "$context/"
# A hard link when possible: the build context is otherwise a second copy of a tarball of ~100 MB.
ln "$rootfs" "$context/rootfs.tar" 2>/dev/null || cp "$rootfs" "$context/rootfs.tar"
log "building $image ..."
"$docker_cli" build --quiet --tag "$image" --tag "$image_repository:15" "$context" >&2
echo "$image"

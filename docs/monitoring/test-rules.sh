#!/usr/bin/env bash
# Checks and unit-tests the Prometheus rules in this folder with promtool:
#   promtool check rules liftsys-sessions.rules.yml
#   promtool test rules  liftsys-sessions.rules.test.yml
# Installs promtool (Debian's `prometheus` package) when it is missing and this runs as root; the Prometheus server
# that comes with the package is kept from starting. Exits non-zero when a check or a test fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rules="$here/liftsys-sessions.rules.yml"
tests="$here/liftsys-sessions.rules.test.yml"

install_promtool() {
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "promtool is missing. Install as root:  apt-get update && apt-get install -y prometheus" >&2
        exit 1
    fi
    echo "Installing promtool (Debian package prometheus) ..."
    # The package's post-install would start a Prometheus server; a policy-rc.d that says "no" keeps it from doing
    # so (only when none exists already, and removed again afterwards).
    local policy="/usr/sbin/policy-rc.d" placed=""
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        placed="yes"
    fi
    local status=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } || status=$?
    [[ -z "$placed" ]] || rm -f "$policy"
    if [[ "$status" -ne 0 ]]; then
        echo "Installing prometheus failed (exit $status)." >&2
        exit "$status"
    fi
}

command -v promtool >/dev/null 2>&1 || install_promtool

echo "==> promtool check rules $(basename "$rules")"
promtool check rules "$rules"
echo "==> promtool test rules $(basename "$tests")"
# promtool resolves rule_files relative to the test file's directory.
(cd "$here" && promtool test rules "$(basename "$tests")")

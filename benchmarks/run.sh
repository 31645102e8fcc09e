#!/usr/bin/env bash
# Runs the LiftSys.Sessions benchmarks (BenchmarkDotNet, library vs raw Npgsql) against a throwaway PostgreSQL 15 that
# the benchmark process starts itself, exactly as the tests do (or the server in LIFTSYS_TEST_POSTGRES).
#
#   benchmarks/run.sh --quick     10k and 100k sessions; a few minutes on 2 cores
#   benchmarks/run.sh             full: 10k and 1M sessions; 10-15 minutes, 6.5 GiB of disk for the 1M dataset
#   benchmarks/run.sh --help      every option
#
# Results: artifacts/benchmarks/<mode>-<timestamp>/results.md (the tables of docs/benchmarks.md), plans-*.md
# (EXPLAIN ANALYZE of the statements behind the misses) and BenchmarkDotNet's own reports in bdn-*/.
# Not part of ./build.sh test or CI.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

project="benchmarks/LiftSys.Sessions.Benchmarks/LiftSys.Sessions.Benchmarks.csproj"
postgres_package="postgresql-15"

postgres_binaries_present() {
  local dir
  for dir in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      return 0
    fi
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}

case " $* " in
  *" --help "* | *" -h "*) ;;
  *)
    if [[ -z "${LIFTSYS_TEST_POSTGRES:-}" ]] && ! postgres_binaries_present; then
      if [[ "$(id -u)" -ne 0 ]]; then
        echo "PostgreSQL 15 server binaries are missing. As root: apt-get update && apt-get install -y $postgres_package" >&2
        echo "or set LIFTSYS_TEST_POSTGRES to a superuser connection string of an existing server." >&2
        exit 1
      fi
      echo "Installing $postgres_package ..."
      apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y "$postgres_package"
    fi
    ;;
esac

# Release: BenchmarkDotNet refuses non-optimized assemblies, and it runs the benchmarks in this process.
dotnet build "$project" -c Release -nologo -v quiet
exec dotnet "benchmarks/LiftSys.Sessions.Benchmarks/bin/Release/net10.0/LiftSys.Sessions.Benchmarks.dll" "$@"

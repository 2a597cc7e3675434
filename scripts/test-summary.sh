#!/usr/bin/env bash
# Sums the per-assembly lines of `dotnet test` (and any extra checks) into one closing line:
#   tests: N passed, N failed, N skipped
# A test run that aborted (its host crashed, an assembly could not load) counts as one failed test: it has no
# per-assembly line, and the summary must never read "0 failed" when `dotnet test` failed.
set -euo pipefail
log="$1"; extra_passed="${2:-0}"; extra_failed="${3:-0}"
awk -v ep="$extra_passed" -v ef="$extra_failed" '
  /^(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i+1) + 0 }
      if ($i == "Passed:")  { p += $(i+1) + 0 }
      if ($i == "Skipped:") { s += $(i+1) + 0 }
    }
  }
  /^Test Run Aborted/ { f += 1 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", p + ep, f + ef, s }' "$log"

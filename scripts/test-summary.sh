#!/usr/bin/env bash
# Sums the per-assembly lines of `dotnet test` (and any extra checks) into one closing line:
#   tests: N passed, N failed, N skipped
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
  END { printf "tests: %d passed, %d failed, %d skipped\n", p + ep, f + ef, s }' "$log"

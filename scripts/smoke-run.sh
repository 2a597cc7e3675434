#!/usr/bin/env bash
# What a newcomer sees, checked: runs `make run`, watches `kubectl get md` from "a second terminal" while the demo
# goes, and once version 3 is rolled back checks what it printed (version 2 passed its shadow step and baked on
# evidence; version 3 was rolled back during its shadow step and answered no user request) against the API server
# (kubectl get md, kubectl model status), runs the curl it prints (numpy's answer for version 2, the stable one), then
# presses Ctrl-C and checks that every process the sandbox started is gone.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp); seen=$(mktemp)
# A background job of a script starts with SIGINT ignored; undo that, so that the SIGINT sent below is a real Ctrl-C.
setsid /usr/bin/python3 -c 'import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp("make", ["make", "--no-print-directory", "run"])' >"$out" 2>&1 &
runner=$!
cleanup() { kill -- -"$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; rm -f "$out" "$seen"; }
trap cleanup EXIT
fail() { cat "$out" >&2; echo "smoke-run: $*" >&2; exit 1; }

export KUBECONFIG=$PWD/.local/sandbox/kubeconfig
export PATH=$PWD/.local/plugin/bin:$PATH
deadline=$((SECONDS + 900))
until grep -q "Press Ctrl-C" "$out"; do
  kill -0 "$runner" 2>/dev/null || fail "make run exited before the demo finished"
  [ "$SECONDS" -lt "$deadline" ] || fail "the demo did not finish within 15 minutes"
  kubectl get md --no-headers >>"$seen" 2>/dev/null || true
  sleep 1
done
kubectl get md --no-headers >>"$seen"

grep -q "version 2 is stable: its shadow step and every analysis passed" "$out" || fail "make run did not say that version 2 passed its shadow step and was promoted"
grep -q "shadow: v2 got a copy of .* → passed" "$out" || fail "make run did not tell version 2's shadow step passing"
grep -q "version 3 was rolled back by itself: ShadowDisagreement" "$out" || fail "make run did not say that version 3 was rolled back on its shadow copies' disagreement"
grep -q "shadow: v3 got a copy of .* → rolled back before it answered any user" "$out" || fail "make run did not tell version 3's rollback during its shadow step"
grep -q "^\[..:..\] no user request was answered by version 3" "$out" || fail "a user request was answered by version 3, or make run did not count the answers by version"
# The printer columns seen from the second terminal moved through the rollout.
for phase in Healthy Progressing RolledBack; do
  grep -q " $phase " "$seen" || fail "kubectl get md never showed phase $phase; it showed: $(sort -u "$seen" | tr '\n' '|')"
done
[ "$(awk '{$NF=""; print}' "$seen" | sort -u | wc -l)" -ge 5 ] || fail "kubectl get md showed fewer than 5 different rows (age aside): $(sort -u "$seen" | tr '\n' '|')"

# README.md's transcript has the shape of what the demo printed just now (hashes, numbers and times aside).
/usr/bin/python3 scripts/transcript-shape.py "$out" README.md || fail "README.md's make run transcript is not what the demo prints today"

stable=$(kubectl get md churn -o jsonpath='{.status.stableRevision.modelVersion}')
[ "$stable" = "2" ] || fail "after the demo the stable model version is '$stable', not 2"
status=$(kubectl model status churn)
grep -q "RolledBack" <<<"$status" && grep -q "ShadowDisagreement" <<<"$status" || fail "kubectl model status does not show the rollback: $status"

# The printed curl, run with its URL and body taken from the line (not eval'd).
line=$(grep -E "^  curl -s -X POST " "$out")
url=$(sed -E 's/^  curl -s -X POST ([^ ]+) .*/\1/' <<<"$line")
body=$(sed -E "s/.* -d '(.*)'\$/\1/" <<<"$line")
answer=$(curl -s -X POST "$url" -H 'Content-Type: application/json' -d "$body")
/usr/bin/python3 - "$answer" <<'PY'
import json, sys
answer = json.loads(sys.argv[1])
expected = json.load(open("examples/models/churn/2/expected.json"))
case = next(c for c in expected["cases"] if c["name"] == "batch1")
want = case["outputs"]["churn_probability"]["data"][0]
got = answer["outputs"][0]["data"][0]
assert case["inputs"]["features"]["data"] == [35.0, 28.719999313354492, 5.0, 1.0, 5.0, 14.0, 0.0, 4.0], "the demo row must be the expected.json batch1 row"
assert answer["model_version"] == "2", f"the curl was answered by version {answer['model_version']}, not the stable 2"
assert abs(got - want) <= 1e-5 * max(1.0, abs(want)), f"make run's curl answered {got}, numpy says {want}"
print(f"smoke-run: make run promoted v2 after its shadow step and rolled v3 back during its own; its curl answered {got:.6f} (numpy for v2: {want:.6f})")
PY

kill -INT -- -"$runner"   # what the terminal sends the foreground process group on Ctrl-C
for _ in $(seq 1 300); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
grep -q "^Stopped." "$out" || fail "make run did not stop cleanly on Ctrl-C"
left=$(pgrep -f "$PWD/.local/sandbox|$PWD/runtime/ModelOperator.Runtime.Server/bin/.*/modelserver" || true)
[ -z "$left" ] || fail "processes left after Ctrl-C: $(ps -o pid,args -p "$(tr '\n' ',' <<<"$left" | sed 's/,$//')")"
echo "smoke-run: Ctrl-C stopped every process the sandbox started"

#!/usr/bin/env bash
# Checks what a newcomer sees: starts `make run`, runs the curl it prints, and compares the
# answer with the probability numpy computed for that row (examples/models/churn/1/expected.json).
set -euo pipefail
cd "$(dirname "$0")/.."

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
out=$(mktemp)
PORT=$port setsid make --no-print-directory run >"$out" 2>&1 &
runner=$!
cleanup() { kill -- -"$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; rm -f "$out"; }
trap cleanup EXIT

for _ in $(seq 1 600); do
  grep -q "Press Ctrl-C" "$out" && break
  kill -0 "$runner" 2>/dev/null || { cat "$out" >&2; echo "smoke-run: make run exited early" >&2; exit 1; }
  sleep 0.2
done
grep -q "Press Ctrl-C" "$out" || { cat "$out" >&2; echo "smoke-run: make run did not get ready" >&2; exit 1; }

cmd=$(grep -E "^  curl -s -X POST" "$out" | sed 's/^  //')
answer=$(eval "$cmd")
/usr/bin/python3 - "$answer" <<'PY'
import json, sys
answer = json.loads(sys.argv[1])
expected = json.load(open("examples/models/churn/1/expected.json"))
case = next(c for c in expected["cases"] if c["name"] == "batch1")
want = case["outputs"]["churn_probability"]["data"][0]
got = answer["outputs"][0]["data"][0]
assert case["inputs"]["features"]["data"] == [35.0, 28.719999313354492, 5.0, 1.0, 5.0, 14.0, 0.0, 4.0], "the demo row must be the expected.json batch1 row"
assert abs(got - want) <= 1e-5 * max(1.0, abs(want)), f"make run's curl answered {got}, numpy says {want}"
print(f"smoke-run: the curl that make run prints answered {got:.6f} (numpy: {want:.6f})")
PY

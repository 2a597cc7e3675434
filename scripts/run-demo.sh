#!/usr/bin/env bash
# make run: serves the churn example with the inference server and prints a curl that gets a
# prediction; stays in the foreground until Ctrl-C and stops the server it started.
set -euo pipefail

: "${SERVER_BIN:?set by make run}" "${PORT:=8080}" "${HOST:=127.0.0.1}" "${MODEL_NAME:=churn}"
mkdir -p .local/run
log=.local/run/modelserver.log

"$SERVER_BIN" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT INT TERM

base="http://$HOST:$PORT"
for _ in $(seq 1 300); do
  if curl -fsS "$base/v2/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "modelserver exited before it was ready; its log ($log):" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! curl -fsS "$base/v2/health/ready" >/dev/null 2>&1; then
  echo "modelserver is not ready after 30 s; $base/v2/health/ready says:" >&2
  curl -sS "$base/v2/health/ready" >&2 || true
  exit 1
fi

body='{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}]}'
answer=$(curl -sS -X POST "$base/v2/models/$MODEL_NAME/infer" -H 'Content-Type: application/json' -d "$body" || true)

cat <<TXT
modelserver is serving model "$MODEL_NAME" at $base (log: $log)

Get a churn probability for one customer (8 features: tenure 35 months, 28.72 a month, ...):

  curl -s -X POST $base/v2/models/$MODEL_NAME/infer -H 'Content-Type: application/json' -d '$body'

It answered just now:
  $answer

Also: curl $base/v2/models/$MODEL_NAME (metadata), curl $base/metrics (Prometheus metrics)
Press Ctrl-C to stop.
TXT
wait "$server"

#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing:
#   promtool/prometheus (metrics and rules checks), python3-onnx + numpy (model generation),
#   python3-kubernetes (the official Python client that judges the in-memory API server),
#   lua5.4 (the Argo CD health check's tests), Go 1.19 + sprig + sigs.k8s.io/yaml (tools/chart-render,
#   which renders the Helm chart in its tests with the template engine and functions Helm uses).
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
/usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null || missing+=(python3-onnx python3-numpy)
/usr/bin/python3 -c 'import kubernetes' 2>/dev/null || missing+=(python3-kubernetes)
command -v lua5.4 >/dev/null || missing+=(lua5.4)
command -v go >/dev/null || missing+=(golang-go)
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || missing+=(golang-github-masterminds-sprig-dev)
[ -d /usr/share/gocode/src/sigs.k8s.io/yaml ] || missing+=(golang-k8s-sigs-yaml-dev)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "ensure-debian-packages: missing ${missing[*]}; run as root or install them: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else SUDO=; fi
echo "ensure-debian-packages: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null

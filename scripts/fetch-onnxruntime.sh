#!/usr/bin/env bash
# Fetches the official ONNX Runtime shared library (Linux x64) out of the npm package
# onnxruntime-node, without running any of the package's install scripts, verifies its
# pinned sha256 and caches it outside the repository. Prints the library's path.
set -euo pipefail

ORT_VERSION=1.30.0
ORT_SHA256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
MEMBER=package/bin/napi-v6/linux/x64/libonnxruntime.so.1

cache_root="${MODELOPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modeloperator}"
dest_dir="$cache_root/onnxruntime-$ORT_VERSION"
dest="$dest_dir/libonnxruntime.so.1"

verify() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$ORT_SHA256" ]; }

if verify "$dest"; then
  echo "$dest"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "fetch-onnxruntime: only Linux x86_64 is supported (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi
command -v npm >/dev/null || { echo "fetch-onnxruntime: npm is required (apt-get install -y npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-onnxruntime: downloading onnxruntime-node@$ORT_VERSION (about 113 MB, once)" >&2
# npm pack downloads the tarball only; it never runs the package's lifecycle scripts.
(cd "$work" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
tar -xzf "$work/onnxruntime-node-$ORT_VERSION.tgz" -C "$work" "$MEMBER"
if ! verify "$work/$MEMBER"; then
  echo "fetch-onnxruntime: sha256 mismatch for $MEMBER (expected $ORT_SHA256); refusing to install it" >&2
  exit 1
fi
mkdir -p "$dest_dir"
mv "$work/$MEMBER" "$dest.tmp"
mv "$dest.tmp" "$dest"
echo "$dest"

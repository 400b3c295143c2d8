#!/usr/bin/env bash
# The Python binding installs as the README says for Debian 12 (a venv that sees Debian's packages,
# pip without network or build isolation), and an example runs from the install alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python=/usr/bin/python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
"$python" -c 'import ensurepip' 2>/dev/null || fail "python3-venv is missing (scripts/install-deps installs it)"
"$python" -c 'import wheel' 2>/dev/null || fail "python3-wheel is missing (scripts/install-deps installs it)"

# Built from a copy: setuptools leaves build/ and *.egg-info/ next to the sources.
cp -r "$root/bindings/python" "$tmp/src"
# The README's commands, with the venv in $tmp instead of /opt/spectrum2-python; no network:
# --no-index, and the proxy variables point nowhere.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 PIP_DISABLE_PIP_VERSION_CHECK=1
"$python" -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --no-index --no-build-isolation "$tmp/src"
rm -rf "$tmp/src"

# The example copied where nothing of the checkout is near: it must import the installed binding.
mkdir "$tmp/backends"
cp "$root/examples/echo_backend.py" "$tmp/backends/"
cd "$tmp/backends"
out="$(printf '%s\n' \
  '{"type":"bridge.hello","version":1,"backend_id":"1","jid":"echo.localhost","config_path":"/x","config":{}}' \
  '{"type":"login","user":"alice@localhost","legacyName":"alice","password":""}' \
  '{"type":"bridge.ping","id":"7"}' |
  env -u PYTHONPATH "$tmp/venv/bin/python3" echo_backend.py)"
grep -qx '{"type":"connected","user":"alice@localhost"}' <<<"$out" || fail "no CONNECTED from the installed backend: $out"
grep -qx '{"type":"bridge.pong","id":"7"}' <<<"$out" || fail "no bridge.pong from the installed backend: $out"

env -u PYTHONPATH "$tmp/venv/bin/python3" -c '
import sys, spectrum2_bridge
assert spectrum2_bridge.__file__.startswith(sys.prefix), (spectrum2_bridge.__file__, sys.prefix)
assert spectrum2_bridge.StatusType.AWAY.wire == "STATUS_AWAY"
assert not hasattr(spectrum2_bridge, "ConnectionError")
'
echo "1 passed, 0 failed"

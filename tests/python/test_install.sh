#!/usr/bin/env bash
# The Python binding installs with pip (offline: no build isolation) and imports from the install.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$(mktemp -d)"
trap 'rm -rf "$target"' EXIT
# Built from a copy: setuptools leaves build/ and *.egg-info/ next to the sources.
cp -r "$root/bindings/python" "$target/src"
/usr/bin/python3 -m pip install --quiet --no-build-isolation --no-deps --target "$target/site" "$target/src" 2>/dev/null
target="$target/site"
cd "$target"
PYTHONPATH="$target" /usr/bin/python3 -c '
import spectrum2_bridge, sys
assert spectrum2_bridge.__file__.startswith(sys.argv[1]), spectrum2_bridge.__file__
assert spectrum2_bridge.Backend and spectrum2_bridge.StatusType.AWAY.wire == "STATUS_AWAY"
print("1 passed, 0 failed")
' "$target"

#!/usr/bin/env bash
# examples/echo_backend.sh through spectrum2_json_backend and spectrum2_sim, with texts that need
# care: each must come back exactly.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${S2J_BUILD_DIR:-$root/build}
for binary in spectrum2_sim spectrum2_json_backend; do
  if [[ ! -x $build/$binary ]]; then
    echo "FAIL: $build/$binary is missing (build first, or set S2J_BUILD_DIR)"
    exit 1
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

big=$(printf '%01048576d' 0)
texts=("let x := 5" "a=b" "k:=v" $'two\n\nlines\n\n' "quotes \" ' and \\ \\\\" "é ü 漢字 😀" $'\x01\t\x1f\x7f' "false"
  "null" "" "${big:0:1048570} end")
{
  echo '{"type":"login","user":"alice@localhost","legacyName":"alice","password":""}'
  echo '{"expect":{"type":"connected","user":"alice@localhost"}}'
  echo '{"expect":{"type":"buddy_changed","buddyName":"echo","group":["Bots"],"status":"STATUS_ONLINE"}}'
  for text in "${texts[@]}"; do
    printf '%s' "$text" | jq -Rsc '{type: "conv_message", userName: "alice@localhost", buddyName: "echo", message: .},
      {expect: {type: "conv_message", userName: "alice@localhost", buddyName: "echo", message: .}, timeout: 20}'
  done
  echo '{"type":"logout","user":"alice@localhost","legacyName":"alice"}'
} >"$tmp/scenario"

"$build/spectrum2_sim" --strict --color never --config "$root/examples/echo.cfg" --jid echo.localhost \
  --script "$tmp/scenario" -- "$build/spectrum2_json_backend" --child "bash $root/examples/echo_backend.sh" \
  >"$tmp/out" 2>"$tmp/err"
code=$?
expected=$((2 + ${#texts[@]}))
if [[ $code -eq 0 ]] && grep -q "^# PASS: $expected sent" "$tmp/out"; then
  echo "PASS: ${#texts[@]} texts echoed exactly through the bridge"
else
  echo "FAIL: spectrum2_sim exited with $code, expected '# PASS: $expected sent'"
  grep -v '^[<>]' "$tmp/out" | cut -c1-300
  cut -c1-300 "$tmp/err"
  exit 1
fi

#!/usr/bin/env bash
# Tests of bindings/shell/spectrum2.sh: reading, field access, escaping by jq.
set -u
source "$(dirname "$0")/../../bindings/shell/spectrum2.sh"
passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"; fi
}

# s2_send: strings are escaped by jq, := values are JSON.
out="$(s2_send conv_message userName='a@b' buddyName=bob message=$'say "hi"\n\\ and é' flag:=3 group:='["x","y"]')"
check "send escapes" '{"type":"conv_message","userName":"a@b","buddyName":"bob","message":"say \"hi\"\n\\ and é","flag":3,"group":["x","y"]}' "$out"
check "send is one line" 1 "$(printf '%s\n' "$out" | wc -l)"
s2_send x 'bad' 2>/dev/null; check "send rejects a bare word" 2 $?

# s2_read: hello is taken in, errors go to stderr, other bridge lines are skipped, exit ends.
input='{"type":"bridge.hello","version":1,"backend_id":"4","jid":"j.example","config_path":"/c.cfg","config":{"irc":{"server":"127.0.0.1"}}}

{"type":"bridge.error","error":"bad line","line_number":2,"line":"x"}
{"type":"login","user":"alice@x","legacyName":"alice","password":"p w"}
{"type":"buddy_changed","userName":"alice@x","buddyName":"bob","group":["G1","G2"]}
{"type":"exit"}
{"type":"login","user":"never@x","legacyName":"n","password":""}'
types=()
errors="$( { while s2_read; do types+=("$S2_TYPE:$(s2_get userName)$(s2_get user)"); [ "$S2_TYPE" = buddy_changed ] && group="$(s2_get 'group[1]')"; done; printf '%s\n' "${types[*]}" >&3; echo "$S2_JID $S2_BACKEND_ID $(s2_config irc server)" >&4; echo "$group" >&5; } 3>/tmp/s2_types.$$ 4>/tmp/s2_hello.$$ 5>/tmp/s2_group.$$ 2>&1 <<<"$input")"
check "read types" "login:alice@x buddy_changed:alice@x" "$(cat /tmp/s2_types.$$)"
check "hello" "j.example 4 127.0.0.1" "$(cat /tmp/s2_hello.$$)"
check "array field" "G2" "$(cat /tmp/s2_group.$$)"
check "error to stderr" "spectrum2.sh: the bridge rejected line 2: bad line" "$errors"
rm -f /tmp/s2_types.$$ /tmp/s2_hello.$$ /tmp/s2_group.$$

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

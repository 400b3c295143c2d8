#!/usr/bin/env bash
# Tests of bindings/shell/spectrum2.sh: the value rules of s2_send and s2_get, reading, the
# heartbeat, large values. Every check compares exact bytes.
set -u
unset LC_ALL LC_CTYPE
export LANG=C.UTF-8  # a multibyte locale: the binding must count bytes where it has to
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../bindings/shell/spectrum2.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() {  # check NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "${2:0:300}" "${3:0:300}"
  fi
}

# feed INPUT BODY: runs `while s2_read; do BODY; done` in a fresh shell with INPUT on stdin.
# Its stdout goes to $tmp/out, stderr to $tmp/err; what BODY stores in got[...] is in got
# afterwards, with got[types] (the types returned), got[after] ($S2_TYPE at the end).
feed() {
  printf '%s' "$1" >"$tmp/in"
  rm -f "$tmp/got"
  (
    declare -A got=([types]="")
    while s2_read; do
      got[types]+="$S2_TYPE "
      eval "$2"
    done
    got[after]=$S2_TYPE
    declare -p got >"$tmp/got"
  ) <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
  local saved
  if [[ -s $tmp/got ]]; then
    saved=$(<"$tmp/got")
    eval "${saved/declare -A/declare -gA}"
  else
    declare -gA got=()
    check "the reading loop ran to its end" "yes" "no"
  fi
}

# --- s2_send: how arguments become JSON --------------------------------------------------------

check "string values" '{"type":"conv_message","userName":"a@b","buddyName":"bob","message":"hi"}' \
  "$(s2_send conv_message userName=a@b buddyName=bob message=hi)"
check "the first = ends the key, := later in the value is text" '{"type":"x","message":"let x := 5"}' \
  "$(s2_send x message="let x := 5")"
check "= in the value" '{"type":"x","a":"b=c","d":"==","e":""}' "$(s2_send x a=b=c d=== e=)"
check "key: takes JSON" '{"type":"x","n":5,"f":-1.50e+3,"t":true,"b":false,"z":null,"s":"x","g":["Bots"]}' \
  "$(s2_send x n:=5 f:=-1.50e+3 t:=true b:=false z:=null s:='"x"' g:='["Bots"]')"
check "false, null and numbers after = are text" '{"type":"x","b":"false","z":"null","n":"5"}' \
  "$(s2_send x b=false z=null n=5)"
check "a key with a colon inside, and one ending in one" '{"type":"x","a:b":"c","k:":1}' \
  "$(s2_send x a:b=c k::=1)"
check "other JSON goes as jq writes it" '{"type":"x","o":{"a":[1,2,7],"b":{"c":"\n"}},"s":"a\"b"}' \
  "$(s2_send x o:=$'{ "a" :\n [1.0, 2e0, 007],\t "b":{"c":"\\n"}\r}' s:='"a\"b"')"
check "flat arrays go as written" '{"type":"x","a":[ "x" , 15,-2 ],"e":[],"z":[7]}' \
  "$(s2_send x a:='[ "x" , 15,-2 ]' e:='[]' z:='[007]')"
check "keys are escaped too" '{"type":"x","k\"é\n":"v"}' "$(s2_send x $'k"é\n=v')"
check "non-ASCII passes through as UTF-8" '{"type":"x","m":"é ü 漢字 😀"}' "$(s2_send x m='é ü 漢字 😀')"
check "the same bytes whatever the locale" "$(LC_ALL=C s2_send x m=$'é\x01"')" "$(LC_ALL=C.UTF-8 s2_send x m=$'é\x01"')"
check "bytes that are not UTF-8 pass through, escaped the same in any locale" \
  "$(LC_ALL=C s2_send x m=$'a\xff"\x01\xc3' k$'\xfe\n'=1)" "$(LC_ALL=C.UTF-8 s2_send x m=$'a\xff"\x01\xc3' k$'\xfe\n'=1)"
check "escapes" '{"type":"x","m":"q\" b\\ n\n t\t r\r \u0001 \u001f '$'\x7f''"}' \
  "$(s2_send x m=$'q" b\\ n\n t\t r\r \x01 \x1f \x7f')"
check "DEL goes as it is" $'{"type":"x","m":"\x7f"}' "$(s2_send x m=$'\x7f')"
check "trailing newlines are kept" '{"type":"x","m":"a\n\n"}' "$(s2_send x m=$'a\n\n')"
check "s2_log" '{"type":"bridge.log","level":"info","message":"a \"b\""}' "$(s2_log info 'a "b"')"

# Every character from 1 to 127, each as its own field: jq must read back exactly what was sent.
args=()
for ((i = 1; i < 128; i++)); do
  printf -v c '%02x' "$i"
  printf -v c "\\x$c"
  args+=("c$i=a${c}b")
done
out=$(s2_send x "${args[@]}")
check "every ASCII character survives" "true" \
  "$(jq -c '[range(1; 128) as $i | .["c\($i)"] == ("a" + ([$i] | implode) + "b")] | all' <<<"$out" 2>&1)"

# Mistakes: status 2, a word on stderr, nothing sent.
for bad in 'bare' '=novalue' ':=5' 'n:=5x' 'n:=' 'n:=nan' 'a:=[1,' 'a:={"a":1' "s:='x'" 'a:=1 2' 'type=x' \
  'dup=1 dup=2'; do
  read -r -a words <<<"$bad"
  out=$(s2_send x "${words[@]}" 2>"$tmp/err")
  check "rejected: $bad" "2:" "$?:$out"
  check "rejected with a reason: $bad" "yes" "$([[ $(<"$tmp/err") == s2_send:* ]] && echo yes)"
done
s2_send 2>/dev/null
check "no type" 2 $?
check "a JSON value with control characters inside a string" 2 "$(s2_send x j:=$'"a\nb"' 2>/dev/null; echo $?)"

# Values far beyond one command-line argument, with every kind of escape in them.
big=""
for ((i = 0; i < 8192; i++)); do big+=$'line "'"$i"$'" \\ é\t\x01 end\n'; done
big=${big:0:1048576}
printf '%s' "$big" >"$tmp/big"
s2_send x m="$big" >"$tmp/big.json"
jq -j .m "$tmp/big.json" >"$tmp/big.back"
check "a 1 MiB value with escapes is sent whole" "same" "$(cmp -s "$tmp/big" "$tmp/big.back" && echo same)"
bigjson=$(jq -c '[.m | split("\n")[]]' "$tmp/big.json")
s2_send x a:="$bigjson" >"$tmp/big.arr"
check "a large := value" "same" "$(jq -j '.a | join("\n")' "$tmp/big.arr" | cmp -s - "$tmp/big" && echo same)"

# --- s2_read and s2_get ----------------------------------------------------------------------

hello='{"type":"bridge.hello","version":1,"backend_id":"4","jid":"j.example","config_path":"/c.cfg","config":{"irc":{"server":"127.0.0.1","port":"6667","join":["#a","#b"]},"":{"top":"t"}}}'
login='{"type":"login","user":"alice@x","legacyName":"alice","password":"p w","settings":{"value":{"send_headlines":"0","a.b":"1"}}}'
feed "$hello

  
{\"type\":\"bridge.error\",\"error\":\"bad line\",\"line_number\":2,\"line\":\"x\"}
{\"type\":\"bridge.unknown\"}
not json
$login
{\"type\":\"buddy_changed\",\"userName\":\"alice@x\",\"buddyName\":\"bob\",\"group\":[\"G1\",\"G2\"]}
{\"type\":\"exit\"}
{\"type\":\"login\",\"user\":\"never@x\",\"legacyName\":\"n\",\"password\":\"\"}
" '
  case $S2_TYPE in
    login) got[msg]=$S2_MSG; got[hello]="$S2_JID|$S2_BACKEND_ID|$S2_CONFIG_PATH"; got[helloline]=$S2_HELLO
      s2_config -v got[server] irc server; got[port]=$(s2_config irc port); got[join]=$(s2_config irc join)
      got[top]=$(s2_config "" top); s2_config irc nothing; got[noconf]=$?
      s2_get -v got[nested] settings.value.send_headlines; s2_get -v got[odd] "settings.value[\"a.b\"]"; s2_get -v got[notodd] settings.value.a.b; got[notodd]+=$?
      got[obj]=$(s2_get settings.value); got[dot]=$(s2_get .user) ;;
    buddy_changed) got[group]=$(s2_get group); got[g1]=$(s2_get "group[1]") ;;
  esac'
check "read: types returned" "login buddy_changed " "${got[types]-}"
check "read: ends on exit, S2_TYPE is exit" "exit" "${got[after]-}"
check "read: S2_MSG is the line as received" "$login" "${got[msg]-}"
check "read: hello" "j.example|4|/c.cfg" "${got[hello]-}"
check "read: S2_HELLO" "$hello" "${got[helloline]-}"
check "config: s2_config -v" "127.0.0.1" "${got[server]-}"
check "config: printed" "6667" "${got[port]-}"
check "config: a repeated key, one value per line" $'#a\n#b' "${got[join]-}"
check "config: keys before any section" "t" "${got[top]-}"
check "config: absent is status 1" "1" "${got[noconf]-}"
check "get: nested path" "0" "${got[nested]-}"
check "get: a key with a dot in it" "1" "${got[odd]-}"
check "get: ... is not a path through two objects" "1" "${got[notodd]-}"
check "get: an object is compact JSON" '{"send_headlines":"0","a.b":"1"}' "${got[obj]-}"
check "get: a leading dot is allowed" "alice@x" "${got[dot]-}"
check "get: an array is compact JSON" '["G1","G2"]' "${got[group]-}"
check "get: an array element" "G2" "${got[g1]-}"
check "read: bridge.error and unreadable lines go to stderr" \
  $'spectrum2.sh: the bridge rejected line 2: bad line\nspectrum2.sh: unreadable line: not json' "$(<"$tmp/err")"
check "read: nothing is written for them" "" "$(<"$tmp/out")"

# What s2_get gives for each kind of value.
feed '{"type":"x","s":"text","e":"","f":false,"t":true,"z":null,"n":-1.5,"i":42,"a":[],"o":{},"nl":"a\n\n","c":"\u0001\t\"\\","u":"\u00e9\ud83d\ude00","nul":"a\u0000b"}
' '
  for k in s e f t z n i a o nl c u nul absent; do
    if s2_get -v v "$k"; then got[$k]="0:$v"; else got[$k]="$?:$v"; fi
    got[p$k]=$(s2_get "$k"; echo "/$?")
  done'
check "get: a string" "0:text" "${got[s]-}"
check "get: an empty string is there" "0:" "${got[e]-}"
check "get: false" "0:false" "${got[f]-}"
check "get: true" "0:true" "${got[t]-}"
check "get: null" "0:null" "${got[z]-}"
check "get: numbers" "0:-1.5 0:42" "${got[n]-} ${got[i]-}"
check "get: empty containers" "0:[] 0:{}" "${got[a]-} ${got[o]-}"
check "get -v keeps trailing newlines" $'0:a\n\n' "${got[nl]-}"
check "get prints the value exactly, no newline added" $'a\n\n/0' "${got[pnl]-}"
check "get: control characters" $'0:\x01\t"\\' "${got[c]-}"
check "get: non-ASCII" "0:é😀" "${got[u]-}"
check "get: NUL cannot be held by bash and is dropped" "0:ab" "${got[nul]-}"
check "get: absent is status 1 and empty" "1:" "${got[absent]-}"
check "get: absent prints nothing" "/1" "${got[pabsent]-}"

# Long strings travel apart from the short ones; quotes of every kind inside.
long=$(printf "it's \"long\" é😀 %.0s" {1..30})
jq -nc --arg l "$long" '{type: "x", a: "it'"'"'s", b: $l, c: [1, $l, {d: $l}], e: "\n"}' >"$tmp/long.in"
feed "$(<"$tmp/long.in")
" 'got[msg]=$S2_MSG; for k in a b "c[1]" "c[2].d" e; do s2_get -v v "$k"; got[$k]=$v; done'
check "long: S2_MSG" "$(<"$tmp/long.in")" "${got[msg]-}"
check "long: short value with a quote" "it's" "${got[a]-}"
check "long: long value" "$long" "${got[b]-}"
check "long: long array element" "$long" "${got[c[1]]}"
check "long: long value in an object in an array" "$long" "${got[c[2].d]}"
check "long: short value after the long ones" $'\n' "${got[e]-}"
feed "$(jq -nc --arg l "$long" '{type: "bridge.hello", jid: $l, backend_id: "1", config: {s: {k: $l}}}')
{\"type\":\"bridge.ping\",\"id\":$(jq -n --arg l "$long" '$l')}
{\"type\":\"x\"}
" 'got[jid]=$S2_JID; s2_config -v got[k] s k'
check "long: hello" "$long" "${got[jid]-}"
check "long: config" "$long" "${got[k]-}"
check "long: pong" "$(jq -nc --arg l "$long" '{type: "bridge.pong", id: $l}')" "$(<"$tmp/out")"

# --- the heartbeat ----------------------------------------------------------------------------
# A ping is answered by the s2_read that meets it, and never reaches the caller.
feed '{"type":"a"}
{"type":"bridge.ping","id":"7"}
{"type":"bridge.ping","id":"x\"y"}
{"type":"b"}
{"type":"bridge.ping","id":"9"}
' 'got[$S2_TYPE]=$(cat "$tmp/out")'
check "ping: not returned" "a b " "${got[types]-}"
check "ping: not answered before s2_read is called again" "" "${got[a]-}"
check "ping: answered by the next s2_read, id kept" \
  $'{"type":"bridge.pong","id":"7"}\n{"type":"bridge.pong","id":"x\\"y"}' "${got[b]-}"
check "ping: the last one answered before the end" \
  $'{"type":"bridge.pong","id":"7"}\n{"type":"bridge.pong","id":"x\\"y"}\n{"type":"bridge.pong","id":"9"}' \
  "$(<"$tmp/out")"

# --- large values through s2_read, s2_get and s2_send ------------------------------------------
jq -Rsc '{type: "conv_message", userName: "a@x", buddyName: "echo", message: .}' "$tmp/big" >"$tmp/big.in"
(
  while s2_read; do
    s2_get -v text message
    s2_send conv_message userName=a@x buddyName=echo message="$text"
  done
) <"$tmp/big.in" >"$tmp/big.echo"
check "a 1 MiB value read and sent back is the same line" "same" "$(cmp -s "$tmp/big.in" "$tmp/big.echo" && echo same)"

# The state of one input does not leak into the next: a new loop reads the new stdin.
feed '{"type":"one","k":"v"}
' 'got[k]=$(s2_get k)'
feed '{"type":"two"}
' 'got[k]=$(s2_get k; echo "/$?")'
check "a second input starts afresh" "two //1" "${got[types]-}/${got[k]-}"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

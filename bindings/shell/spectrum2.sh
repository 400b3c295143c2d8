# Spectrum 2 backends in bash, run by spectrum2_json_backend. Needs bash (4.4 or later) and jq.
#
#   source spectrum2.sh
#   while s2_read; do
#     case "$S2_TYPE" in
#       login) s2_get -v user user; s2_send connected user="$user" ;;
#     esac
#   done
#
# s2_read              reads the next message: S2_MSG (the JSON line as received) and S2_TYPE.
#                      Returns 1 at the end of input or on "exit". bridge.hello sets S2_JID,
#                      S2_BACKEND_ID, S2_CONFIG_PATH and S2_HELLO and is not returned; bridge.ping is
#                      answered with bridge.pong; bridge.error and unreadable lines go to stderr.
# s2_get [-v VAR] PATH prints a field of the message (or assigns it to VAR, exactly): PATH is a
#                      field name, or a path such as group[1] or settings.value.send_headlines.
#                      Strings come out as they are, other values as compact JSON (false, 3,
#                      null, ["a"]). Returns 1, printing nothing, if the field is absent.
# s2_config [-v VAR] SECTION KEY
#                      the same for a key of the transport config (a repeated key: one per line).
# s2_send TYPE key=text key:=json ...
#                      sends one message. The first "=" of each argument ends the key; a key that
#                      ends in ":" takes the rest as JSON (checked), otherwise the rest is a string.
#                      Returns 2 and sends nothing on a bad argument.
# s2_log LEVEL TEXT    logs through the bridge (debug, info, warn, error).
#
# The binding reads its standard input through one long-running jq process, and runs a second one
# only to check := values that are not plain numbers, literals or flat arrays; a message costs no
# process. Standard input is taken over by the first s2_read: commands run by handlers read
# /dev/null. Names beginning with _s2_ or _S2_ are the binding's.

# shellcheck disable=SC2034,SC2016,SC2053  # variables for the caller; jq programs; glob patterns

S2_MSG=""
S2_TYPE=""
S2_HELLO="{}"
S2_JID=""
S2_BACKEND_ID=""
S2_CONFIG_PATH=""

declare -gA _S2_V=() _S2_CONF=()  # path -> value of the current message; "section\nkey" -> value
declare -g _S2_RFD=""             # the reader's output, once started
declare -g _S2_RPID=""

# What jq makes of each input line: one record, "<kind><10 digits: length of the code in
# bytes><bash code><raw bytes>". The code sets variables, with every value quoted by jq's @sh;
# strings of 256 bytes or more follow the code raw instead, and the code reads them with
# `_s2_raw LENGTH` (bash parses code much slower than it reads bytes). Kinds: M a message,
# H hello, P a ping (the pong in _s2_say), E a note for stderr (in _s2_say), X exit. Lines that need
# nothing (blank ones, other bridge.* types) give no record.
_S2_READER_JQ='
def nonul: if (indices("\u0000") | length) > 0 then split("\u0000") | join("") else . end;
def text: if type == "string" then nonul else tojson end;
def text($nul): if type != "string" then tojson elif $nul then nonul else . end;
def name($pre): if . == "" or test("[.\\[\\]\"]") then $pre + "[" + tojson + "]"
  elif $pre == "" then . else $pre + "." + . end;
def flat($pre; $nul):
  if type == "array" then
    range(length) as $i | .[$i] as $v | "\($pre)[\($i)]" as $p
    | [$p, ($v | text($nul))], ($v | iterables | flat($p; $nul))
  else
    (keys_unsorted | join("\u0001") | test("[.\\[\\]\"]|^\u0001|\u0001\u0001|\u0001$|^$")) as $odd
    | keys_unsorted[] as $k | .[$k] as $v
    | ($k | if $odd then name($pre) elif $pre == "" then . else $pre + "." + . end) as $p
    | [$p, ($v | text($nul))], ($v | iterables | flat($p; $nul))
  end;
def set($var): utf8bytelength as $n
  | if $n >= 256 then ["_s2_raw \($n);\($var)=$_s2_t;", .] else ["\($var)=\(@sh);", ""] end;
def code($text): [$text, ""];
def record($kind; $parts): ($parts | map(.[0]) | join("")) as $code
  | $kind + ("000000000" + ($code | utf8bytelength | tostring))[-10:] + $code + ($parts | map(.[1]) | join(""));
. as $line
| (try fromjson catch null) as $m
| if ($m | type) != "object" then
    if $line | test("^[ \t\r]*$") then empty
    else record("E"; ["spectrum2.sh: unreadable line: " + ($line[0:1024] | nonul) | set("_s2_say")]) end
  else ($m.type | if . == null then "" elif type == "string" then nonul else tojson end) as $type
  | if $type == "bridge.ping" then
      record("P"; [{type: "bridge.pong"} + (if $m | has("id") then {id: $m.id} else {} end) | tojson | set("_s2_say")])
    elif $type == "bridge.hello" then
      record("H"; [($line | set("S2_HELLO"))]
        + ([["S2_JID", $m.jid], ["S2_BACKEND_ID", $m.backend_id], ["S2_CONFIG_PATH", $m.config_path]]
           | map(.[0] as $var | .[1] | if . == null then "" else text end | set($var)))
        + [code("_S2_CONF=();")]
        + [($m.config // {}) | objects | to_entries[] | .key as $s | .value | objects | to_entries[]
           | .key as $k | .value | if type == "array" then map(text) | join("\n") else text end
           | set("_S2_CONF[" + ($s + "\n" + $k | nonul | @sh) + "]")])
    elif $type == "bridge.error" then
      record("E"; ["spectrum2.sh: the bridge rejected line \($m.line_number): \($m.error)" | nonul | set("_s2_say")])
    elif $type | startswith("bridge.") then empty
    elif $type == "exit" then record("X"; [($line | set("S2_MSG")), code("S2_TYPE=exit;_S2_V=();")])
    elif ($line | length) < 200 then  # no value can be long: all in one assignment
      record("M"; [code("S2_MSG=\($line | @sh);S2_TYPE=\($type | @sh);_S2_V=("
        + ([$m | flat(""; $line | contains("\\u0000")) | "[\(.[0] | @sh)]=\(.[1] | @sh)"] | join(" ")) + ");")])
    else record("M"; [($line | set("S2_MSG")), ($type | set("S2_TYPE")), code("_S2_V=();")]
      + [$m | flat(""; $line | contains("\\u0000")) | .[0] as $p | .[1] | set("_S2_V[" + ($p | @sh) + "]")])
    end
  end'

# The reader of := values: each input is the text as a JSON string; the answer is "<8 digits:
# length>+<the value as compact JSON>", or "-<why not>" in the same frame.
_S2_CHECK_JQ='(try ("+" + (fromjson | tojson)) catch ("-" + (tostring | .[0:300] | split("\n") | join(" "))))
  | ("0000000" + (utf8bytelength | tostring))[-8:] + .'

_S2_NUMBER_RE='^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$'
_S2_PLAIN='"[^"\\'$'\x01''-'$'\x1f'']*"'
_S2_FLAT_ITEM='(-?(0|[1-9][0-9]*)|'$_S2_PLAIN')'
_S2_FLAT_RE='^\[ *('$_S2_FLAT_ITEM' *(, *'$_S2_FLAT_ITEM' *)*)?\]$'
_S2_PLAIN_RE='^'$_S2_PLAIN'$'
_S2_SPECIAL_RE=$'["\\\\\x01-\x1f]' # something JSON must escape
_S2_CONTROL=$'*[\x01-\x1f]*'
_S2_OTHER_CONTROL=$'*[\x01-\x08\x0b\x0c\x0e-\x1f]*'

_s2_start_reader() {
  exec {_S2_RFD}< <(exec jq -R -j --unbuffered "$_S2_READER_JQ")
  _S2_RPID=$!
  exec </dev/null
}

_s2_stop_reader() {
  exec {_S2_RFD}<&-
  _S2_RFD=""
  wait "$_S2_RPID" 2>/dev/null
  _S2_RPID=""
}

_s2_raw() {
  IFS= read -r -N "$1" -u "$_S2_RFD" _s2_t
}

s2_read() {
  [[ ${LC_ALL:-${LC_CTYPE:-${LANG:-C}}} == C || ${LC_ALL:-${LC_CTYPE:-${LANG:-C}}} == POSIX ]] || local LC_ALL=C
  local _s2_h _s2_r _s2_t _s2_say
  [[ -n $_S2_RFD ]] || _s2_start_reader
  while IFS= read -r -N 11 -u "$_S2_RFD" _s2_h && [[ $_s2_h =~ ^[A-Z][0-9]{10}$ ]] &&
    IFS= read -r -N $((10#${_s2_h:1})) -u "$_S2_RFD" _s2_r; do
    eval "$_s2_r"
    case ${_s2_h:0:1} in
      M) return 0 ;;
      P) printf '%s\n' "$_s2_say" ;;
      E) printf '%s\n' "$_s2_say" >&2 ;;
      X) return 1 ;;
    esac
  done
  _s2_stop_reader
  return 1
}

s2_get() {
  if [[ ${1-} == -v && $# == 3 ]]; then
    local -n _s2_ref=$2
    local _s2_p=${3#.}
    if [[ -n ${_S2_V[$_s2_p]+set} ]]; then
      _s2_ref=${_S2_V[$_s2_p]}
    else
      _s2_ref=""
      return 1
    fi
  elif (($# == 1)); then
    local _s2_p=${1#.}
    [[ -n ${_S2_V[$_s2_p]+set} ]] || return 1
    printf '%s' "${_S2_V[$_s2_p]}"
  else
    echo "usage: s2_get [-v VAR] PATH" >&2
    return 2
  fi
}

s2_config() {
  if [[ ${1-} == -v && $# == 4 ]]; then
    local -n _s2_ref=$2
    local _s2_p="$3"$'\n'"$4"
    if [[ -n ${_S2_CONF[$_s2_p]+set} ]]; then
      _s2_ref=${_S2_CONF[$_s2_p]}
    else
      _s2_ref=""
      return 1
    fi
  elif (($# == 2)); then
    local _s2_p="$1"$'\n'"$2"
    [[ -n ${_S2_CONF[$_s2_p]+set} ]] || return 1
    printf '%s' "${_S2_CONF[$_s2_p]}"
  else
    echo "usage: s2_config [-v VAR] SECTION KEY" >&2
    return 2
  fi
}

# Escapes _s2_s for the inside of a JSON string; callers skip it when _s2_s does not match
# $_S2_SPECIAL_RE. Bash replaces in time proportional to the string for each match, so long strings go
# in slices.
_s2_escape() {
  [[ ${LC_ALL-} == C ]] || local LC_ALL=C
  if ((${#_s2_s} <= 2048)); then
    _s2_escape_small
    return
  fi
  local _s2_all=$_s2_s _s2_at _s2_len=${#_s2_s}
  local -a _s2_done=()
  for ((_s2_at = 0; _s2_at < _s2_len; _s2_at += 1024)); do
    _s2_s=${_s2_all:_s2_at:1024}
    [[ ! $_s2_s =~ $_S2_SPECIAL_RE ]] || _s2_escape_small
    _s2_done+=("$_s2_s")
  done
  local IFS=
  _s2_s="${_s2_done[*]}"
}

_S2_CONTROL_CHARS=() _S2_CONTROL_ESCAPES=()
for _s2_i in {1..31}; do
  case $_s2_i in 9 | 10 | 13) continue ;; esac
  printf -v _s2_c '%02x' "$_s2_i"
  printf -v _s2_c "\\x$_s2_c"
  _S2_CONTROL_CHARS+=("$_s2_c")
  printf -v _s2_c '\\u%04x' "$_s2_i"
  _S2_CONTROL_ESCAPES+=("$_s2_c")
done
unset _s2_i _s2_c

_s2_escape_small() {
  _s2_s=${_s2_s//\\/\\\\}
  _s2_s=${_s2_s//\"/\\\"}
  [[ $_s2_s == $_S2_CONTROL ]] || return 0
  _s2_s=${_s2_s//$'\n'/\\n}
  _s2_s=${_s2_s//$'\t'/\\t}
  _s2_s=${_s2_s//$'\r'/\\r}
  [[ $_s2_s == $_S2_OTHER_CONTROL ]] || return 0
  local _s2_i _s2_c
  for _s2_i in "${!_S2_CONTROL_CHARS[@]}"; do
    _s2_c=${_S2_CONTROL_CHARS[_s2_i]}
    [[ $_s2_s != *"$_s2_c"* ]] || _s2_s=${_s2_s//"$_s2_c"/${_S2_CONTROL_ESCAPES[_s2_i]}}
  done
}

# Turns _s2_s, the text after :=, into the JSON to send, or fails with why not in _s2_why.
# Numbers, true, false, null, strings without escapes and flat arrays of those go as written; the
# rest is parsed by jq and goes as jq writes it.
_s2_json() {
  [[ ${LC_ALL-} == C ]] || local LC_ALL=C
  [[ $_s2_s =~ $_S2_NUMBER_RE || $_s2_s == true || $_s2_s == false || $_s2_s == null ||
    $_s2_s =~ $_S2_PLAIN_RE || $_s2_s =~ $_S2_FLAT_RE ]] && return 0
  if [[ -z ${_S2_CHECK_PID-} ]]; then
    coproc _S2_CHECK { exec jq -j --unbuffered "$_S2_CHECK_JQ"; }
  fi
  local _s2_n
  [[ ! $_s2_s =~ $_S2_SPECIAL_RE ]] || _s2_escape
  printf '"%s"\n' "$_s2_s" >&"${_S2_CHECK[1]}"
  if ! IFS= read -r -N 8 -u "${_S2_CHECK[0]}" _s2_n || [[ ${#_s2_n} != 8 ]] ||
    ! IFS= read -r -N $((10#$_s2_n)) -u "${_S2_CHECK[0]}" _s2_s; then
    _s2_why="the jq checker is gone"
    return 1
  fi
  _s2_why=${_s2_s:1}
  [[ $_s2_s == +* ]] && _s2_s=$_s2_why
}

# Builds the line in _s2_line: escaping is done in bash, jq is asked only about := values that
# are not simple.
s2_send() {
  if (($# < 1)) || [[ -z $1 ]]; then
    echo "usage: s2_send TYPE [key=text | key:=json]..." >&2
    return 2
  fi
  local _s2_s=$1 _s2_line _s2_arg _s2_k _s2_keys=$'\ntype\n' _s2_why
  [[ ! $_s2_s =~ $_S2_SPECIAL_RE ]] || _s2_escape
  _s2_line="{\"type\":\"$_s2_s\""
  shift
  for _s2_arg; do
    if [[ $_s2_arg != *=* ]]; then
      echo "s2_send: '${_s2_arg:0:100}' is neither key=text nor key:=json" >&2
      return 2
    fi
    _s2_k=${_s2_arg%%=*}
    _s2_s=${_s2_arg#*=}
    if [[ $_s2_k == *: ]]; then
      _s2_k=${_s2_k%:}
      if ! _s2_json; then
        echo "s2_send: ${_s2_k:0:100}:= is not one JSON value: $_s2_why" >&2
        return 2
      fi
    else
      [[ ! $_s2_s =~ $_S2_SPECIAL_RE ]] || _s2_escape
      _s2_s="\"$_s2_s\""
    fi
    if [[ $_s2_k =~ $_S2_SPECIAL_RE ]]; then
      _s2_arg=$_s2_s
      _s2_s=$_s2_k
      _s2_escape
      _s2_k=$_s2_s
      _s2_s=$_s2_arg
    fi
    if [[ $_s2_keys == *$'\n'"$_s2_k"$'\n'* || -z $_s2_k ]]; then
      if [[ -z $_s2_k ]]; then
        echo "s2_send: an empty key" >&2
      elif [[ $_s2_k == type ]]; then
        echo "s2_send: the type is the first argument, not a key" >&2
      else
        echo "s2_send: key '${_s2_k:0:100}' given twice" >&2
      fi
      return 2
    fi
    _s2_keys+=$_s2_k$'\n'
    _s2_line+=",\"$_s2_k\":$_s2_s"
  done
  printf '%s}\n' "$_s2_line"
}

s2_log() {
  s2_send bridge.log level="${1-}" message="${2-}"
}

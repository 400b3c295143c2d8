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
#                      answered with bridge.pong; bridge.error lines go to stderr.
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
# /dev/null.

S2_MSG=""
S2_TYPE=""
S2_HELLO="{}"
S2_JID=""
S2_BACKEND_ID=""
S2_CONFIG_PATH=""

declare -gA _S2_V=() _S2_CONF=()  # path -> value of the current message; "section\nkey" -> value
declare -g _S2_RFD=""             # the reader's output, once started
declare -g _S2_RPID=""

# What jq makes of each input line: one record, "<8 digits: header length><header><body>", where
# the header is "KIND TOTAL LEN..." and the body is the pieces of those byte lengths, back to back.
# Kinds: M message (line, type, then path and value pairs), H hello (line, jid, backend_id,
# config_path, then "section\nkey" and value pairs), P ping (the pong line), E a note for stderr,
# X exit (line). Lines that need nothing (blank ones, other bridge.* types) give no record.
_S2_READER_JQ='
def nonul: if (indices("\u0000") | length) > 0 then split("\u0000") | join("") else . end;
def text: if type == "string" then nonul else tojson end;
def code: type as $t | if $t == "string" then "s" elif $t == "number" then "n" elif $t == "boolean" then "b"
  elif $t == "null" then "l" elif $t == "array" then "a" else "o" end;
def ident: length > 0 and (explode | all(. == 95 or (. >= 65 and . <= 90) or (. >= 97 and . <= 122)
  or (. >= 48 and . <= 57))) and (.[0:1] | explode[0] | . < 48 or . > 57);
def pathtext: reduce .[] as $k (""; . + (if ($k | type) == "number" then "[\($k)]"
  elif ($k | ident) then (if . == "" then $k else "." + $k end) else "[" + ($k | tojson) + "]" end));
def record($kind; $pieces): ($pieces | map(utf8bytelength)) as $lens
  | ([$kind, ($lens | add // 0)] + $lens | map(tostring) | join(" ")) as $head
  | ("0000000" + ($head | utf8bytelength | tostring))[-8:] + $head + ($pieces | join(""));
. as $line
| (try fromjson catch null) as $m
| if ($m | type) != "object" then
    if $line | test("^[ \t\r]*$") then empty
    else record("E"; ["spectrum2.sh: unreadable line: " + ($line[0:1024] | nonul)]) end
  else ($m.type | if . == null then "" elif type == "string" then nonul else tojson end) as $type
  | if $type == "bridge.ping" then
      record("P"; [{type: "bridge.pong"} + (if $m | has("id") then {id: $m.id} else {} end) | tojson])
    elif $type == "bridge.hello" then
      record("H"; [$line] + ([$m.jid, $m.backend_id, $m.config_path] | map(if . == null then "" else text end))
        + [($m.config // {}) | objects | to_entries[] | .key as $s | .value | objects | to_entries[]
           | (($s + "\n" + .key) | nonul), (.value | if type == "array" then map(text) | join("\n") else text end)])
    elif $type == "bridge.error" then
      record("E"; ["spectrum2.sh: the bridge rejected line \($m.line_number): \($m.error)" | nonul])
    elif $type | startswith("bridge.") then empty
    elif $type == "exit" then record("X"; [$line])
    else record("M"; [$line, $type] + [$m | paths as $p | ($p | pathtext), (getpath($p) | code + text)])
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
_S2_SPECIAL=$'*[\\\\"\x01-\x1f]*'    # a glob: something JSON must escape
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

# Reads one record: its kind into _s2_kind, its pieces into _s2_piece[]. Needs LC_ALL=C.
_s2_record() {
  local _s2_n _s2_h _s2_b _s2_o=0 _s2_l
  local -a _s2_head
  IFS= read -r -N 8 _s2_n <&"$_S2_RFD" && [[ ${#_s2_n} == 8 ]] || return 1
  IFS= read -r -N $((10#$_s2_n)) _s2_h <&"$_S2_RFD" || return 1
  local IFS=' '
  _s2_head=($_s2_h)  # digits and one letter: nothing to glob
  _s2_kind=${_s2_head[0]}
  _s2_piece=()
  if ((_s2_head[1] > 0)); then
    IFS= read -r -N "${_s2_head[1]}" _s2_b <&"$_S2_RFD" && [[ ${#_s2_b} == "${_s2_head[1]}" ]] || return 1
    for _s2_l in "${_s2_head[@]:2}"; do
      _s2_piece+=("${_s2_b:_s2_o:_s2_l}")
      ((_s2_o += _s2_l))
    done
  fi
}

s2_read() {
  [[ ${LC_ALL:-${LC_CTYPE:-${LANG:-C}}} == C || ${LC_ALL:-${LC_CTYPE:-${LANG:-C}}} == POSIX ]] || local LC_ALL=C
  local _s2_kind _s2_i
  local -a _s2_piece
  [[ -n $_S2_RFD ]] || _s2_start_reader
  while _s2_record; do
    case $_s2_kind in
      M)
        S2_MSG=${_s2_piece[0]}
        S2_TYPE=${_s2_piece[1]}
        _S2_V=()
        for ((_s2_i = 2; _s2_i < ${#_s2_piece[@]}; _s2_i += 2)); do
          _S2_V[${_s2_piece[_s2_i]}]=${_s2_piece[_s2_i + 1]:1}
        done
        return 0
        ;;
      P) printf '%s\n' "${_s2_piece[0]}" ;;
      E) printf '%s\n' "${_s2_piece[0]}" >&2 ;;
      H)
        S2_HELLO=${_s2_piece[0]}
        S2_JID=${_s2_piece[1]}
        S2_BACKEND_ID=${_s2_piece[2]}
        S2_CONFIG_PATH=${_s2_piece[3]}
        _S2_CONF=()
        for ((_s2_i = 4; _s2_i < ${#_s2_piece[@]}; _s2_i += 2)); do
          _S2_CONF[${_s2_piece[_s2_i]}]=${_s2_piece[_s2_i + 1]}
        done
        ;;
      X)
        S2_MSG=${_s2_piece[0]}
        S2_TYPE=exit
        _S2_V=()
        return 1
        ;;
    esac
  done
  _s2_stop_reader
  return 1
}

# _s2_out VAR VALUE: assigns VALUE to VAR if VAR is set, else prints it.
_s2_out() {
  if [[ -n $1 ]]; then printf -v "$1" '%s' "$2"; else printf '%s' "$2"; fi
}

s2_get() {
  local _s2_var=""
  if [[ $1 == -v ]]; then _s2_var=$2; shift 2; fi
  if (($# != 1)); then echo "usage: s2_get [-v VAR] PATH" >&2; return 2; fi
  local _s2_p=${1#.}
  if [[ -z ${_S2_V[$_s2_p]+set} ]]; then
    [[ -z $_s2_var ]] || printf -v "$_s2_var" ''
    return 1
  fi
  _s2_out "$_s2_var" "${_S2_V[$_s2_p]}"
}

s2_config() {
  local _s2_var=""
  if [[ $1 == -v ]]; then _s2_var=$2; shift 2; fi
  if (($# != 2)); then echo "usage: s2_config [-v VAR] SECTION KEY" >&2; return 2; fi
  local _s2_p="$1"$'\n'"$2"
  if [[ -z ${_S2_CONF[$_s2_p]+set} ]]; then
    [[ -z $_s2_var ]] || printf -v "$_s2_var" ''
    return 1
  fi
  _s2_out "$_s2_var" "${_S2_CONF[$_s2_p]}"
}

# Escapes _s2_s for the inside of a JSON string (LC_ALL=C). Bash replaces in time proportional to
# the string for each match, so long strings go in slices.
_s2_escape() {
  [[ $_s2_s == $_S2_SPECIAL ]] || return 0
  if ((${#_s2_s} <= 2048)); then
    _s2_escape_small
    return
  fi
  local _s2_all=$_s2_s _s2_at _s2_len=${#_s2_s}
  local -a _s2_done=()
  for ((_s2_at = 0; _s2_at < _s2_len; _s2_at += 1024)); do
    _s2_s=${_s2_all:_s2_at:1024}
    [[ $_s2_s != $_S2_SPECIAL ]] || _s2_escape_small
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
  [[ $_s2_s =~ $_S2_NUMBER_RE || $_s2_s == true || $_s2_s == false || $_s2_s == null ||
    $_s2_s =~ $_S2_PLAIN_RE || $_s2_s =~ $_S2_FLAT_RE ]] && return 0
  if [[ -z ${_S2_CHECK_PID-} ]]; then
    coproc _S2_CHECK { exec jq -j --unbuffered "$_S2_CHECK_JQ"; }
  fi
  local _s2_n
  _s2_escape
  printf '"%s"\n' "$_s2_s" >&"${_S2_CHECK[1]}"
  if ! IFS= read -r -N 8 _s2_n <&"${_S2_CHECK[0]}" || [[ ${#_s2_n} != 8 ]] ||
    ! IFS= read -r -N $((10#$_s2_n)) _s2_s <&"${_S2_CHECK[0]}"; then
    _s2_why="the jq checker is gone"
    return 1
  fi
  _s2_why=${_s2_s:1}
  [[ $_s2_s == +* ]] && _s2_s=$_s2_why
}

s2_send() {
  [[ ${LC_ALL:-${LC_CTYPE:-${LANG:-C}}} == C || ${LC_ALL:-${LC_CTYPE:-${LANG:-C}}} == POSIX ]] || local LC_ALL=C
  if (($# < 1)) || [[ -z $1 ]]; then echo "usage: s2_send TYPE [key=text | key:=json]..." >&2; return 2; fi
  local _s2_s=$1 _s2_line _s2_arg _s2_k _s2_keys=$'\ntype\n' _s2_why
  _s2_escape
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
        echo "s2_send: $_s2_k:= is not one JSON value: $_s2_why" >&2
        return 2
      fi
      _s2_arg=$_s2_s
    else
      _s2_escape
      _s2_arg="\"$_s2_s\""
    fi
    if [[ -z $_s2_k ]]; then
      echo "s2_send: an empty key in '${_s2_arg:0:100}'" >&2
      return 2
    fi
    if [[ $_s2_keys == *$'\n'"$_s2_k"$'\n'* ]]; then
      [[ $_s2_k == type ]] && echo "s2_send: the type is the first argument, not a key" >&2 ||
        echo "s2_send: key '${_s2_k:0:100}' given twice" >&2
      return 2
    fi
    _s2_keys+=$_s2_k$'\n'
    _s2_s=$_s2_k
    _s2_escape
    _s2_line+=",\"$_s2_s\":$_s2_arg"
  done
  printf '%s}\n' "$_s2_line"
}

s2_log() {
  s2_send bridge.log level="$1" message="$2"
}

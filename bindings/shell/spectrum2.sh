# Spectrum 2 backends in bash, run by spectrum2_json_backend. Needs bash and jq.
#
#   source spectrum2.sh
#   while s2_read; do
#     case "$S2_TYPE" in
#       login) s2_send connected user="$(s2_get user)" ;;
#     esac
#   done
#
# s2_read            reads the next message into S2_MSG (compact JSON) and S2_TYPE; returns 1 at the end
#                    of input or after "exit". bridge.hello sets S2_JID, S2_BACKEND_ID, S2_CONFIG_PATH
#                    and S2_HELLO and is not returned; bridge.error lines go to stderr.
# s2_get FIELD       prints a field of S2_MSG (jq path, e.g. s2_get userName, s2_get 'group[0]')
# s2_config SEC KEY  prints a key of the transport config
# s2_send TYPE key=value ... key:=json ...
#                    sends one message; `=` values are strings, `:=` values JSON (numbers, arrays);
#                    jq does all the escaping.
# s2_log LEVEL TEXT  logs through the bridge (debug, info, warn, error)

S2_MSG=""
S2_TYPE=""
S2_HELLO="{}"
S2_JID=""
S2_BACKEND_ID=""
S2_CONFIG_PATH=""

s2_read() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    [ -z "${line//[[:space:]]/}" ] && continue
    S2_MSG="$line"
    S2_TYPE="$(jq -r '.type // empty' <<<"$line")" || { echo "spectrum2.sh: unreadable line: $line" >&2; continue; }
    case "$S2_TYPE" in
      bridge.hello)
        S2_HELLO="$line"
        S2_JID="$(jq -r '.jid' <<<"$line")"
        S2_BACKEND_ID="$(jq -r '.backend_id' <<<"$line")"
        S2_CONFIG_PATH="$(jq -r '.config_path' <<<"$line")"
        ;;
      bridge.error)
        echo "spectrum2.sh: the bridge rejected line $(jq -r '.line_number' <<<"$line"): $(jq -r '.error' <<<"$line")" >&2
        ;;
      bridge.*) ;;
      exit) return 1 ;;
      *) return 0 ;;
    esac
  done
  return 1
}

s2_get() {
  jq -r ".$1 // empty" <<<"$S2_MSG"
}

s2_config() {
  jq -r --arg s "$1" --arg k "$2" '.config[$s][$k] // empty' <<<"$S2_HELLO"
}

s2_send() {
  local args=(--arg type "$1") pair key
  shift
  for pair in "$@"; do
    case "$pair" in
      *:=*) key="${pair%%:=*}"; args+=(--argjson "$key" "${pair#*:=}") ;;
      *=*)  key="${pair%%=*}";  args+=(--arg "$key" "${pair#*=}") ;;
      *) echo "s2_send: '$pair' is neither key=value nor key:=json" >&2; return 2 ;;
    esac
  done
  jq -nc "${args[@]}" '$ARGS.named'
}

s2_log() {
  s2_send bridge.log level="$1" message="$2"
}

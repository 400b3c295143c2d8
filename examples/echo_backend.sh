#!/usr/bin/env bash
# echo_backend.py in bash: every user gets one buddy, "echo", who repeats what the user says.
# Run it under spectrum2_json_backend with  child = bash examples/echo_backend.sh
# The binding: in a checkout bindings/shell/; installed, share/spectrum2-json-bridge/shell/ of the
# same prefix (the examples are in share/doc/spectrum2-json-bridge/examples), or of the package's.
here=$(dirname "${BASH_SOURCE[0]}")
for binding in "$here/../bindings/shell/spectrum2.sh" "$here/../../../spectrum2-json-bridge/shell/spectrum2.sh" \
  /usr/share/spectrum2-json-bridge/shell/spectrum2.sh /usr/local/share/spectrum2-json-bridge/shell/spectrum2.sh; do
  [ -f "$binding" ] && break
done
source "$binding"

while s2_read; do
  case "$S2_TYPE" in
    login)
      s2_get -v user user
      s2_log info "$user logs in"
      s2_send connected user="$user"
      s2_send buddy_changed userName="$user" buddyName=echo alias=Echo group:='["Bots"]' \
        status=STATUS_ONLINE statusMessage="I repeat what you say"
      ;;
    conv_message)
      s2_get -v buddy buddyName
      if [ "$buddy" = echo ]; then
        s2_get -v user userName
        s2_get -v text message
        s2_send conv_message userName="$user" buddyName=echo message="$text"
      fi
      ;;
  esac
done

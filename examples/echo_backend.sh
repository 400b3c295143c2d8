#!/usr/bin/env bash
# echo_backend.py in bash: every user gets one buddy, "echo", who repeats what the user says.
# Run it under spectrum2_json_backend with  child = bash examples/echo_backend.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bindings/shell/spectrum2.sh"

while s2_read; do
  case "$S2_TYPE" in
    login)
      user="$(s2_get user)"
      s2_log info "$user logs in"
      s2_send connected user="$user"
      s2_send buddy_changed userName="$user" buddyName=echo alias=Echo group:='["Bots"]' \
        status=STATUS_ONLINE statusMessage="I repeat what you say"
      ;;
    conv_message)
      [ "$(s2_get buddyName)" = echo ] &&
        s2_send conv_message userName="$(s2_get userName)" buddyName=echo message="$(s2_get message)"
      ;;
  esac
done

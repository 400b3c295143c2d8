'use strict';
// The protocol as plain data: every message type of the JSON lines protocol, its number, its
// payload and which way it may travel, and every payload message with its fields, as declared in
// proto/protocol.proto. tests/node/protocol.test.js checks this module against proto/protocol.proto
// and against the bridge's own type table (src/core/message_types.cpp).

function freeze(value) {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) freeze(value[key]);
    Object.freeze(value);
  }
  return value;
}

// Payload messages: field name -> { number, label: 'required' | 'optional' | 'repeated' | 'map',
// type }. `type` is a scalar type of the .proto ('string', 'int32', 'bool', 'bytes'), an enum
// ('StatusType') or a message ('Attachment', 'Login.UserSettings'); a map's type is
// 'map<string,string>'.
const MESSAGES = {
  Connected: {
    user: { number: 1, label: 'required', type: 'string' },
  },
  Disconnected: {
    user: { number: 1, label: 'required', type: 'string' },
    error: { number: 2, label: 'required', type: 'int32' },
    message: { number: 3, label: 'optional', type: 'string' },
  },
  Login: {
    user: { number: 1, label: 'required', type: 'string' },
    legacyName: { number: 2, label: 'required', type: 'string' },
    password: { number: 3, label: 'required', type: 'string' },
    extraFields: { number: 4, label: 'repeated', type: 'string' },
    settings: { number: 5, label: 'optional', type: 'Login.UserSettings' },
  },
  'Login.UserSettings': {
    value: { number: 1, label: 'map', type: 'map<string,string>' },
  },
  Logout: {
    user: { number: 1, label: 'required', type: 'string' },
    legacyName: { number: 2, label: 'required', type: 'string' },
  },
  Buddy: {
    userName: { number: 1, label: 'required', type: 'string' },
    buddyName: { number: 2, label: 'required', type: 'string' },
    alias: { number: 3, label: 'optional', type: 'string' },
    group: { number: 4, label: 'repeated', type: 'string' },
    status: { number: 5, label: 'optional', type: 'StatusType' },
    statusMessage: { number: 6, label: 'optional', type: 'string' },
    iconHash: { number: 7, label: 'optional', type: 'string' },
    blocked: { number: 8, label: 'optional', type: 'bool' },
  },
  Buddies: {
    buddy: { number: 1, label: 'repeated', type: 'Buddy' },
  },
  ConversationMessage: {
    userName: { number: 1, label: 'required', type: 'string' },
    buddyName: { number: 2, label: 'required', type: 'string' },
    message: { number: 3, label: 'required', type: 'string' },
    nickname: { number: 4, label: 'optional', type: 'string' },
    xhtml: { number: 5, label: 'optional', type: 'string' },
    timestamp: { number: 6, label: 'optional', type: 'string' },
    headline: { number: 7, label: 'optional', type: 'bool' },
    id: { number: 8, label: 'optional', type: 'string' },
    pm: { number: 9, label: 'optional', type: 'bool' },
    carbon: { number: 10, label: 'optional', type: 'bool' },
    attachment: { number: 11, label: 'repeated', type: 'Attachment' },
  },
  Room: {
    userName: { number: 1, label: 'required', type: 'string' },
    nickname: { number: 2, label: 'required', type: 'string' },
    room: { number: 3, label: 'required', type: 'string' },
    password: { number: 4, label: 'optional', type: 'string' },
  },
  RoomList: {
    room: { number: 1, label: 'repeated', type: 'string' },
    name: { number: 2, label: 'repeated', type: 'string' },
    user: { number: 3, label: 'optional', type: 'string' },
  },
  Participant: {
    userName: { number: 1, label: 'required', type: 'string' },
    room: { number: 2, label: 'required', type: 'string' },
    nickname: { number: 3, label: 'required', type: 'string' },
    flag: { number: 4, label: 'required', type: 'int32' },
    status: { number: 5, label: 'required', type: 'StatusType' },
    statusMessage: { number: 6, label: 'optional', type: 'string' },
    newname: { number: 7, label: 'optional', type: 'string' },
    iconHash: { number: 8, label: 'optional', type: 'string' },
    alias: { number: 9, label: 'optional', type: 'string' },
  },
  VCard: {
    userName: { number: 1, label: 'required', type: 'string' },
    buddyName: { number: 2, label: 'required', type: 'string' },
    id: { number: 3, label: 'required', type: 'int32' },
    fullname: { number: 4, label: 'optional', type: 'string' },
    nickname: { number: 5, label: 'optional', type: 'string' },
    photo: { number: 6, label: 'optional', type: 'bytes' },
  },
  Status: {
    userName: { number: 1, label: 'required', type: 'string' },
    status: { number: 3, label: 'required', type: 'StatusType' },
    statusMessage: { number: 4, label: 'optional', type: 'string' },
  },
  Stats: {
    res: { number: 1, label: 'required', type: 'int32' },
    init_res: { number: 2, label: 'required', type: 'int32' },
    shared: { number: 3, label: 'required', type: 'int32' },
    id: { number: 4, label: 'required', type: 'string' },
  },
  Attachment: {
    url: { number: 1, label: 'required', type: 'string' },
    mimeType: { number: 2, label: 'optional', type: 'string' },
    description: { number: 3, label: 'optional', type: 'string' },
  },
  BackendConfig: {
    config: { number: 1, label: 'required', type: 'string' },
  },
  APIVersion: {
    version: { number: 1, label: 'required', type: 'int32' },
  },
};

// The enums of the .proto, value names as declared.
const ENUMS = {
  ConnectionError: {
    CONNECTION_ERROR_NETWORK_ERROR: 0,
    CONNECTION_ERROR_INVALID_USERNAME: 1,
    CONNECTION_ERROR_AUTHENTICATION_FAILED: 2,
    CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE: 3,
    CONNECTION_ERROR_NO_SSL_SUPPORT: 4,
    CONNECTION_ERROR_ENCRYPTION_ERROR: 5,
    CONNECTION_ERROR_NAME_IN_USE: 6,
    CONNECTION_ERROR_INVALID_SETTINGS: 7,
    CONNECTION_ERROR_CERT_NOT_PROVIDED: 8,
    CONNECTION_ERROR_CERT_UNTRUSTED: 9,
    CONNECTION_ERROR_CERT_EXPIRED: 10,
    CONNECTION_ERROR_CERT_NOT_ACTIVATED: 11,
    CONNECTION_ERROR_CERT_HOSTNAME_MISMATCH: 12,
    CONNECTION_ERROR_CERT_FINGERPRINT_MISMATCH: 13,
    CONNECTION_ERROR_CERT_SELF_SIGNED: 14,
    CONNECTION_ERROR_CERT_OTHER_ERROR: 15,
    CONNECTION_ERROR_OTHER_ERROR: 16,
  },
  StatusType: {
    STATUS_ONLINE: 0,
    STATUS_AWAY: 1,
    STATUS_FFC: 2,
    STATUS_XA: 3,
    STATUS_DND: 4,
    STATUS_NONE: 5,
    STATUS_INVISIBLE: 6,
  },
  ParticipantFlag: {
    PARTICIPANT_FLAG_NONE: 0,
    PARTICIPANT_FLAG_MODERATOR: 1,
    PARTICIPANT_FLAG_CONFLICT: 2,
    PARTICIPANT_FLAG_BANNED: 4,
    PARTICIPANT_FLAG_NOT_AUTHORIZED: 8,
    PARTICIPANT_FLAG_ME: 16,
    PARTICIPANT_FLAG_KICKED: 32,
    PARTICIPANT_FLAG_ROOM_NOT_FOUND: 64,
  },
};

// Every type of WrapperMessage.Type under its JSON name (the enum name without TYPE_, lower case);
// see docs/spectrum-protocol.md#message-types.
//   number        the enum value
//   payload       the payload message (a key of MESSAGES); null for none; 'raw' for raw_xml, whose
//                 JSON form carries the stanza as {"xml": "..."}
//   fromSpectrum  Spectrum sends it and the bridge hands it to the backend (PING is answered by
//                 the bridge itself and never reaches the backend)
//   fromBackend   a backend may send it; the bridge forwards it to Spectrum (PONG and STATS are
//                 the bridge's own, so a backend's are dropped; anything else is rejected)
const TYPES = {
  connected: { number: 1, payload: 'Connected', fromSpectrum: false, fromBackend: true },
  disconnected: { number: 2, payload: 'Disconnected', fromSpectrum: false, fromBackend: true },
  login: { number: 3, payload: 'Login', fromSpectrum: true, fromBackend: false },
  logout: { number: 4, payload: 'Logout', fromSpectrum: true, fromBackend: false },
  buddy_changed: { number: 6, payload: 'Buddy', fromSpectrum: true, fromBackend: true },
  buddy_removed: { number: 7, payload: 'Buddy', fromSpectrum: true, fromBackend: true },
  conv_message: { number: 8, payload: 'ConversationMessage', fromSpectrum: true, fromBackend: true },
  ping: { number: 9, payload: null, fromSpectrum: false, fromBackend: false },
  pong: { number: 10, payload: null, fromSpectrum: false, fromBackend: false },
  join_room: { number: 11, payload: 'Room', fromSpectrum: true, fromBackend: false },
  leave_room: { number: 12, payload: 'Room', fromSpectrum: true, fromBackend: false },
  participant_changed: { number: 13, payload: 'Participant', fromSpectrum: false, fromBackend: true },
  room_nickname_changed: { number: 14, payload: 'Room', fromSpectrum: false, fromBackend: true },
  room_subject_changed: { number: 15, payload: 'ConversationMessage', fromSpectrum: true, fromBackend: true },
  vcard: { number: 16, payload: 'VCard', fromSpectrum: true, fromBackend: true },
  status_changed: { number: 17, payload: 'Status', fromSpectrum: true, fromBackend: false },
  buddy_typing: { number: 18, payload: 'Buddy', fromSpectrum: true, fromBackend: true },
  buddy_stopped_typing: { number: 19, payload: 'Buddy', fromSpectrum: true, fromBackend: true },
  buddy_typed: { number: 20, payload: 'Buddy', fromSpectrum: true, fromBackend: true },
  auth_request: { number: 21, payload: 'Buddy', fromSpectrum: false, fromBackend: true },
  attention: { number: 22, payload: 'ConversationMessage', fromSpectrum: true, fromBackend: true },
  stats: { number: 23, payload: 'Stats', fromSpectrum: false, fromBackend: false },
  ft_start: { number: 24, payload: null, fromSpectrum: false, fromBackend: false },
  ft_finish: { number: 25, payload: null, fromSpectrum: false, fromBackend: false },
  ft_data: { number: 26, payload: null, fromSpectrum: false, fromBackend: false },
  ft_pause: { number: 27, payload: null, fromSpectrum: false, fromBackend: false },
  ft_continue: { number: 28, payload: null, fromSpectrum: false, fromBackend: false },
  exit: { number: 29, payload: null, fromSpectrum: true, fromBackend: false },
  backend_config: { number: 30, payload: 'BackendConfig', fromSpectrum: false, fromBackend: true },
  query: { number: 31, payload: 'BackendConfig', fromSpectrum: true, fromBackend: true },
  room_list: { number: 32, payload: 'RoomList', fromSpectrum: false, fromBackend: true },
  conv_message_ack: { number: 33, payload: 'ConversationMessage', fromSpectrum: false, fromBackend: true },
  raw_xml: { number: 34, payload: 'raw', fromSpectrum: true, fromBackend: true },
  buddies: { number: 35, payload: 'Buddies', fromSpectrum: true, fromBackend: false },
  api_version: { number: 36, payload: 'APIVersion', fromSpectrum: false, fromBackend: false },
};

// The JSON form of a raw_xml message's payload.
const RAW_XML_FIELDS = {
  xml: { number: 1, label: 'required', type: 'string' },
};

// Lines the bridge itself writes to the backend, and those it takes from it without forwarding.
const BRIDGE_TO_BACKEND = ['bridge.hello', 'bridge.ping', 'bridge.error'];
const BACKEND_TO_BRIDGE = ['bridge.log', 'bridge.pong'];

const SPECTRUM_TYPES = Object.keys(TYPES).filter((t) => TYPES[t].fromSpectrum);
const BACKEND_TYPES = Object.keys(TYPES).filter((t) => TYPES[t].fromBackend);

// The fields of a type's JSON form (null for a type without payload or one not in TYPES).
function fieldsOf(type) {
  const row = Object.prototype.hasOwnProperty.call(TYPES, type) ? TYPES[type] : null;
  if (!row || row.payload === null) return null;
  return row.payload === 'raw' ? RAW_XML_FIELDS : MESSAGES[row.payload];
}

// Required fields per type, for every type with a payload.
const REQUIRED_FIELDS = {};
for (const type of Object.keys(TYPES)) {
  const fields = fieldsOf(type);
  if (fields) REQUIRED_FIELDS[type] = Object.keys(fields).filter((f) => fields[f].label === 'required');
}

module.exports = freeze({
  MESSAGES,
  ENUMS,
  TYPES,
  RAW_XML_FIELDS,
  SPECTRUM_TYPES,
  BACKEND_TYPES,
  REQUIRED_FIELDS,
  BRIDGE_TO_BACKEND,
  BACKEND_TO_BRIDGE,
});

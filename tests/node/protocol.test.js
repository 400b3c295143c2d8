'use strict';
// The binding's protocol table (bindings/node/lib/protocol.js) against proto/protocol.proto and
// the bridge's own type table (src/core/message_types.cpp), so neither can drift from it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { ROOT, BINDING } = require('./helpers');
const { parseProto } = require('./proto_parser');
const protocol = require(path.join(BINDING, 'lib', 'protocol'));
const { StatusType, ConnectionErrorCode, ParticipantFlag } = require(BINDING);

const proto = parseProto(fs.readFileSync(path.join(ROOT, 'proto', 'protocol.proto'), 'utf8'));

// Plain copies, so deepStrictEqual compares content and not frozenness.
const plain = (value) => JSON.parse(JSON.stringify(value));

test('the parser reads the .proto it checks against', () => {
  // Guards the check itself: a parser that found nothing would make every comparison vacuous.
  assert.ok(Object.keys(proto.messages).length >= 18, Object.keys(proto.messages).join(','));
  assert.deepEqual(proto.messages['Login.UserSettings'], { value: { number: 1, label: 'map', type: 'map<string,string>' } });
  assert.equal(proto.messages.Login.settings.type, 'Login.UserSettings');
  assert.equal(proto.messages.Participant.status.label, 'required');
  assert.equal(proto.enums['WrapperMessage.Type'].TYPE_CONV_MESSAGE, 8);
});

test('every payload message, field, number, label and type is as in the .proto', () => {
  const expected = Object.assign({}, proto.messages);
  delete expected.WrapperMessage; // the envelope, not a payload
  assert.deepEqual(plain(protocol.MESSAGES), expected);
});

test('the enums are the .proto enums', () => {
  assert.deepEqual(plain(protocol.ENUMS), {
    ConnectionError: proto.enums.ConnectionError,
    StatusType: proto.enums.StatusType,
    ParticipantFlag: proto.enums.ParticipantFlag,
  });
  assert.deepEqual(Object.keys(proto.enums).sort(), ['ConnectionError', 'ParticipantFlag', 'StatusType', 'WrapperMessage.Type']);
});

test('the exported enum objects are frozen and carry the wire values', () => {
  for (const e of [StatusType, ConnectionErrorCode, ParticipantFlag]) assert.ok(Object.isFrozen(e));
  assert.equal(StatusType.AWAY, 'STATUS_AWAY');
  assert.equal(Object.keys(StatusType).length, Object.keys(proto.enums.StatusType).length);
  for (const [name, number] of Object.entries(proto.enums.ConnectionError)) {
    assert.equal(ConnectionErrorCode[name.replace('CONNECTION_ERROR_', '')], number, name);
  }
  for (const [name, number] of Object.entries(proto.enums.ParticipantFlag)) {
    assert.equal(ParticipantFlag[name.replace('PARTICIPANT_FLAG_', '')], number, name);
  }
  assert.throws(() => { 'use strict'; StatusType.AWAY = 'x'; }, TypeError);
});

test('every WrapperMessage type is in the table under its JSON name and number', () => {
  const fromProto = {};
  for (const [name, number] of Object.entries(proto.enums['WrapperMessage.Type'])) {
    fromProto[name.replace(/^TYPE_/, '').toLowerCase()] = number;
  }
  const fromTable = {};
  for (const [name, row] of Object.entries(protocol.TYPES)) fromTable[name] = row.number;
  assert.deepEqual(fromTable, fromProto);
  for (const [name, row] of Object.entries(protocol.TYPES)) {
    assert.ok(row.payload === null || row.payload === 'raw' || proto.messages[row.payload], `${name}: payload ${row.payload}`);
  }
});

test('required fields per type follow the .proto labels', () => {
  for (const [type, row] of Object.entries(protocol.TYPES)) {
    if (row.payload === null) {
      assert.equal(protocol.REQUIRED_FIELDS[type], undefined, type);
      continue;
    }
    const fields = row.payload === 'raw' ? { xml: { label: 'required' } } : proto.messages[row.payload];
    const required = Object.keys(fields).filter((f) => fields[f].label === 'required');
    assert.deepEqual(plain(protocol.REQUIRED_FIELDS[type]), required, type);
  }
  assert.deepEqual(plain(protocol.REQUIRED_FIELDS.participant_changed), ['userName', 'room', 'nickname', 'flag', 'status']);
});

// The bridge's own table: {WrapperMessage::TYPE_X, kind, pbnetwork::Msg::descriptor, from_spectrum, to_spectrum}.
function bridgeTable() {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'core', 'message_types.cpp'), 'utf8');
  const rows = {};
  const re = /\{WrapperMessage::TYPE_(\w+),\s*(\w+),\s*(?:pbnetwork::(\w+)::descriptor|nullptr),\s*(true|false),\s*(true|false)\}/g;
  let m;
  while ((m = re.exec(source)) !== null) {
    rows[m[1].toLowerCase()] = { kind: m[2], payload: m[3] || null, fromSpectrum: m[4] === 'true', toSpectrum: m[5] === 'true' };
  }
  return rows;
}

test('payloads and directions agree with the bridge (src/core/message_types.cpp)', () => {
  const rows = bridgeTable();
  assert.deepEqual(Object.keys(rows).sort(), Object.keys(protocol.TYPES).sort());
  for (const [type, row] of Object.entries(protocol.TYPES)) {
    const bridge = rows[type];
    const payload = bridge.kind === 'kXml' ? 'raw' : bridge.payload;
    if (bridge.kind !== 'kFt') assert.equal(row.payload, payload, `${type} payload`);
    // The bridge answers PING itself; PONG and STATS from a backend are the bridge's to send.
    assert.equal(row.fromSpectrum, bridge.fromSpectrum && type !== 'ping', `${type} fromSpectrum`);
    assert.equal(row.fromBackend, bridge.toSpectrum && type !== 'pong' && type !== 'stats', `${type} fromBackend`);
  }
});

test('the lists of types per direction are the documented ones', () => {
  assert.deepEqual(plain(protocol.BACKEND_TYPES), [
    'connected', 'disconnected', 'buddy_changed', 'buddy_removed', 'conv_message', 'participant_changed',
    'room_nickname_changed', 'room_subject_changed', 'vcard', 'buddy_typing', 'buddy_stopped_typing',
    'buddy_typed', 'auth_request', 'attention', 'backend_config', 'query', 'room_list', 'conv_message_ack',
    'raw_xml',
  ]);
  // README.md lists what the child may send; the table must say the same.
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('### What the child may send')[1].split('\n\n')[1];
  const documented = section.split('.')[0].match(/`([a-z_]+)`/g).map((s) => s.slice(1, -1));
  assert.deepEqual([...documented].sort(), [...protocol.BACKEND_TYPES].sort());
});

test('the table is frozen plain data', () => {
  assert.ok(Object.isFrozen(protocol));
  assert.ok(Object.isFrozen(protocol.TYPES.conv_message));
  assert.ok(Object.isFrozen(protocol.MESSAGES.Buddy.status));
  assert.deepEqual(JSON.parse(JSON.stringify(protocol)), plain(protocol), 'survives JSON: no functions, no cycles');
});

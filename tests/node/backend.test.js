'use strict';
// Unit tests of the Node binding's Backend, over in-memory pipes: lines written by the test reach
// the backend's input; what the backend writes is read back as parsed JSON.
const test = require('node:test');
const assert = require('node:assert/strict');

const { BINDING, HELLO, wire, within } = require('./helpers');
const { Backend, StatusType, ConnectionErrorCode, ParticipantFlag, protocol } = require(BINDING);

const LOGIN = { type: 'login', user: 'alice@example.org', legacyName: 'alice', password: 'secret' };

// Records every message of every type Spectrum sends, and what it saw when the first one came.
class Recorder extends Backend {
  constructor(options) {
    super(options);
    this.seen = [];
    this.atFirstHandler = null;
  }

  record(msg) {
    if (this.atFirstHandler === null) this.atFirstHandler = { config: this.config, jid: this.jid, backendId: this.backendId };
    this.seen.push(msg);
  }
}
for (const type of protocol.SPECTRUM_TYPES) {
  const name = 'on' + type.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  Recorder.prototype[name] = Recorder.prototype.record;
}

// Runs a backend over the given lines until the end of input; returns it and every line it wrote.
async function runOver(BackendClass, lines, options) {
  const w = wire(BackendClass, options);
  w.write(...lines);
  w.input.end();
  await within(w.backend.run(), 'run() resolves');
  w.output.end();
  return { backend: w.backend, out: await w.out.rest() };
}

test('bridge.hello fills config, jid and backendId before the first handler runs', async () => {
  let atStart = null;
  class B extends Recorder {
    onStart() {
      atStart = { config: this.config, jid: this.jid, backendId: this.backendId, configPath: this.configPath };
    }
  }
  const { backend } = await runOver(B, [HELLO, LOGIN]);
  assert.deepEqual(atStart, { config: HELLO.config, jid: 'irc.example', backendId: '3', configPath: HELLO.config_path });
  assert.deepEqual(backend.atFirstHandler, { config: HELLO.config, jid: 'irc.example', backendId: '3' });
  assert.equal(backend.bridgeVersion, 1);
  assert.equal(backend.seen.length, 1);
});

test('every type Spectrum sends reaches its method, in order, as a plain object', async () => {
  const msgs = protocol.SPECTRUM_TYPES.filter((t) => t !== 'exit').map((type, n) => ({ type, userName: 'u', n }));
  const { backend } = await runOver(Recorder, [HELLO, ...msgs]);
  assert.deepEqual(backend.seen.map((m) => m.type), msgs.map((m) => m.type));
  assert.deepEqual(backend.seen[4], msgs[4]);
});

test('handlers registered with on() are used, and win over methods', async () => {
  const calls = [];
  const w = wire(Recorder);
  w.backend
    .on('login', (msg) => calls.push(['login', msg.user]))
    .on('conv_message', async (msg) => calls.push(['conv_message', msg.message]))
    .on('start', () => calls.push(['start', w.backend.jid]))
    .on('stop', () => calls.push(['stop']));
  w.write(HELLO, LOGIN, { type: 'conv_message', userName: 'u', buddyName: 'b', message: 'hi' }, { type: 'logout', user: 'u', legacyName: 'l' });
  w.input.end();
  await within(w.backend.run(), 'run() resolves');
  assert.deepEqual(calls, [['start', 'irc.example'], ['login', 'alice@example.org'], ['conv_message', 'hi'], ['stop']]);
  assert.deepEqual(w.backend.seen.map((m) => m.type), ['logout'], 'methods still handle the rest');
});

test('on() refuses unknown types and non-functions', () => {
  const w = wire(Backend);
  assert.throws(() => w.backend.on('conv_mesage', () => {}), (e) => e instanceof TypeError && /conv_mesage/.test(e.message) && /conv_message/.test(e.message));
  assert.throws(() => w.backend.on('connected', () => {}), TypeError, 'Spectrum never sends connected');
  assert.throws(() => w.backend.on('login', 'nope'), /handler must be a function/);
});

test('a vCard photo arrives as a Buffer; status stays comparable with StatusType', async () => {
  const { backend } = await runOver(Recorder, [HELLO,
    { type: 'status_changed', userName: 'u', status: 'STATUS_AWAY' },
    { type: 'vcard', userName: 'u', buddyName: '', id: 0, photo: 'AAEC/w==' },
    { type: 'vcard', userName: 'u', buddyName: 'bob', id: 4 }]);
  assert.equal(backend.seen[0].status, StatusType.AWAY);
  assert.ok(Buffer.isBuffer(backend.seen[1].photo));
  assert.deepEqual([...backend.seen[1].photo], [0, 1, 2, 255]);
  assert.equal('photo' in backend.seen[2], false, 'a request has no photo');
});

test('lines split anywhere, even inside a character, are put together', async () => {
  const w = wire(Recorder);
  const bytes = Buffer.from([HELLO, { type: 'conv_message', userName: 'u', buddyName: 'b', message: 'héllo ✓ 😀' }]
    .map((m) => JSON.stringify(m) + '\r\n').join(''));
  for (let i = 0; i < bytes.length; i += 3) w.input.write(bytes.subarray(i, i + 3));
  w.input.end();
  await within(w.backend.run(), 'run() resolves');
  assert.equal(w.backend.seen[0].message, 'héllo ✓ 😀');
});

test('a last line without a newline is handled at the end of input', async () => {
  const { backend } = await runOver(Recorder, [HELLO, JSON.stringify(LOGIN)]);
  assert.deepEqual(backend.seen.map((m) => m.type), ['login']);
});

test('exit runs its handler, then stop, and the lines after it are ignored', async () => {
  const calls = [];
  class B extends Recorder {
    onStop() {
      calls.push('stop');
    }
  }
  const w = wire(B);
  w.write(HELLO, { type: 'exit' }, LOGIN);
  // The input stays open: exit alone ends run().
  await within(w.backend.run(), 'run() resolves after exit');
  assert.deepEqual(w.backend.seen.map((m) => m.type), ['exit']);
  assert.deepEqual(calls, ['stop']);
  assert.equal(w.input.listenerCount('data'), 0, 'nothing is read after exit');
});

test('unknown and untranslated types are skipped, unreadable lines logged, and nothing stops', async () => {
  const { backend, out } = await runOver(Recorder, [HELLO, { type: 'mystery' }, { type: 99, payload: 'AA==' },
    'not json\n', '[1,2]\n', '\n', '   \n', LOGIN], { logLevel: 'debug' });
  assert.deepEqual(backend.seen.map((m) => m.type), ['login']);
  const logs = out.filter((m) => m.type === 'bridge.log');
  assert.ok(logs.some((m) => m.level === 'debug' && /no handler for "mystery"/.test(m.message)), JSON.stringify(logs));
  assert.ok(logs.some((m) => m.level === 'error' && /unreadable line/.test(m.message) && /not json/.test(m.message)), JSON.stringify(logs));
  assert.ok(logs.some((m) => m.level === 'error' && /not a JSON object/.test(m.message)), JSON.stringify(logs));
});

test('async handlers run one at a time, in order; failures are logged and the rest goes on', async () => {
  const order = [];
  class B extends Backend {
    async onLogin(msg) {
      order.push('login begins');
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      order.push('login ends');
      this.connected(msg.user);
    }

    onLogout() {
      order.push('logout');
      throw new Error('boom');
    }

    async onConvMessage() {
      order.push('conv_message');
      throw new RangeError('async boom');
    }

    onStatusChanged(msg) {
      order.push('status_changed');
      this.disconnected(msg.userName, ConnectionErrorCode.NAME_IN_USE, 'taken');
    }
  }
  const { out } = await runOver(B, [HELLO, LOGIN, { type: 'logout', user: 'x', legacyName: 'x' },
    { type: 'conv_message', userName: 'u', buddyName: 'b', message: 'm' }, { type: 'status_changed', userName: 'u', status: 'STATUS_ONLINE' }]);
  assert.deepEqual(order, ['login begins', 'login ends', 'logout', 'conv_message', 'status_changed']);
  const errors = out.filter((m) => m.type === 'bridge.log' && m.level === 'error').map((m) => m.message);
  assert.equal(errors.length, 2, JSON.stringify(errors));
  assert.match(errors[0], /the logout handler failed: Error: boom/);
  assert.match(errors[1], /the conv_message handler failed: RangeError: async boom/);
  assert.deepEqual(out.filter((m) => m.type !== 'bridge.log'), [
    { type: 'connected', user: 'alice@example.org' },
    { type: 'disconnected', user: 'u', error: 6, message: 'taken' },
  ]);
});

test('bridge.error is logged as a warning and passed to onBridgeError', async () => {
  const errors = [];
  class B extends Backend {
    onBridgeError(msg) {
      errors.push(msg.line_number);
    }
  }
  const { out } = await runOver(B, [HELLO, { type: 'bridge.error', error: 'conv_message: missing required field message', line_number: 4, line: '{}' }]);
  assert.deepEqual(errors, [4]);
  assert.deepEqual(out, [{ type: 'bridge.log', level: 'warn', message: 'the bridge rejected line 4: conv_message: missing required field message' }]);
});

test('bridge.ping is answered with the same id, even while an async handler waits', async () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  class B extends Backend {
    async onLogin(msg) {
      await gate;
      this.connected(msg.user);
    }
  }
  const w = wire(B);
  const running = w.backend.run();
  w.write(HELLO, { type: 'bridge.ping', id: '1' }, LOGIN, { type: 'bridge.ping', id: '2' }, { type: 'logout', user: 'u', legacyName: 'l' });
  assert.deepEqual(await w.out.next('the first pong'), { type: 'bridge.pong', id: '1' });
  assert.deepEqual(await w.out.next('the second pong'), { type: 'bridge.pong', id: '2' }, 'answered while the login handler waits');
  release();
  assert.deepEqual(await w.out.next('connected'), { type: 'connected', user: 'alice@example.org' });
  w.input.end();
  await within(running, 'run() resolves');
});

test('bridge.log: this.log sends each level; debug only with logLevel debug', async () => {
  class B extends Backend {
    onLogin(msg) {
      this.log.error('e %d', 1);
      this.log.warn('w %s', msg.user);
      this.log.info('i %j', { a: 1 });
      this.log.debug('d');
    }
  }
  const quiet = await runOver(B, [HELLO, LOGIN]);
  assert.deepEqual(quiet.out, [
    { type: 'bridge.log', level: 'error', message: 'e 1' },
    { type: 'bridge.log', level: 'warn', message: 'w alice@example.org' },
    { type: 'bridge.log', level: 'info', message: 'i {"a":1}' },
  ]);
  const loud = await runOver(B, [HELLO, LOGIN], { logLevel: 'debug' });
  assert.deepEqual(loud.out.map((m) => m.level), ['error', 'warn', 'info', 'debug']);
  assert.throws(() => new Backend({ logLevel: 'verbose' }), /logLevel must be one of/);
});

test('one sender per type a backend sends, with the wire names and C++ argument order', async () => {
  const photo = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
  class B extends Backend {
    onLogin() {
      const u = 'a@b';
      this.connected(u);
      this.disconnected(u, ConnectionErrorCode.AUTHENTICATION_FAILED, 'wrong password');
      this.buddyChanged(u, 'bob', { alias: 'Bob', groups: ['G'], status: StatusType.DND, statusMessage: 'busy', iconHash: 'h', blocked: false });
      this.buddyRemoved(u, 'bob');
      this.authRequest(u, 'bob');
      this.message(u, '#room', 'hi "there"\n', { nickname: 'carol', timestamp: '20240131T120000', id: '7', attachments: [{ url: 'http://x/a.png', mimeType: 'image/png' }] });
      this.subject(u, '#room', 'topic', { nickname: 'carol' });
      this.attention(u, 'bob', 'hey');
      this.messageAck(u, 'bob', '7');
      this.buddyTyping(u, 'bob');
      this.buddyTyped(u, 'bob');
      this.buddyStoppedTyping(u, 'bob');
      this.participantChanged(u, 'carol', '#room', ParticipantFlag.MODERATOR | ParticipantFlag.ME, StatusType.AWAY, { statusMessage: 'brb', newname: 'caro', iconHash: 'i', alias: 'C' });
      this.roomNicknameChanged(u, '#room', 'alice_');
      this.roomList(u, ['#a', '#b'], ['A', 'B']);
      this.vcard(u, 3, 'bob', { fullname: 'Bob B', nickname: 'bobby', photo });
      this.backendConfig({ features: { muc: true, rawxml: false } });
      this.query('status');
      this.rawXml('<presence/>');
      this.send('buddy_changed', { userName: u, buddyName: 'dave', status: 1 });
    }
  }
  const { out } = await runOver(B, [HELLO, LOGIN]);
  assert.deepEqual(out, [
    { type: 'connected', user: 'a@b' },
    { type: 'disconnected', user: 'a@b', error: 2, message: 'wrong password' },
    { type: 'buddy_changed', userName: 'a@b', buddyName: 'bob', alias: 'Bob', group: ['G'], status: 'STATUS_DND', statusMessage: 'busy', iconHash: 'h', blocked: false },
    { type: 'buddy_removed', userName: 'a@b', buddyName: 'bob' },
    { type: 'auth_request', userName: 'a@b', buddyName: 'bob' },
    { type: 'conv_message', userName: 'a@b', buddyName: '#room', message: 'hi "there"\n', nickname: 'carol', timestamp: '20240131T120000', id: '7', attachment: [{ url: 'http://x/a.png', mimeType: 'image/png' }] },
    { type: 'room_subject_changed', userName: 'a@b', buddyName: '#room', message: 'topic', nickname: 'carol' },
    { type: 'attention', userName: 'a@b', buddyName: 'bob', message: 'hey' },
    { type: 'conv_message_ack', userName: 'a@b', buddyName: 'bob', message: '', id: '7' },
    { type: 'buddy_typing', userName: 'a@b', buddyName: 'bob' },
    { type: 'buddy_typed', userName: 'a@b', buddyName: 'bob' },
    { type: 'buddy_stopped_typing', userName: 'a@b', buddyName: 'bob' },
    { type: 'participant_changed', userName: 'a@b', room: '#room', nickname: 'carol', flag: 17, status: 'STATUS_AWAY', statusMessage: 'brb', newname: 'caro', iconHash: 'i', alias: 'C' },
    { type: 'room_nickname_changed', userName: 'a@b', room: '#room', nickname: 'alice_' },
    { type: 'room_list', room: ['#a', '#b'], name: ['A', 'B'], user: 'a@b' },
    { type: 'vcard', userName: 'a@b', buddyName: 'bob', id: 3, fullname: 'Bob B', nickname: 'bobby', photo: photo.toString('base64') },
    { type: 'backend_config', config: '[features]\nmuc=1\nrawxml=0\n' },
    { type: 'query', config: 'status' },
    { type: 'raw_xml', xml: '<presence/>' },
    { type: 'buddy_changed', userName: 'a@b', buddyName: 'dave', status: 'STATUS_AWAY' },
  ]);
  const senders = new Set(out.map((m) => m.type));
  assert.deepEqual([...senders].sort(), [...protocol.BACKEND_TYPES].sort(), 'every type a backend sends has a sender');
});

test('optional fields left out stay absent; defaults and conversions', async () => {
  class B extends Backend {
    onLogin() {
      this.message('a@b', 'bob', 'plain');
      this.message('a@b', 'bob', 'dated', { timestamp: new Date(Date.UTC(2024, 0, 31, 12, 0, 5)), xhtml: undefined, nickname: null });
      this.disconnected('a@b', ConnectionErrorCode.NETWORK_ERROR);
      this.buddyChanged('a@b', 'bob');
      this.roomList(null, ['#a']);
      this.vcard('a@b', 1, 'bob', { photo: new Uint8Array([1, 2]) });
      this.backendConfig('[features]\nreceipts=1\n');
      this.backendConfig({ registration: { extraField: ['a', 'b'], needPassword: false } });
    }
  }
  const { out } = await runOver(B, [HELLO, LOGIN]);
  assert.deepEqual(out, [
    { type: 'conv_message', userName: 'a@b', buddyName: 'bob', message: 'plain' },
    { type: 'conv_message', userName: 'a@b', buddyName: 'bob', message: 'dated', timestamp: '20240131T120005' },
    { type: 'disconnected', user: 'a@b', error: 0 },
    { type: 'buddy_changed', userName: 'a@b', buddyName: 'bob' },
    { type: 'room_list', room: ['#a'], name: ['#a'] },
    { type: 'vcard', userName: 'a@b', buddyName: 'bob', id: 1, photo: 'AQI=' },
    { type: 'backend_config', config: '[features]\nreceipts=1\n' },
    { type: 'backend_config', config: '[registration]\nextraField=a\nextraField=b\nneedPassword=0\n' },
  ]);
});

test('mistakes throw a TypeError at the call site, naming the argument, and send nothing', async () => {
  const w = wire(Backend);
  const b = w.backend;
  const cases = [
    [() => b.connected(), /connected\(\): user is required and must be a string, got undefined/],
    [() => b.disconnected('a@b'), /disconnected\(\): error is required and must be a ConnectionErrorCode/],
    [() => b.disconnected('a@b', 99), /disconnected\(\): error must be a ConnectionErrorCode/],
    [() => b.disconnected('a@b', '2'), /disconnected\(\): error must be a ConnectionErrorCode/],
    [() => b.disconnected(undefined, 2), /disconnected\(\): user is required/],
    [() => b.disconnected('a@b', 2, 5), /disconnected\(\): message must be a string/],
    [() => b.message('a@b', 'bob'), /message\(\): message is required and must be a string/],
    [() => b.message('a@b', undefined, 'hi'), /message\(\): legacyName is required/],
    [() => b.message(42, 'bob', 'hi'), /message\(\): user must be a string, got number 42/],
    [() => b.message('a@b', 'bob', 'hi', { nick: 'x' }), /message\(\): unknown option "nick" \(known: nickname,/],
    [() => b.message('a@b', 'bob', 'hi', 'carol'), /message\(\): options must be an object/],
    [() => b.message('a@b', 'bob', 'hi', { timestamp: '2024-01-31 12:00' }), /options\.timestamp must be a Date or a string in the form YYYYMMDDTHHMMSS/],
    [() => b.message('a@b', 'bob', 'hi', { headline: 'yes' }), /message\(\): options\.headline must be a boolean/],
    [() => b.message('a@b', 'bob', 'hi', { attachments: [{ mimeType: 'image/png' }] }), /options\.attachments\[0\]\.url is required/],
    [() => b.buddyChanged('a@b', 'bob', { status: 'STATUS_SLEEPY' }), /buddyChanged\(\): options\.status must be a StatusType/],
    [() => b.buddyChanged('a@b', 'bob', { status: 9 }), /options\.status must be a StatusType/],
    [() => b.buddyChanged('a@b', 'bob', { groups: 'G' }), /options\.groups must be an array of strings/],
    [() => b.participantChanged('a@b', 'carol', '#room'), /participantChanged\(\): flags is required/],
    [() => b.participantChanged('a@b', 'carol', '#room', 0), /participantChanged\(\): status is required/],
    [() => b.vcard('a@b', '3', 'bob'), /vcard\(\): id must be an integer/],
    [() => b.vcard('a@b', 3, 'bob', { photo: 7 }), /options\.photo must be a Buffer/],
    [() => b.messageAck('a@b', 'bob'), /messageAck\(\): id is required/],
    [() => b.roomList('a@b', '#a'), /roomList\(\): rooms is required and must be an array/],
    [() => b.roomList('a@b', ['#a', '#b'], ['A']), /names must have one entry per room/],
    [() => b.backendConfig({ features: 'muc' }), /section "features" must be an object/],
    [() => b.backendConfig({ features: { muc: 'a\nb' } }), /contains a line break/],
    [() => b.backendConfig(), /config is required/],
    [() => b.query(), /query\(\): command is required/],
    [() => b.rawXml(), /rawXml\(\): xml is required/],
    [() => b.send('login', { user: 'a', legacyName: 'a', password: '' }), /a backend cannot send login/],
    [() => b.send('pong'), /a backend cannot send pong/],
    [() => b.send('conv_mesage', {}), /unknown type "conv_mesage"/],
    [() => b.send('conv_message', { userName: 'u', buddyName: 'b', message: 'm', colour: 'red' }), /unknown field "colour"/],
    [() => b.send('conv_message', { userName: 'u', buddyName: 'b' }), /send\("conv_message"\): message is required/],
    [() => b.send(7, {}), /the type must be a string/],
  ];
  for (const [call, pattern] of cases) assert.throws(call, (e) => e instanceof TypeError && pattern.test(e.message), `${call}`);
  b.send('bridge.log', { level: 'info', message: 'only this' });
  w.output.end();
  assert.deepEqual(await w.out.rest(), [{ type: 'bridge.log', level: 'info', message: 'only this' }], 'a refused call writes nothing');
});

test('replies to one chunk of input leave in one write', async () => {
  const writes = [];
  const { Writable } = require('node:stream');
  const output = new Writable({
    write(chunk, encoding, callback) {
      writes.push(String(chunk));
      callback();
    },
    writev(chunks, callback) {
      writes.push(chunks.map((c) => String(c.chunk)).join(''));
      callback();
    },
  });
  const { PassThrough } = require('node:stream');
  const input = new PassThrough();
  class B extends Backend {
    onLogin(msg) {
      this.connected(msg.user);
    }
  }
  const backend = new B({ input, output });
  input.end([HELLO, ...Array.from({ length: 200 }, (_, i) => Object.assign({}, LOGIN, { user: `u${i}` }))].map((m) => JSON.stringify(m) + '\n').join(''));
  await within(backend.run(), 'run() resolves');
  const users = writes.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l).user);
  assert.deepEqual(users, Array.from({ length: 200 }, (_, i) => `u${i}`));
  assert.ok(writes.length < 20, `batched per input chunk, not one write per reply (${writes.length} writes)`);
});

test('stop() from a handler ends run() after the current message', async () => {
  class B extends Recorder {
    onLogin(msg) {
      this.record(msg);
      this.stop();
    }
  }
  const w = wire(B);
  w.write(HELLO, LOGIN, { type: 'logout', user: 'u', legacyName: 'l' });
  await within(w.backend.run(), 'run() resolves after stop()');
  assert.deepEqual(w.backend.seen.map((m) => m.type), ['login']);
});

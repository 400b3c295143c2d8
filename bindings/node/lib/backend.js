'use strict';
// The Backend class: reads the bridge's JSON lines, dispatches them to handlers, and sends
// messages back, one whole line each, in call order.
const util = require('node:util');

const protocol = require('./protocol');
const { ConnectionErrorCode } = require('./enums');
const { checkMessage, describe, isPlainObject } = require('./check');

const LEVELS = Object.freeze({ error: 0, warn: 1, info: 2, debug: 3 });
const CONNECTION_ERROR_CODES = new Set(Object.values(ConnectionErrorCode));
const TIMESTAMP_FORM = /^(\d{8}T\d{6}([.,]\d+)?)?$/;

// 'conv_message' -> 'onConvMessage', 'bridge.error' -> 'onBridgeError', 'start' -> 'onStart'.
function methodName(type) {
  return 'on' + type.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

// What a handler can be registered for: every type Spectrum sends, and three hooks.
const HOOKS = ['start', 'stop', 'bridge.error'];
const HANDLER_TYPES = new Set([...protocol.SPECTRUM_TYPES, ...HOOKS]);
const METHOD_NAMES = new Map([...HANDLER_TYPES].map((type) => [type, methodName(type)]));

let consoleRouted = false;

// Points the global console at stderr: stdout is the protocol channel, and a stray console.log
// line there would reach the bridge as a (rejected) message. Idempotent.
function routeConsoleToStderr() {
  if (consoleRouted) return;
  consoleRouted = true;
  const toStderr = new console.Console({ stdout: process.stderr, stderr: process.stderr });
  for (const name of Object.keys(console)) {
    if (name !== 'Console' && typeof console[name] === 'function' && typeof toStderr[name] === 'function') {
      console[name] = toStderr[name].bind(toStderr);
    }
  }
}

// Options an options object may hold, mapped to the wire fields they fill.
function takeOptions(where, options, known, fields, names) {
  if (options === undefined || options === null) return;
  if (!isPlainObject(options)) throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  for (const [key, value] of Object.entries(options)) {
    if (!Object.prototype.hasOwnProperty.call(known, key)) {
      throw new TypeError(`${where}: unknown option ${JSON.stringify(key)} (known: ${Object.keys(known).join(', ')})`);
    }
    fields[known[key]] = value;
    names[known[key]] = 'options.' + key;
  }
}

function formatTimestamp(where, value) {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${where}: options.timestamp is an invalid Date`);
    return value.toISOString().slice(0, 19).replace(/[-:]/g, '');
  }
  if (typeof value === 'string' && !TIMESTAMP_FORM.test(value)) {
    throw new TypeError(`${where}: options.timestamp must be a Date or a string in the form YYYYMMDDTHHMMSS (UTC), got ${describe(value)}`);
  }
  return value;
}

// {section: {key: value}} as the INI text of a backend_config message.
function iniText(where, config) {
  const lines = [];
  const word = (what, text) => {
    if (/[\r\n]/.test(text)) throw new TypeError(`${where}: ${what} ${JSON.stringify(text)} contains a line break`);
    return text;
  };
  for (const [section, keys] of Object.entries(config)) {
    if (!isPlainObject(keys)) throw new TypeError(`${where}: section ${JSON.stringify(section)} must be an object of keys, got ${describe(keys)}`);
    lines.push(`[${word('section', section)}]`);
    for (const [key, value] of Object.entries(keys)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) {
          throw new TypeError(`${where}: ${section}.${key} must be a string, number or boolean (or an array of them), got ${describe(v)}`);
        }
        lines.push(`${word('key', key)}=${word('value', typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

class Backend {
  /**
   * options.input     where the bridge's lines come from (default process.stdin)
   * options.output    where our lines go (default process.stdout; then console output is
   *                   routed to stderr)
   * options.logLevel  'error', 'warn', 'info' (default) or 'debug': the lowest level of this.log
   *                   that is sent to the bridge
   */
  constructor(options = {}) {
    if (!isPlainObject(options)) throw new TypeError(`new Backend(): options must be an object, got ${describe(options)}`);
    const { input = process.stdin, output = process.stdout, logLevel = 'info' } = options;
    if (!Object.prototype.hasOwnProperty.call(LEVELS, logLevel)) {
      throw new TypeError(`new Backend(): logLevel must be one of ${Object.keys(LEVELS).join(', ')}, got ${describe(logLevel)}`);
    }
    // Filled from bridge.hello before the first handler runs.
    this.config = {};
    this.jid = '';
    this.backendId = '';
    this.configPath = '';
    this.bridgeVersion = null;

    this._input = input;
    this._output = output;
    this._level = LEVELS[logLevel];
    this._handlers = new Map();
    this._parts = []; // the start of a line not yet ended
    this._queue = [];
    this._head = 0;
    this._busy = false; // an async handler is running; the messages behind it wait
    this._closing = false; // exit seen or stop() called: no more lines are taken
    this._inputEnded = false;
    this._finished = false;
    this._outputBroken = false;
    this._run = null;

    const log = (level) => (...args) => this._log(level, args);
    this.log = Object.freeze({ error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') });

    if (output === process.stdout) routeConsoleToStderr();
  }

  /** Runs a backend over stdin/stdout and exits the process when it is done (see main()). */
  static main(options) {
    return new this(options).main();
  }

  // ---- handlers ------------------------------------------------------------------------------

  /**
   * Registers the handler for `type`: a type Spectrum sends ('login', 'conv_message', ...) or a
   * hook ('start', 'stop', 'bridge.error'). It replaces a method of the same name
   * (onConvMessage) and an earlier registration. Returns this.
   */
  on(type, handler) {
    if (!HANDLER_TYPES.has(type)) {
      throw new TypeError(`on(): unknown type ${describe(type)}; Spectrum sends ${protocol.SPECTRUM_TYPES.join(', ')}; ` +
        `hooks: ${HOOKS.join(', ')}`);
    }
    if (typeof handler !== 'function') throw new TypeError(`on(${JSON.stringify(type)}): handler must be a function, got ${describe(handler)}`);
    this._handlers.set(type, handler);
    return this;
  }

  // ---- running -------------------------------------------------------------------------------

  /**
   * Reads and dispatches messages until exit or the end of input; resolves after the stop hook.
   * Handlers run one at a time, in the order the messages came: an async handler is awaited
   * before the next message is dispatched. bridge.ping is answered as soon as it is read.
   */
  run() {
    if (this._run) return this._run;
    this._run = new Promise((resolve) => {
      this._resolveRun = resolve;
    });
    const input = this._input;
    this._listeners = {
      data: (chunk) => this._receive(typeof chunk === 'string' ? chunk : String(chunk)),
      end: () => this._endOfInput(),
      close: () => this._endOfInput(),
      error: (error) => {
        this._log('error', ['reading from the bridge failed: %s', error.message]);
        this._endOfInput();
      },
    };
    this._outputError = (error) => {
      if (!this._outputBroken) process.stderr.write(`spectrum2-bridge: writing to the bridge failed: ${error.message}\n`);
      this._outputBroken = true;
    };
    this._output.on('error', this._outputError);
    input.setEncoding('utf8'); // decodes characters split between chunks
    for (const [event, listener] of Object.entries(this._listeners)) input.on(event, listener);
    if (typeof input.resume === 'function') input.resume();
    return this._run;
  }

  /**
   * Runs the backend (run()), then waits until every line is written and exits the process:
   * with 0, or 1 if run() failed. Use it as the last line of a backend script.
   */
  async main() {
    let code = 0;
    try {
      await this.run();
    } catch (error) {
      process.stderr.write(`spectrum2-bridge: ${(error && error.stack) || error}\n`);
      code = 1;
    }
    await this.flushed();
    process.exit(code || process.exitCode || 0);
  }

  /** Ends run() after the current message; messages still queued are dropped. */
  stop() {
    this._closing = true;
    this._queue = [];
    this._head = 0;
    if (this._run && !this._busy) this._finish();
  }

  /** Resolves when every line sent so far has been handed to the operating system. */
  flushed() {
    return new Promise((resolve) => {
      if (this._outputBroken || this._output.destroyed || this._output.writableEnded) resolve();
      else this._output.write('', () => resolve());
    });
  }

  _receive(chunk) {
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      if (!this._closing) this._parts.push(chunk);
      return;
    }
    const output = this._output;
    output.cork(); // replies to one chunk of input leave together
    try {
      let line = chunk.slice(0, nl);
      if (this._parts.length) {
        this._parts.push(line);
        line = this._parts.join('');
        this._parts = [];
      }
      this._line(line);
      let start = nl + 1;
      while (!this._closing && (nl = chunk.indexOf('\n', start)) !== -1) {
        this._line(chunk.slice(start, nl));
        start = nl + 1;
      }
      if (!this._closing && start < chunk.length) this._parts.push(chunk.slice(start));
    } finally {
      output.uncork();
    }
  }

  _endOfInput() {
    if (this._inputEnded) return;
    this._inputEnded = true;
    const rest = this._parts.join('');
    this._parts = [];
    if (!this._closing && rest) this._line(rest);
    this._pump();
  }

  _line(line) {
    if (this._closing || !/\S/.test(line)) return;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (error) {
      this._log('error', ['unreadable line from the bridge (%s): %s', error.message, line.slice(0, 200)]);
      return;
    }
    if (!isPlainObject(msg)) {
      this._log('error', ['line from the bridge is not a JSON object: %s', line.slice(0, 200)]);
      return;
    }
    if (msg.type === 'bridge.ping') {
      // Answered here, when the line is read: a blocked event loop delays it, a slow async
      // handler does not.
      this._write({ type: 'bridge.pong', id: msg.id });
      return;
    }
    if (msg.type === 'exit') this._closing = true;
    this._queue.push(msg);
    this._pump();
  }

  _pump() {
    while (!this._busy && this._head < this._queue.length) {
      const msg = this._queue[this._head];
      this._queue[this._head++] = undefined;
      if (this._head === this._queue.length) {
        this._queue = [];
        this._head = 0;
      }
      const pending = this._dispatch(msg);
      if (pending) {
        this._busy = true;
        pending.then(() => {
          this._busy = false;
          this._output.cork();
          try {
            this._pump();
          } finally {
            this._output.uncork();
          }
        });
        return;
      }
    }
    if (!this._busy && this._head === this._queue.length && (this._closing || this._inputEnded)) this._finish();
  }

  _finish() {
    if (this._finished || !this._run) return;
    this._finished = true;
    this._closing = true;
    const input = this._input;
    for (const [event, listener] of Object.entries(this._listeners)) input.removeListener(event, listener);
    if (typeof input.pause === 'function') input.pause();
    // The output's error listener stays: lines may still be written after run() ends.
    const done = () => this._resolveRun();
    const pending = this._call('stop', undefined);
    if (pending) pending.then(done);
    else done();
  }

  // Runs the handler for one message; returns a promise when the handler is async.
  _dispatch(msg) {
    const type = msg.type;
    if (type === 'bridge.hello') {
      this.config = isPlainObject(msg.config) ? msg.config : {};
      this.jid = typeof msg.jid === 'string' ? msg.jid : '';
      this.backendId = typeof msg.backend_id === 'string' ? msg.backend_id : String(msg.backend_id ?? '');
      this.configPath = typeof msg.config_path === 'string' ? msg.config_path : '';
      this.bridgeVersion = msg.version ?? null;
      return this._call('start', undefined);
    }
    if (type === 'bridge.error') {
      this._log('warn', ['the bridge rejected line %s: %s', msg.line_number, msg.error]);
      return this._call('bridge.error', msg);
    }
    if (type === 'vcard' && typeof msg.photo === 'string') msg.photo = Buffer.from(msg.photo, 'base64');
    if (typeof type === 'string' && protocol.SPECTRUM_TYPES.includes(type)) return this._call(type, msg);
    this._log('debug', ['no handler for %s', JSON.stringify(type)]);
    return null;
  }

  _call(type, msg) {
    let handler = this._handlers.get(type);
    const name = METHOD_NAMES.get(type);
    if (!handler && typeof this[name] === 'function') handler = this[name];
    if (!handler) {
      if (!HOOKS.includes(type)) this._log('debug', ['no handler for %s', type]);
      return null;
    }
    let result;
    try {
      result = msg === undefined ? handler.call(this) : handler.call(this, msg);
    } catch (error) {
      this._handlerFailed(type, error);
      return null;
    }
    if (result === null || typeof result !== 'object' || typeof result.then !== 'function') return null;
    return Promise.resolve(result).then(undefined, (error) => this._handlerFailed(type, error));
  }

  _handlerFailed(type, error) {
    this._log('error', ['the %s handler failed: %s', type, (error && error.stack) || util.inspect(error)]);
  }

  // ---- logging -------------------------------------------------------------------------------

  _log(level, args) {
    if (LEVELS[level] > this._level) return;
    this._write({ type: 'bridge.log', level, message: util.format(...args) });
  }

  // ---- sending -------------------------------------------------------------------------------

  _write(message) {
    if (this._outputBroken) return;
    this._output.write(JSON.stringify(message) + '\n');
  }

  _emit(where, type, fields, names, required) {
    this._write(checkMessage(where, type, fields, names, required));
  }

  /**
   * Sends one message: send('connected', { user: 'alice@example.org' }). Fields are named as in
   * proto/protocol.proto; null and undefined ones are left out. Throws a TypeError for a type a
   * backend cannot send, a missing required field, an unknown field or a value of the wrong type.
   */
  send(type, fields) {
    this._emit(`send(${describe(type)})`, type, fields, {}, []);
  }

  /** The user is logged in to the legacy network. */
  connected(user) {
    this._emit('connected()', 'connected', { user });
  }

  /**
   * The user's legacy session ended or could not start. `error` (a ConnectionErrorCode) has no
   * default on purpose: NETWORK_ERROR (0) and OTHER_ERROR (16) make Spectrum log the user in
   * again; use AUTHENTICATION_FAILED, INVALID_USERNAME, NAME_IN_USE, INVALID_SETTINGS, ... for
   * failures that retrying will not fix. `message` is shown to the user.
   */
  disconnected(user, error, message) {
    if (typeof user === 'string' && !CONNECTION_ERROR_CODES.has(error)) {
      const verb = error === undefined || error === null ? 'is required and must be' : 'must be';
      throw new TypeError(`disconnected(): error ${verb} a ConnectionErrorCode (0 to 16; there is no default), got ${describe(error)}`);
    }
    this._emit('disconnected()', 'disconnected', { user, error, message });
  }

  /**
   * Adds or updates a contact. options: alias, groups (array of strings), status (StatusType;
   * Spectrum shows the buddy online without it), statusMessage, iconHash, blocked.
   */
  buddyChanged(user, buddyName, options) {
    const fields = { userName: user, buddyName };
    const names = { userName: 'user' };
    takeOptions('buddyChanged()', options,
      { alias: 'alias', groups: 'group', status: 'status', statusMessage: 'statusMessage', iconHash: 'iconHash', blocked: 'blocked' },
      fields, names);
    this._emit('buddyChanged()', 'buddy_changed', fields, names);
  }

  /** Removes a contact. */
  buddyRemoved(user, buddyName) {
    this._emit('buddyRemoved()', 'buddy_removed', { userName: user, buddyName }, { userName: 'user' });
  }

  /** The buddy asks to be added to the user's roster. */
  authRequest(user, buddyName) {
    this._emit('authRequest()', 'auth_request', { userName: user, buddyName }, { userName: 'user' });
  }

  /**
   * A message from `legacyName` (a buddy, or a room with options.nickname = the sender).
   * options: nickname, xhtml, timestamp (a Date, or 'YYYYMMDDTHHMMSS' in UTC), headline, id, pm,
   * carbon, attachments (array of {url, mimeType, description}).
   */
  message(user, legacyName, message, options) {
    const fields = { userName: user, buddyName: legacyName, message };
    const names = { userName: 'user', buddyName: 'legacyName' };
    takeOptions('message()', options,
      { nickname: 'nickname', xhtml: 'xhtml', timestamp: 'timestamp', headline: 'headline', id: 'id', pm: 'pm', carbon: 'carbon', attachments: 'attachment' },
      fields, names);
    if (fields.timestamp !== undefined && fields.timestamp !== null) fields.timestamp = formatTimestamp('message()', fields.timestamp);
    this._emit('message()', 'conv_message', fields, names);
  }

  /** Delivery receipt for the message with this `id` (announce features.receipts). */
  messageAck(user, legacyName, id) {
    this._emit('messageAck()', 'conv_message_ack', { userName: user, buddyName: legacyName, message: '', id },
      { userName: 'user', buddyName: 'legacyName' }, ['id']);
  }

  /** A room's subject. options: nickname (who set it). */
  subject(user, legacyName, message, options) {
    const fields = { userName: user, buddyName: legacyName, message };
    const names = { userName: 'user', buddyName: 'legacyName' };
    takeOptions('subject()', options, { nickname: 'nickname' }, fields, names);
    this._emit('subject()', 'room_subject_changed', fields, names);
  }

  /** The buddy wants the user's attention (a "buzz"); `message` may be ''. */
  attention(user, buddyName, message) {
    this._emit('attention()', 'attention', { userName: user, buddyName, message }, { userName: 'user' });
  }

  /** The buddy started typing. */
  buddyTyping(user, buddyName) {
    this._emit('buddyTyping()', 'buddy_typing', { userName: user, buddyName }, { userName: 'user' });
  }

  /** The buddy typed, but paused. */
  buddyTyped(user, buddyName) {
    this._emit('buddyTyped()', 'buddy_typed', { userName: user, buddyName }, { userName: 'user' });
  }

  /** The buddy stopped typing. */
  buddyStoppedTyping(user, buddyName) {
    this._emit('buddyStoppedTyping()', 'buddy_stopped_typing', { userName: user, buddyName }, { userName: 'user' });
  }

  /**
   * A room participant joined, changed or left (status StatusType.NONE). `flags` is an OR of
   * ParticipantFlag bits (ParticipantFlag.NONE for none). The entry for the user's own nickname
   * confirms the user's join. options: statusMessage, newname (a nickname change), iconHash,
   * alias.
   */
  participantChanged(user, nickname, room, flags, status, options) {
    const fields = { userName: user, room, nickname, flag: flags, status };
    const names = { userName: 'user', flag: 'flags' };
    takeOptions('participantChanged()', options,
      { statusMessage: 'statusMessage', newname: 'newname', iconHash: 'iconHash', alias: 'alias' }, fields, names);
    this._emit('participantChanged()', 'participant_changed', fields, names);
  }

  /** The network gave the user another nickname in `room` than the one asked for. */
  roomNicknameChanged(user, room, nickname) {
    this._emit('roomNicknameChanged()', 'room_nickname_changed', { userName: user, room, nickname }, { userName: 'user' });
  }

  /**
   * Rooms for service discovery: `rooms` (legacy names) paired with `names` (default: the rooms
   * themselves). `user` null or '' makes it the list for every user.
   */
  roomList(user, rooms, names) {
    if (!Array.isArray(rooms)) throw new TypeError(`roomList(): rooms is required and must be an array of strings, got ${describe(rooms)}`);
    if (names === undefined || names === null) names = rooms;
    if (Array.isArray(names) && names.length !== rooms.length) {
      throw new TypeError(`roomList(): names must have one entry per room (${rooms.length}), got ${names.length}`);
    }
    this._emit('roomList()', 'room_list', { room: rooms, name: names, user }, { room: 'rooms', name: 'names' });
  }

  /**
   * Answers a vCard request: `id` is the request's id. options: fullname, nickname, photo (a
   * Buffer or Uint8Array with the image; base64 text is taken as it is).
   */
  vcard(user, id, legacyName, options) {
    const fields = { userName: user, buddyName: legacyName, id };
    const names = { userName: 'user', buddyName: 'legacyName' };
    takeOptions('vcard()', options, { fullname: 'fullname', nickname: 'nickname', photo: 'photo' }, fields, names);
    this._emit('vcard()', 'vcard', fields, names);
  }

  /**
   * Announces features before the first PONG is best: an object such as
   * { features: { muc: true, receipts: true } }, or INI text.
   */
  backendConfig(config) {
    const text = isPlainObject(config) ? iniText('backendConfig()', config) : config;
    this._emit('backendConfig()', 'backend_config', { config: text });
  }

  /** Runs a Spectrum admin command ('status', ...); the answer arrives as a query message. */
  query(command) {
    this._emit('query()', 'query', { config: command }, { config: 'command' });
  }

  /** A raw XMPP stanza (announce features.rawxml). */
  rawXml(xml) {
    this._emit('rawXml()', 'raw_xml', { xml });
  }
}

module.exports = { Backend, routeConsoleToStderr, methodName, HANDLER_TYPES: Object.freeze([...HANDLER_TYPES]) };

'use strict';
// Shared by the Node binding's tests: paths, the node to run children with, and readers that
// wait for lines with a generous bound.
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const BINDING = path.join(ROOT, 'bindings', 'node');
// Set by tests/CMakeLists.txt; by hand: S2J_NODE=/usr/bin/node S2J_BUILD_DIR=build node --test ...
const NODE = process.env.S2J_NODE || process.execPath;
const BUILD_DIR = path.resolve(ROOT, process.env.S2J_BUILD_DIR || 'build');
const WAIT_MS = 30000; // the machine may be loaded: bounds are generous, never a synchronization

// Collects the lines written to a stream; next() waits for the next one (parsed as JSON).
class LineReader {
  constructor(stream) {
    this.lines = [];
    this._read = 0;
    this._waiters = [];
    this._ended = false;
    this._rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const parts = (this._rest + chunk).split('\n');
      this._rest = parts.pop();
      for (const line of parts) this.lines.push(line);
      this._wake();
    });
    stream.on('end', () => {
      this._ended = true;
      this._wake();
    });
  }

  _wake() {
    const waiters = this._waiters;
    this._waiters = [];
    for (const w of waiters) w();
  }

  // The next line, parsed; rejects after WAIT_MS or at the end of the stream.
  async next(what = 'a line') {
    const deadline = Date.now() + WAIT_MS;
    while (this._read >= this.lines.length) {
      if (this._ended) throw new Error(`the stream ended while waiting for ${what}; lines so far:\n${this.lines.join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${WAIT_MS} ms; lines so far:\n${this.lines.join('\n')}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this._waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return JSON.parse(this.lines[this._read++]);
  }

  // Every line still unread, once the stream has ended.
  async rest() {
    const deadline = Date.now() + WAIT_MS;
    while (!this._ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the stream did not end within ${WAIT_MS} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this._waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const out = this.lines.slice(this._read).map((line) => JSON.parse(line));
    this._read = this.lines.length;
    return out;
  }
}

// A backend wired to in-memory streams: write() feeds it lines, out reads what it sends.
function wire(BackendClass, options = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const backend = new BackendClass(Object.assign({ input, output }, options));
  const out = new LineReader(output);
  const write = (...messages) => {
    for (const m of messages) input.write(typeof m === 'string' ? m : JSON.stringify(m) + '\n');
  };
  return { backend, input, output, out, write };
}

// Waits for a promise with the generous bound.
function within(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${WAIT_MS} ms`)), WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Runs a command; resolves with { code, signal, stdout, stderr } once it exits.
function runProcess(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, Object.assign({ stdio: ['ignore', 'pipe', 'pipe'] }, options));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// Waits until a child process exits; rejects after the bound.
function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return within(new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))), 'the child exits');
}

const HELLO = {
  type: 'bridge.hello',
  version: 1,
  backend_id: '3',
  jid: 'irc.example',
  config_path: '/etc/spectrum2/transports/irc.cfg',
  config: { service: { jid: 'irc.example' }, irc: { server: '127.0.0.1', port: '6667' } },
};

module.exports = { ROOT, BINDING, NODE, BUILD_DIR, WAIT_MS, LineReader, wire, within, runProcess, exited, HELLO };

'use strict';
// examples/echo_backend.js through the whole chain: spectrum2_sim plays Spectrum, the bridge runs
// the example as its child, the demo scenario must pass without findings.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { ROOT, NODE, BUILD_DIR, WAIT_MS, runProcess, within } = require('./helpers');

const SIM = path.join(BUILD_DIR, 'spectrum2_sim');
const BRIDGE = path.join(BUILD_DIR, 'spectrum2_json_backend');
const quote = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

function simulate(args) {
  for (const binary of [SIM, BRIDGE]) {
    assert.ok(fs.existsSync(binary), `${binary} is missing: build first (cmake --build build), or set S2J_BUILD_DIR`);
  }
  return within(runProcess(SIM, args, { cwd: ROOT }), 'spectrum2_sim finishes');
}

// The simulator's --json output: one object per line.
const events = (stdout) => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));

test('the echo example passes the demo scenario, run from a checkout as in the README', { timeout: WAIT_MS * 3 }, async () => {
  const r = await simulate(['--json', '--script', 'examples/echo.scenario', '--', BRIDGE, '--child', `${quote(NODE)} examples/echo_backend.js`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const received = events(r.stdout).filter((e) => e.received).map((e) => e.received);
  assert.deepEqual(received.find((m) => m.type === 'connected'), { type: 'connected', user: 'alice@localhost' });
  assert.deepEqual(received.find((m) => m.type === 'buddy_changed'), {
    type: 'buddy_changed', userName: 'alice@localhost', buddyName: 'echo', alias: 'Echo', group: ['Bots'],
    status: 'STATUS_ONLINE', statusMessage: 'I repeat what you say',
  });
  assert.deepEqual(received.find((m) => m.type === 'conv_message'), {
    type: 'conv_message', userName: 'alice@localhost', buddyName: 'echo', message: 'Hello, echo!',
  });
  assert.deepEqual(events(r.stdout).filter((e) => e.finding), [], 'Spectrum would accept everything');
  assert.ok(r.stderr.includes('alice@localhost logs in as alice'), `the backend logs through the bridge: ${r.stderr}`);
});

test('the echo example passes with the example config and --strict, from another directory', { timeout: WAIT_MS * 3 }, async () => {
  const script = path.join(ROOT, 'examples', 'echo.scenario');
  const r = await simulate(['--strict', '--color', 'never', '--config', path.join(ROOT, 'examples', 'echo.cfg'), '--jid', 'echo.localhost',
    '--script', script, '--', BRIDGE, '--child', `${quote(NODE)} ${quote(path.join(ROOT, 'examples', 'echo_backend.js'))}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /PASS: 4 sent/);
  assert.ok(r.stdout.includes('< {"type":"conv_message","userName":"alice@localhost","buddyName":"echo","message":"Hello, echo!"}'), r.stdout);
});

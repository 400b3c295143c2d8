'use strict';
// The Node binding in a real child process over OS pipes, as the bridge runs it: stdout carries
// nothing but protocol lines, the process exits on exit and at the end of input, pings are
// answered, and large output leaves as whole lines in order.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { NODE, HELLO, LineReader, exited } = require('./helpers');

const FIXTURE = path.join(__dirname, 'fixtures', 'chatty_backend.js');
const LOGIN = { type: 'login', user: 'alice@example.org', legacyName: 'alice', password: '' };

// A child that is still running when its test ends (because the test failed) is killed, so the
// test file can end.
function spawnFor(t, args, options) {
  const child = spawn(NODE, args, options);
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

function start(t, config = {}) {
  const child = spawnFor(t, [FIXTURE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new LineReader(child.stdout);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  const write = (...messages) => {
    for (const m of messages) child.stdin.write(JSON.stringify(m) + '\n');
  };
  write(Object.assign({}, HELLO, { config: Object.assign({}, HELLO.config, config) }));
  return { child, out, write, stderr: () => stderr };
}

test('exit ends the process with 0 although a timer keeps the loop alive; console output goes to stderr', async (t) => {
  const p = start(t);
  p.write(LOGIN);
  assert.deepEqual(await p.out.next('connected'), { type: 'connected', user: 'alice@example.org' });
  p.write({ type: 'exit' }); // stdin stays open
  const { code, signal } = await exited(p.child);
  assert.equal(signal, null);
  assert.equal(code, 0, p.stderr());
  const rest = await p.out.rest(); // every line on stdout parses as JSON
  assert.deepEqual(rest, []);
  assert.ok(p.out.lines.every((line) => !line.includes('console')), p.out.lines.join('\n'));
  for (const text of ['console.log after hello', 'console.info after hello', 'console.log in onStop']) {
    assert.ok(p.stderr().includes(text), `${text} in stderr: ${p.stderr()}`);
  }
  p.child.stdin.destroy();
});

test('the end of input ends the process with 0', async (t) => {
  const p = start(t);
  p.write(LOGIN);
  p.child.stdin.end();
  const { code } = await exited(p.child);
  assert.equal(code, 0, p.stderr());
  assert.deepEqual(await p.out.rest(), [{ type: 'connected', user: 'alice@example.org' }]);
  assert.ok(p.stderr().includes('console.log in onStop'), p.stderr());
});

test('bridge.ping gets bridge.pong with the same id over a real pipe', async (t) => {
  const p = start(t);
  p.write({ type: 'bridge.ping', id: '1' });
  assert.deepEqual(await p.out.next('pong 1'), { type: 'bridge.pong', id: '1' });
  p.write({ type: 'bridge.ping', id: '2' }, { type: 'bridge.ping', id: 'x-3' });
  assert.deepEqual(await p.out.next('pong 2'), { type: 'bridge.pong', id: '2' });
  assert.deepEqual(await p.out.next('pong 3'), { type: 'bridge.pong', id: 'x-3' });
  p.child.stdin.end();
  assert.equal((await exited(p.child)).code, 0, p.stderr());
});

test('many large messages arrive as whole lines, in order', async (t) => {
  const count = 60;
  const size = 256 * 1024; // four times a pipe's buffer: every line needs several writes
  const p = start(t, { test: { count: String(count), size: String(size) } });
  p.write(LOGIN, { type: 'bridge.ping', id: 'after-login' });
  const got = [];
  for (;;) {
    const m = await p.out.next(`message ${got.length}`);
    if (m.type === 'connected') break;
    got.push(m);
  }
  assert.equal(got.length, count);
  got.forEach((m, i) => {
    assert.equal(m.type, 'conv_message');
    assert.equal(m.message, `${i}:${'x'.repeat(size)}é✓`, `message ${i} whole`);
  });
  assert.deepEqual(await p.out.next('the pong'), { type: 'bridge.pong', id: 'after-login' });
  p.child.stdin.end();
  assert.equal((await exited(p.child)).code, 0, p.stderr());
  assert.deepEqual(await p.out.rest(), []);
});

test('the README example runs as it is written', async (t) => {
  const fs = require('node:fs');
  const os = require('node:os');
  const { ROOT, BINDING } = require('./helpers');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Write a backend in Node.js')[1].split('\n## ')[0];
  const code = section.split('```js\n')[1].split('```')[0];
  assert.match(code, /require\('spectrum2-bridge'\)/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2j-readme-'));
  const script = path.join(dir, 'echo.js');
  fs.writeFileSync(script, code.replace("require('spectrum2-bridge')", `require(${JSON.stringify(BINDING)})`));
  const child = spawnFor(t, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = new LineReader(child.stdout);
  child.stdin.write([HELLO, LOGIN, { type: 'conv_message', userName: 'alice@example.org', buddyName: 'echo', message: 'hi' }, { type: 'exit' }]
    .map((m) => JSON.stringify(m) + '\n').join(''));
  assert.equal((await exited(child)).code, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(await out.rest(), [
    { type: 'connected', user: 'alice@example.org' },
    { type: 'buddy_changed', userName: 'alice@example.org', buddyName: 'echo', alias: 'Echo', status: 'STATUS_ONLINE' },
    { type: 'conv_message', userName: 'alice@example.org', buddyName: 'echo', message: 'hi' },
  ]);
  child.stdin.destroy();
});

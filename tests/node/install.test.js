'use strict';
// The binding is a package: npm installs it from the checkout without the network, and it can be
// required by path without installing.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { BINDING, NODE, WAIT_MS } = require('./helpers');

const CHECK = `
const bridge = require(process.argv[1]);
const resolved = require.resolve(process.argv[1]);
if (typeof bridge.Backend !== 'function') throw new Error('no Backend');
if (bridge.StatusType.AWAY !== 'STATUS_AWAY') throw new Error('no StatusType');
if (!bridge.protocol.BACKEND_TYPES.includes('conv_message')) throw new Error('no protocol table');
process.stdout.write(resolved);
`;

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2j-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('package.json declares no dependencies and names its entry point', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(BINDING, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'spectrum2-bridge');
  assert.deepEqual(pkg.dependencies || {}, {});
  assert.equal(pkg.devDependencies, undefined);
  assert.ok(fs.existsSync(path.join(BINDING, pkg.main)), pkg.main);
  for (const entry of pkg.files) assert.ok(fs.existsSync(path.join(BINDING, entry)), entry);
});

test('require by path works from anywhere', (t) => {
  const dir = tempDir(t);
  const r = spawnSync(NODE, ['-e', CHECK, BINDING], { cwd: dir, encoding: 'utf8', timeout: WAIT_MS });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, path.join(BINDING, 'index.js'));
});

// npm comes with Node.js from some sources but is a separate Debian package: without it there is
// nothing to run, and the test says it was skipped.
const npm = spawnSync('npm', ['--version'], { encoding: 'utf8', timeout: WAIT_MS });
test('npm install ./bindings/node works offline and the package is found by name', { skip: npm.status !== 0 && 'npm is not installed' }, (t) => {
  const project = tempDir(t);
  // A copy, so nothing npm writes lands in the checkout.
  const source = path.join(project, 'src');
  fs.cpSync(BINDING, source, { recursive: true });
  const app = path.join(project, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const env = Object.assign({}, process.env, { npm_config_cache: path.join(project, 'cache'), npm_config_update_notifier: 'false' });
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--install-links', source],
    { cwd: app, env, encoding: 'utf8', timeout: WAIT_MS * 2 });
  assert.equal(install.status, 0, install.stdout + install.stderr);
  const installed = path.join(app, 'node_modules', 'spectrum2-bridge');
  assert.ok(fs.existsSync(path.join(installed, 'lib', 'protocol.js')));
  const r = spawnSync(NODE, ['-e', CHECK, 'spectrum2-bridge'], { cwd: app, encoding: 'utf8', timeout: WAIT_MS });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.realpathSync(r.stdout), fs.realpathSync(path.join(installed, 'index.js')));
});

#!/usr/bin/env node
// The smallest useful Spectrum 2 backend, in Node.js: every user gets one buddy, "echo", who
// repeats whatever the user says. Run it under spectrum2_json_backend (see echo.cfg):
//   child = node examples/echo_backend.js
'use strict';

// The binding: in a checkout bindings/node/; installed, share/spectrum2-json-bridge/node/ of the
// same prefix (the examples are in share/doc/spectrum2-json-bridge/examples), or of the package's;
// else the one npm installed.
const fs = require('fs');
const path = require('path');
const binding = [
  path.join(__dirname, '..', 'bindings', 'node'),
  path.join(__dirname, '..', '..', '..', 'spectrum2-json-bridge', 'node'),
  '/usr/share/spectrum2-json-bridge/node',
  '/usr/local/share/spectrum2-json-bridge/node',
].find((dir) => fs.existsSync(path.join(dir, 'package.json')));
const { Backend, StatusType } = require(binding || 'spectrum2-bridge');

const BUDDY = 'echo';
const backend = new Backend();

backend.on('login', (msg) => {
  backend.log.info('%s logs in as %s', msg.user, msg.legacyName);
  backend.connected(msg.user);
  backend.buddyChanged(msg.user, BUDDY, {
    alias: 'Echo',
    groups: ['Bots'],
    status: StatusType.ONLINE,
    statusMessage: 'I repeat what you say',
  });
});

backend.on('conv_message', (msg) => {
  if (msg.buddyName === BUDDY) backend.message(msg.userName, BUDDY, msg.message);
});

backend.main();

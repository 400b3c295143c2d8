#!/usr/bin/env node
// The smallest useful Spectrum 2 backend, in Node.js: every user gets one buddy, "echo", who
// repeats whatever the user says. Run it under spectrum2_json_backend (see echo.cfg):
//   child = node examples/echo_backend.js
'use strict';

let bridge;
try {
  bridge = require('spectrum2-bridge'); // installed with npm install
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  bridge = require('../bindings/node'); // run from a checkout: the binding next door
}
const { Backend, StatusType } = bridge;

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

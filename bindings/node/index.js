'use strict';
// Write Spectrum 2 backends in Node.js: subclass Backend (or register handlers with on()) and run
// it under spectrum2_json_backend. See README.md in this directory.
const { Backend, routeConsoleToStderr } = require('./lib/backend');
const { StatusType, ConnectionErrorCode, ParticipantFlag } = require('./lib/enums');
const protocol = require('./lib/protocol');

module.exports = {
  Backend,
  StatusType,
  ConnectionErrorCode,
  ParticipantFlag,
  protocol,
  routeConsoleToStderr,
  version: require('./package.json').version,
};

'use strict';
// The protocol's enums as frozen objects, derived from the table in protocol.js.
const { ENUMS } = require('./protocol');

function strip(enumName, prefix, valueOf) {
  const out = {};
  for (const [name, number] of Object.entries(ENUMS[enumName])) out[name.slice(prefix.length)] = valueOf(name, number);
  return Object.freeze(out);
}

// Presence of a buddy, a room participant or the user. The values are the names that travel in
// the JSON lines ('STATUS_AWAY'), so `msg.status === StatusType.AWAY` works on what arrives.
// NONE means offline (or, for a participant, left the room); INVISIBLE is only sent by Spectrum.
const StatusType = strip('StatusType', 'STATUS_', (name) => name);

// The `error` of disconnected(). NETWORK_ERROR (0) and OTHER_ERROR (16) make Spectrum log the user
// in again (up to three times); the others are for failures that retrying will not fix.
const ConnectionErrorCode = strip('ConnectionError', 'CONNECTION_ERROR_', (name, number) => number);

// Bits of participantChanged()'s `flags`, combined with |. Spectrum acts on MODERATOR, CONFLICT,
// NOT_AUTHORIZED and ROOM_NOT_FOUND.
const ParticipantFlag = strip('ParticipantFlag', 'PARTICIPANT_FLAG_', (name, number) => number);

module.exports = { StatusType, ConnectionErrorCode, ParticipantFlag };

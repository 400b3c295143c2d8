'use strict';
// Checks a message a backend is about to send against the protocol table (protocol.js), so a
// mistake throws a TypeError at the call site instead of coming back later as a bridge.error.
const protocol = require('./protocol');

const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const STATUS_NAMES = protocol.ENUMS.StatusType;
const STATUS_BY_NUMBER = new Map(Object.entries(STATUS_NAMES).map(([name, number]) => [number, name]));

function describe(value) {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a ' + value.constructor.name;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return typeof value + ' ' + String(value);
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fail(where, name, expected, value, required) {
  const missing = value === undefined || value === null;
  const verb = required && missing ? 'is required and must be' : 'must be';
  return new TypeError(`${where}: ${name} ${verb} ${expected}, got ${describe(value)}`);
}

// What a field of this type must be, in words.
function expectation(type) {
  switch (type) {
    case 'string': return 'a string';
    case 'int32': return 'an integer (32 bits)';
    case 'bool': return 'a boolean';
    case 'bytes': return 'a Buffer, a Uint8Array or base64 text';
    case 'StatusType': return 'a StatusType (StatusType.ONLINE, StatusType.AWAY, ...)';
    case 'map<string,string>': return 'an object of strings';
    default: return `an object (${type})`;
  }
}

function plural(type) {
  const words = { string: 'strings', int32: 'integers', bool: 'booleans', bytes: 'Buffers', StatusType: 'StatusType values' };
  return hasOwn(words, type) ? words[type] : `objects (${type})`;
}

// One value of a field (one element, for a repeated field); returns it in its JSON form.
function checkValue(where, name, type, value, required) {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'int32':
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return value;
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
    case 'bytes':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      if (typeof value === 'string') return value;
      break;
    case 'StatusType':
      if (typeof value === 'string' && hasOwn(STATUS_NAMES, value)) return value;
      if (typeof value === 'number' && STATUS_BY_NUMBER.has(value)) return STATUS_BY_NUMBER.get(value);
      break;
    case 'map<string,string>':
      if (isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string')) return value;
      break;
    default:
      if (isPlainObject(value)) return checkFields(where, protocol.MESSAGES[type], value, {}, name + '.');
      break;
  }
  throw fail(where, name, expectation(type), value, required);
}

// Checks `values` against a message's fields: every required field present and of its type, no
// unknown field. null and undefined mean "not set" and are left out. Returns the JSON form, fields
// in declaration order. `names` maps field names to the names the caller knows them by.
function checkFields(where, fields, values, names = {}, prefix = '', required = []) {
  if (!isPlainObject(values)) throw new TypeError(`${where}: ${prefix ? prefix.slice(0, -1) : 'fields'} must be an object, got ${describe(values)}`);
  const shown = (field) => prefix + (hasOwn(names, field) ? names[field] : field);
  for (const key of Object.keys(values)) {
    if (!hasOwn(fields, key)) {
      throw new TypeError(`${where}: unknown field ${JSON.stringify(prefix + key)} (known: ${Object.keys(fields).join(', ')})`);
    }
  }
  const out = {};
  for (const [field, spec] of Object.entries(fields)) {
    const value = values[field];
    const isRequired = spec.label === 'required' || required.includes(field);
    if (value === undefined || value === null) {
      if (isRequired) throw fail(where, shown(field), expectation(spec.type), value, true);
      continue;
    }
    if (spec.label === 'repeated') {
      if (!Array.isArray(value)) throw fail(where, shown(field), `an array of ${plural(spec.type)}`, value, false);
      out[field] = value.map((element, i) => checkValue(where, `${shown(field)}[${i}]`, spec.type, element, true));
    } else {
      out[field] = checkValue(where, shown(field), spec.type, value, isRequired);
    }
  }
  return out;
}

// Checks one whole message of `type`; returns the line's object, type first. `required` names
// fields that this caller needs although the .proto has them optional.
function checkMessage(where, type, values, names, required) {
  if (typeof type !== 'string') throw new TypeError(`${where}: the type must be a string, got ${describe(type)}`);
  if (hasOwn(protocol.TYPES, type)) {
    const row = protocol.TYPES[type];
    if (!row.fromBackend) {
      throw new TypeError(`${where}: a backend cannot send ${type} (Spectrum ignores it from a backend or the bridge owns it); ` +
        `types a backend sends: ${protocol.BACKEND_TYPES.join(', ')}`);
    }
    const fields = row.payload === 'raw' ? protocol.RAW_XML_FIELDS : protocol.MESSAGES[row.payload];
    return Object.assign({ type }, checkFields(where, fields, values === undefined ? {} : values, names, '', required));
  }
  if (protocol.BACKEND_TO_BRIDGE.includes(type)) {
    if (values !== undefined && !isPlainObject(values)) throw new TypeError(`${where}: fields must be an object, got ${describe(values)}`);
    return Object.assign({ type }, values);
  }
  throw new TypeError(`${where}: unknown type ${JSON.stringify(type)}; types a backend sends: ${protocol.BACKEND_TYPES.join(', ')}`);
}

module.exports = { checkMessage, checkFields, describe, isPlainObject };

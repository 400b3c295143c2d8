'use strict';
// A small parser for the subset of proto2 that proto/protocol.proto uses: messages (nested too),
// enums (nested too), fields with labels, map fields, comments. Fails loudly on anything else, so
// a construct it does not know cannot slip past the table check.

function tokenize(text) {
  const tokens = [];
  const re = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+)|([{}=;<>,\[\]])|(.)/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'ident', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'number', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'symbol', text: m[4] });
    else if (m[5] !== undefined) throw new Error(`unexpected character ${JSON.stringify(m[5])} in the .proto`);
  }
  return tokens;
}

// Returns { messages: { 'Login': { user: { number, label, type } }, 'Login.UserSettings': ... },
//           enums: { StatusType: { STATUS_ONLINE: 0, ... }, 'WrapperMessage.Type': ... } }.
function parseProto(text) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    if (i >= tokens.length) throw new Error('unexpected end of the .proto');
    return tokens[i++];
  };
  const expect = (text) => {
    const t = next();
    if (t.text !== text) throw new Error(`expected ${text}, got ${t.text} (token ${i})`);
    return t;
  };
  const messages = {};
  const enums = {};

  function parseEnum(prefix) {
    const name = prefix + next().text;
    expect('{');
    const values = {};
    while (peek().text !== '}') {
      const valueName = next().text;
      expect('=');
      values[valueName] = Number(next().text);
      expect(';');
    }
    expect('}');
    enums[name] = values;
  }

  function parseMessage(prefix) {
    const name = prefix + next().text;
    expect('{');
    const fields = {};
    messages[name] = fields;
    while (peek().text !== '}') {
      const word = peek().text;
      if (word === 'message') {
        next();
        parseMessage(name + '.');
      } else if (word === 'enum') {
        next();
        parseEnum(name + '.');
      } else if (word === 'map') {
        next();
        expect('<');
        const key = next().text;
        expect(',');
        const value = next().text;
        expect('>');
        const fieldName = next().text;
        expect('=');
        fields[fieldName] = { number: Number(next().text), label: 'map', type: `map<${key},${value}>` };
        expect(';');
      } else if (word === 'required' || word === 'optional' || word === 'repeated') {
        next();
        const type = next().text;
        const fieldName = next().text;
        expect('=');
        const number = Number(next().text);
        if (peek().text === '[') throw new Error(`field options are not handled (${name}.${fieldName})`);
        expect(';');
        fields[fieldName] = { number, label: word, type };
      } else {
        throw new Error(`unexpected ${word} in message ${name}`);
      }
    }
    expect('}');
  }

  while (i < tokens.length) {
    const word = next().text;
    if (word === 'syntax') {
      expect('=');
      const value = next().text;
      if (value !== '"proto2"') throw new Error(`syntax ${value} is not proto2`);
      expect(';');
    } else if (word === 'package') {
      next();
      expect(';');
    } else if (word === 'message') {
      parseMessage('');
    } else if (word === 'enum') {
      parseEnum('');
    } else {
      throw new Error(`unexpected ${word} at the top level of the .proto`);
    }
  }

  // A field's type names a message or enum as seen from where it is declared: resolve nested
  // names ('UserSettings' in Login) to their full names ('Login.UserSettings').
  for (const [messageName, fields] of Object.entries(messages)) {
    for (const field of Object.values(fields)) {
      const nested = `${messageName}.${field.type}`;
      if (messages[nested] || enums[nested]) field.type = nested;
    }
  }
  return { messages, enums };
}

module.exports = { parseProto };

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBody, redactSecrets, removeElisions } from '../../src/sandbox/body.js';

const test = suite('sandbox request bodies');

test('JSON parses as is; an empty body is null', () => {
  assert.equal(parseBody('{"a": [1, 2]}'), { ok: true, value: { a: [1, 2] } });
  assert.equal(parseBody('  '), { ok: true, value: null });
});

test('a "..." where a member or element would be is dropped, with or without newlines', () => {
  assert.equal(parseBody('{"a": 1, ...}'), { ok: true, value: { a: 1 } });
  assert.equal(parseBody('{"a": [1, 2, ...]}'), { ok: true, value: { a: [1, 2] } });
  assert.equal(parseBody('{ ..., "a": 1}'), { ok: true, value: { a: 1 } });
  assert.equal(parseBody('{"a": 1,\n    ...\n  }'), { ok: true, value: { a: 1 } });
  assert.equal(parseBody('{"a": 1, ..., "b": 2}'), { ok: true, value: { a: 1, b: 2 } });
});

test('"..." inside strings is left alone, and other syntax errors say so', () => {
  assert.equal(parseBody('{"a": "wait, ..."}'), { ok: true, value: { a: 'wait, ...' } });
  assert.is(removeElisions('{"a": 1}'), '{"a": 1}');
  const bad = parseBody('{"a": 1,, ...}');
  assert.is(bad.ok, false);
  assert.match((bad as { error: string }).error, /^request body is not valid JSON: /);
  assert.is(parseBody('{"a": ').ok, false);
});

test('redaction replaces password values at any depth and leaves the rest', () => {
  const input = { auth: { username: 'u', password: 'p' }, list: [{ Password: 'q' }], other: 1 };
  assert.equal(redactSecrets(input), { auth: { username: 'u', password: '***' }, list: [{ Password: '***' }], other: 1 });
  assert.equal(input.auth.password, 'p', 'the input is not changed');
});

test.run();

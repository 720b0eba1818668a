import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIAGNOSTIC_CODES, loadManifests } from '../../src/manifest/index.js';

/**
 * Golden tests: each folder under test/fixtures/manifests/ is a manifest root with something wrong in it, and
 * expected.json lists exactly the diagnostics it must produce, as `file:line:column code` (errors) or
 * `file:line:column code (warning)`.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/manifests');
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, string[]>;
const cases = readdirSync(FIXTURES).filter((name) => statSync(path.join(FIXTURES, name)).isDirectory()).sort();

test('every fixture folder has expectations, and every expectation a folder', () => {
  assert.equal(Object.keys(expected).sort(), cases);
  assert.ok(cases.length >= 20, `only ${cases.length} golden cases`);
  for (const name of cases) assert.ok((expected[name] ?? []).length > 0, `${name} expects no diagnostic`);
});

for (const name of cases) {
  test(`golden: ${name}`, async () => {
    const result = await loadManifests([], { cwd: path.join(FIXTURES, name) });
    const actual = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}${d.severity === 'warning' ? ' (warning)' : ''}`);
    assert.equal(actual, expected[name]);
    for (const d of result.diagnostics) {
      assert.ok(d.message.length > 10 && !/\n/.test(d.message), `message of ${d.code}: ${d.message}`);
    }
  });
}

test('a CRLF file gives the same positions as its LF twin', async () => {
  const crlf = readFileSync(path.join(FIXTURES, 'crlf/segments.yaml'), 'utf8');
  const lf = readFileSync(path.join(FIXTURES, 'multi-document/segments.yaml'), 'utf8');
  assert.ok(crlf.includes('\r\n') && !lf.includes('\r'), 'the fixtures lost their line endings');
  assert.equal(crlf.replace(/\r\n/g, '\n'), lf);
  assert.equal(expected.crlf, expected['multi-document']);
});

test('messages say what is wrong and what to do', async () => {
  const messages = async (name: string) => (await loadManifests([], { cwd: path.join(FIXTURES, name) })).diagnostics.map((d) => d.message);
  assert.equal(await messages('unknown-field'), [
    "unknown field 'protected' in Segment metadata (did you mean 'protect'?)",
    "unknown field 'shortname' in Segment spec (did you mean 'short_name'?)",
  ]);
  assert.match((await messages('invalid-type'))[1] as string, "spec.expire_minutes must be a whole number or null, got text ('20160'); write it without quotes");
  assert.match((await messages('spec-identity'))[0] as string, 'metadata.name');
  assert.match((await messages('pixel-references'))[0] as string, "(did you mean 'purchase'?)");
  assert.match((await messages('duplicate-name'))[0] as string, 'a.yaml:4');
});

/**
 * Codes that need a file system state git cannot hold (exercised in hostile.test.ts and loader.test.ts),
 * hundreds of generated entries (targeting.test.ts), or an operator's API URL (loader.test.ts).
 */
const COVERED_ELSEWHERE = [
  'path-not-found',
  'not-a-file',
  'read-error',
  'file-too-large',
  'too-many-problems',
  'too-many-segments',
  'too-many-segment-groups',
  'untrusted-api-url',
];

test('the golden cases exercise every diagnostic code', () => {
  const seen = new Set(Object.values(expected).flat().map((line) => line.split(' ')[1]));
  const missing = DIAGNOSTIC_CODES.filter((code) => !seen.has(code) && !COVERED_ELSEWHERE.includes(code));
  assert.equal(missing, []);
});

test.run();

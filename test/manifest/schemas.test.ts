import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type AnySchemaObject } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { loadManifests } from '../../src/manifest/index.js';
import { SCHEMA_FILES } from '../../src/manifest/schemas.js';

/**
 * The published schemas and the example repository, checked against each other: every example file is valid
 * for an editor (ajv with the schema files alone) and for the loader, and the schemas themselves follow the
 * rules editors rely on (descriptions everywhere, no unknown fields).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCHEMAS = path.join(ROOT, 'schemas');
const EXAMPLES = path.join(ROOT, 'config-examples');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const abs = path.join(dir, name);
      return statSync(abs).isDirectory() ? files(abs) : [abs];
    });
}

/** What an editor does: the schema files as they are, refs resolved by file name, no loader code involved. */
function editorAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const name of SCHEMA_FILES) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as AnySchemaObject, name);
  }
  return ajv;
}

const ajv = editorAjv();
const validateManifest = ajv.getSchema('manifest.schema.json');
const validateConfig = ajv.getSchema('config.schema.json');

const exampleFiles = files(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));

test('the example repository has the seed example and a realistic repository', () => {
  assert.ok(exampleFiles.length >= 10);
  assert.ok(existsSync(path.join(EXAMPLES, 'xandr-sync.yaml')));
  for (const seed of ['segment.yaml', 'pixel.yaml', 'line-item-205.yaml']) assert.ok(existsSync(path.join(EXAMPLES, 'seed', seed)), seed);
});

for (const file of exampleFiles) {
  const rel = path.relative(ROOT, file);
  test(`schemas accept ${rel}`, () => {
    const text = readFileSync(file, 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
    assert.ok(modeline, `${rel} starts with the yaml-language-server modeline`);
    const schemaFile = path.resolve(path.dirname(file), modeline[1] as string);
    const isConfig = path.basename(file) === 'xandr-sync.yaml';
    assert.is(schemaFile, path.join(SCHEMAS, isConfig ? 'config.schema.json' : 'manifest.schema.json'), `${rel}: modeline path`);
    const validate = isConfig ? validateConfig : validateManifest;
    const documents = parseAllDocuments(text);
    assert.ok(Array.isArray(documents) && documents.length > 0);
    for (const doc of documents) {
      assert.equal(doc.errors, []);
      const ok = validate?.(doc.toJS());
      assert.ok(ok, `${rel}: ${JSON.stringify(validate?.errors)}`);
    }
  });
}

test('the loader reads the whole example repository without a single diagnostic', async () => {
  const result = await loadManifests(['config-examples'], { cwd: ROOT });
  assert.equal(result.diagnostics, []);
  assert.is(result.config.member_id, 958);
  assert.is(result.files.length, exampleFiles.length - 1);
  const { segments, pixels, bindings } = result.desired;
  assert.equal([segments.length, pixels.length, bindings.length], [12, 7, 5]);
  const seed = segments.find((s) => s.name === 'retargeting-segment');
  assert.equal(seed?.spec, { advertiser_id: 1234, short_name: 'Retargeting Segment', expire_minutes: 20160 });
  const line205 = bindings.find((b) => b.spec.line_item_id === 205);
  assert.equal(line205?.spec.pixels, [{ pixel: 'conversion-pixel', state: 'active', post_click_revenue: 100, post_view_revenue: 50 }]);
  assert.equal(pixels.find((p) => p.name === 'conversion-pixel')?.spec, { advertiser_id: 1234, name: 'Conversion Pixel', trigger_type: 'hybrid' });
});

test('the example repository fits the sandbox: revenue only on CPA line items 205 and 501, 777 by id, 503 additive', async () => {
  const { desired } = await loadManifests(['config-examples'], { cwd: ROOT });
  const codes: Record<string, number> = { 'seed-ali': 206, 'acme-retargeting': 502, 'acme-brand': 503 };
  const lineItem = (spec: { line_item_id?: number; line_item_code?: string }) => spec.line_item_id ?? codes[spec.line_item_code ?? ''];
  const ids = desired.bindings.map((b) => lineItem(b.spec));
  assert.equal(ids.sort(), [205, 206, 501, 502, 503]);
  for (const binding of desired.bindings) {
    const hasRevenue = binding.spec.pixels.some((p) => p.post_click_revenue !== undefined || p.post_view_revenue !== undefined);
    assert.is(hasRevenue, [205, 501].includes(lineItem(binding.spec) as number), binding.name);
  }
  assert.is(desired.bindings.find((b) => lineItem(b.spec) === 503)?.spec.policy, 'additive');
  assert.ok(desired.bindings.some((b) => b.spec.pixels.some((p) => p.pixel_id === 777) && b.spec.advertiser_id === 5678));
  assert.ok(desired.bindings.some((b) => b.spec.line_item_code !== undefined));
  assert.equal(new Set(desired.segments.map((s) => s.spec.advertiser_id)), new Set([1234, 5678, undefined]));
});

test('negative: a misspelt field is an additionalProperties error at the spec, for editors and the loader alike', () => {
  const doc = { apiVersion: 'xandr-sync/v1', kind: 'Segment', metadata: { name: 'x' }, spec: { shortname: 'X' } };
  assert.is(validateManifest?.(doc), false);
  const errors = (validateManifest?.errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
  assert.equal(errors, [
    { instancePath: '/spec', keyword: 'required', params: { missingProperty: 'short_name' } },
    { instancePath: '/spec', keyword: 'additionalProperties', params: { additionalProperty: 'shortname' } },
    { instancePath: '', keyword: 'if', params: { failingKeyword: 'then' } },
  ]);
});

test('negative: LineItemSegments selectors, operators and limits are enforced by the schema for editors too', () => {
  const targeting = (spec: object) => ({ apiVersion: 'xandr-sync/v1', kind: 'LineItemSegments', metadata: { name: 'x' }, spec });
  const group = (segments: Array<object | null>, extra = {}) => ({ ...extra, segments });
  assert.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, groups: [group([{ segment: 's' }, { segment_id: 3, action: 'exclude' }], { boolean_operator: 'or' })] })));
  assert.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_code: 'c', segment_boolean_operator: 'or', groups: [] })));
  assert.not.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, line_item_code: 'c', groups: [] })));
  assert.not.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, groups: [group([{ segment: 's', segment_id: 3 }])] })));
  assert.not.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, groups: [null] })));
  assert.not.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, groups: [group([null])] })));
  assert.not.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, groups: [group([{ segment_id: 3 }], { boolean_operator: 'xor' })] })));
  assert.not.ok(validateManifest?.(targeting({ advertiser_id: 1, line_item_id: 2, groups: Array.from({ length: 401 }, () => group([{ segment_id: 3 }])) })));
});

test('negative: selectors and revenue limits are enforced by the schema for editors too', () => {
  const binding = (spec: object) => ({ apiVersion: 'xandr-sync/v1', kind: 'LineItemPixels', metadata: { name: 'x' }, spec });
  assert.ok(validateManifest?.(binding({ advertiser_id: 1, line_item_id: 2, pixels: [{ pixel_id: 3 }] })));
  assert.not.ok(validateManifest?.(binding({ advertiser_id: 1, line_item_id: 2, line_item_code: 'c', pixels: [] })));
  assert.not.ok(validateManifest?.(binding({ advertiser_id: 1, line_item_id: 2, pixels: [{ pixel_id: 3, pixel: 'p' }] })));
  assert.not.ok(validateManifest?.(binding({ advertiser_id: 1, line_item_id: 2, pixels: [{ pixel_id: 3, post_view_revenue: -1 }] })));
  assert.not.ok(validateManifest?.({ apiVersion: 'xandr-sync/v1', kind: 'Widget', metadata: {}, spec: {} }));
  assert.not.ok(validateConfig?.({ apiVersion: 'xandr-sync/v1', kind: 'Config', api_url: 'http://evil.example.com' }));
  assert.ok(validateConfig?.({ apiVersion: 'xandr-sync/v1', kind: 'Config', api_url: 'http://127.0.0.1:8080/' }));
  assert.not.ok(validateConfig?.({ apiVersion: 'xandr-sync/v1', kind: 'Config', api_url: 'https://user:pw@api.example.com' }));
});

/** Every object schema closes its properties and every property says what it is, for editor hovers. */
function checkSchema(node: unknown, where: string, problems: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkSchema(item, `${where}/${i}`, problems));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema.properties) {
    if (schema.additionalProperties !== false) problems.push(`${where}: additionalProperties is not false`);
    for (const [name, property] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
      if (typeof property.description !== 'string' && typeof property.$ref !== 'string') problems.push(`${where}/properties/${name}: no description`);
    }
  }
  if (schema.items && typeof schema.items === 'object' && typeof (schema.items as Record<string, unknown>).description !== 'string' && !(schema.items as Record<string, unknown>).$ref) {
    problems.push(`${where}/items: no description`);
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'if' || key === 'then' || key === 'not' || key === 'oneOf') continue;
    checkSchema(value, `${where}/${key}`, problems);
  }
}

test('schemas: draft-07, closed objects, a description on every field', () => {
  const problems: string[] = [];
  // The manifest and config schemas (schemas/ also holds the plan's, which has its own rules and tests).
  for (const name of SCHEMA_FILES) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as Record<string, unknown>;
    assert.is(schema.$schema, 'http://json-schema.org/draft-07/schema#', name);
    assert.type(schema.description, 'string', name);
    checkSchema(schema, name, problems);
  }
  assert.equal(problems, []);
});

test.run();

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIAGNOSTIC_CODES, loadManifests } from '../../src/manifest/index.js';
import { fieldsOf } from '../../src/manifest/schemas.js';
import { makeTree } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const docs = readFileSync(path.join(ROOT, 'docs/manifests.md'), 'utf8');

test('docs/manifests.md explains every diagnostic code', () => {
  const table = new Set([...docs.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
  assert.equal(DIAGNOSTIC_CODES.filter((code) => !table.has(code)), []);
});

test('docs/manifests.md documents every field of every kind, and of the project file, with an example', () => {
  const missing: string[] = [];
  for (const kind of ['Segment', 'ConversionPixel', 'LineItemPixels', 'LineItemSegments', 'Config'] as const) {
    for (const part of kind === 'Config' ? (['document'] as const) : (['metadata', 'spec'] as const)) {
      for (const field of fieldsOf(kind, part)) {
        if (!docs.includes(`\`${field}\``) && !docs.includes(`\`${field}.`)) missing.push(`${kind} ${part}.${field} (table)`);
        if (!new RegExp(`^\\s*(- )?${field}:`, 'm').test(docs)) missing.push(`${kind} ${part}.${field} (example)`);
      }
    }
  }
  assert.equal(missing, []);
});

test('the complete examples in docs/manifests.md are valid', async () => {
  const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string).filter((b) => /^apiVersion:/m.test(b));
  const config = blocks.filter((b) => /^kind: Config/m.test(b));
  const manifests = blocks.filter((b) => !/^kind: Config/m.test(b));
  assert.is(config.length, 1);
  assert.ok(manifests.length >= 4);
  const files: Record<string, string> = { 'xandr-sync.yaml': config[0] as string };
  manifests.forEach((block, i) => (files[`example-${i}.yaml`] = block));
  const tree = makeTree(files);
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    // The LineItemPixels example refers to a pixel the other examples do not define; everything else is valid.
    assert.equal(result.diagnostics.map((d) => d.code), ['unknown-pixel'], JSON.stringify(result.diagnostics));
    assert.match(result.diagnostics[0]?.message ?? '', "no ConversionPixel named 'acme-newsletter'");
  } finally {
    tree.cleanup();
  }
});

test.run();

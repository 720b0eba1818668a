import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { emitManifestFile, schemaModeline } from '../../src/manifest/emit.js';
import { loadManifests } from '../../src/manifest/index.js';
import { makeTree } from '../manifest/helpers.js';

const test = suite('emit: manifest files as YAML text');

const awkward = [
  "It's \"quoted\"",
  'a: colon',
  'a #hash',
  ' leading space',
  'trailing space ',
  '123',
  '1e3',
  'true',
  'null',
  '~',
  'yes',
  '2024-01-01',
  '*star',
  '&anchor',
  '!tag',
  '- dash',
  '[flow]',
  '{flow}',
  'Café 🎉 Ünïcode',
  'line one\nline two',
  'tab\there',
  'x'.repeat(200),
  '',
];

function segmentDoc(name: string, shortName: string, extra: Record<string, unknown> = {}) {
  return {
    comments: [`segment for ${JSON.stringify(shortName).slice(0, 20)}`],
    value: { apiVersion: 'xandr-sync/v1', kind: 'Segment', metadata: { name, id: 100 }, spec: { short_name: shortName || 'empty', ...extra } },
  };
}

test('awkward display names round-trip through the loader unchanged', async () => {
  const text = emitManifestFile({
    header: [schemaModeline('../schemas/manifest.schema.json'), 'a header'],
    documents: awkward.map((name, i) => segmentDoc(`s-${i}`, name, { advertiser_id: 1234, expire_minutes: null, price: 1.5 })),
  });
  assert.ok(text.startsWith('# yaml-language-server: $schema=../schemas/manifest.schema.json\n# a header\n'), 'the modeline is the first line');
  const tree = makeTree({ 'a/segments.yaml': text });
  try {
    const load = await loadManifests([], { cwd: tree.dir });
    assert.equal(load.diagnostics, []);
    assert.equal(
      load.desired.segments.map((s) => s.spec.short_name),
      awkward.map((n) => n || 'empty'),
    );
    assert.equal(load.desired.segments.map((s) => [s.name, s.id]), awkward.map((_, i) => [`s-${i}`, 100]));
    assert.equal(load.desired.segments[0]!.spec, { short_name: awkward[0], advertiser_id: 1234, expire_minutes: null, price: 1.5 });
  } finally {
    tree.cleanup();
  }
});

test('block style, one line per field, keys in the order given, --- between documents', () => {
  const text = emitManifestFile({
    header: ['h'],
    documents: [
      segmentDoc('a', 'A', { piggyback_pixels: [{ url: 'https://x.example/p.gif', pixel_type: 'img' }] }),
      segmentDoc('b', 'multi\nline'),
    ],
  });
  assert.is(
    text,
    [
      '# h',
      '# segment for "A"',
      'apiVersion: xandr-sync/v1',
      'kind: Segment',
      'metadata:',
      '  name: a',
      '  id: 100',
      'spec:',
      '  short_name: A',
      '  piggyback_pixels:',
      '    - url: https://x.example/p.gif',
      '      pixel_type: img',
      '---',
      '# segment for "multi\\nline"',
      'apiVersion: xandr-sync/v1',
      'kind: Segment',
      'metadata:',
      '  name: b',
      '  id: 100',
      'spec:',
      '  short_name: "multi\\nline"',
      '',
    ].join('\n'),
  );
});

test('comments cannot break out of their line', () => {
  const text = emitManifestFile({ header: ['x\nkind: Evil'], documents: [] });
  assert.is(text, '# x kind: Evil\n');
});

test('the same input gives the same bytes', () => {
  const file = { header: ['h'], documents: awkward.map((name, i) => segmentDoc(`s-${i}`, name)) };
  assert.is(emitManifestFile(file), emitManifestFile(structuredClone(file)));
});

test.run();

import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DiagnosticCollector } from '../../src/manifest/collector.js';
import { loadManifests } from '../../src/manifest/index.js';
import { readSource } from '../../src/manifest/read-source.js';
import { makeTree, segment } from './helpers.js';

const CONFIG = 'apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\n';

const pixel = (name: string, advertiser: number, extra = '') =>
  `apiVersion: xandr-sync/v1\nkind: ConversionPixel\nmetadata:\n  name: ${name}\n${extra}spec:\n  advertiser_id: ${advertiser}\n  name: Pixel ${name}\n`;

const codes = (result: { diagnostics: Array<{ file: string; line: number; column: number; code: string }> }) =>
  result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`);

test('the root is the nearest xandr-sync.yaml above the first PATH, and file paths are relative to cwd', async () => {
  const tree = makeTree({ 'repo/xandr-sync.yaml': CONFIG, 'repo/a/b/one.yaml': segment('one'), 'repo/two.yaml': segment('two') });
  try {
    const result = await loadManifests(['a/b'], { cwd: path.join(tree.dir, 'repo') });
    assert.is(result.root, path.join(tree.dir, 'repo'));
    assert.is(result.config.file, 'xandr-sync.yaml');
    assert.is(result.config.member_id, 958);
    assert.equal(result.files, ['a/b/one.yaml']);
    assert.equal(result.diagnostics, []);
    const fromAbove = await loadManifests(['repo/a/b/one.yaml'], { cwd: tree.dir });
    assert.equal(fromAbove.files, ['repo/a/b/one.yaml']);
    const outsideCwd = await loadManifests([path.join(tree.dir, 'repo')], { cwd: path.join(tree.dir, 'repo', 'a') });
    // Files outside cwd are shown by absolute path (and sort before relative ones).
    assert.equal(outsideCwd.files, [path.join(tree.dir, 'repo', 'two.yaml').split(path.sep).join('/'), 'b/one.yaml']);
  } finally {
    tree.cleanup();
  }
});

test('the search for xandr-sync.yaml stops at a repository top; without one the first PATH is the root', async () => {
  const tree = makeTree({ 'xandr-sync.yaml': CONFIG, 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/m/one.yaml': segment('one') });
  try {
    const result = await loadManifests(['m'], { cwd: path.join(tree.dir, 'repo') });
    assert.is(result.root, path.join(tree.dir, 'repo', 'm'));
    assert.is(result.config.file, null);
    assert.equal(result.config, {
      file: null,
      manifests: ['**/*.yaml', '**/*.yml'],
      prune: 'none',
      allow_empty_prune: false,
      guards: { goal_pixel_detach: 'warn' },
      attribution: { max_lookups: 20 },
      rate: {},
    });
    const file = await loadManifests(['m/one.yaml'], { cwd: path.join(tree.dir, 'repo') });
    assert.is(file.root, path.join(tree.dir, 'repo', 'm'));
  } finally {
    tree.cleanup();
  }
});

test('globs choose the files; dot-directories, node_modules and xandr-sync.yaml are never manifests', async () => {
  const tree = makeTree({
    'xandr-sync.yaml': `${CONFIG}manifests:\n  - "segments/**/*.yaml"\n  - "*.yml"\n  - "{extra,more}/[a-c]?.yaml"\n`,
    'segments/one.yaml': segment('one'),
    'segments/deep/two.yaml': segment('two'),
    'segments/.hidden/no.yaml': 'not: even: yaml',
    'segments/node_modules/no.yaml': 'not: even: yaml',
    'segments/.dot.yaml': 'not: even: yaml',
    'three.yml': segment('three'),
    'other/no.yaml': 'not: even: yaml',
    'extra/a1.yaml': segment('four'),
    'extra/d1.yaml': 'not: even: yaml',
    'notes.txt': segment('five'),
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.files, ['extra/a1.yaml', 'segments/deep/two.yaml', 'segments/one.yaml', 'three.yml']);
    assert.equal(result.diagnostics, []);
    // A file PATH is loaded as given, whatever its name; the same file twice is read once.
    const explicit = await loadManifests(['notes.txt', 'segments/one.yaml', 'segments'], { cwd: tree.dir });
    assert.equal(explicit.files, ['notes.txt', 'segments/deep/two.yaml', 'segments/one.yaml']);
    assert.equal(explicit.desired.segments.map((s) => s.name), ['five', 'two', 'one']);
    // The config file itself, passed as a PATH, is the configuration, not a manifest.
    const config = await loadManifests(['xandr-sync.yaml'], { cwd: tree.dir });
    assert.equal([config.files, config.diagnostics], [[], []]);
  } finally {
    tree.cleanup();
  }
});

test('a missing PATH, and a directory without manifests, are errors', async () => {
  const tree = makeTree({ 'xandr-sync.yaml': CONFIG, 'empty/readme.txt': 'nothing', 'ok.yaml': segment('ok') });
  try {
    const result = await loadManifests(['.', 'nope', 'empty'], { cwd: tree.dir });
    assert.equal(codes(result), ['empty:1:1 no-manifests', 'nope:1:1 path-not-found']);
    assert.equal(result.files, ['ok.yaml']);
  } finally {
    tree.cleanup();
  }
});

test('a link inside the root is followed, and a file reached twice is read once', async () => {
  const tree = makeTree({ 'xandr-sync.yaml': CONFIG, 'real/one.yaml': segment('one') });
  try {
    symlinkSync(path.join(tree.dir, 'real'), path.join(tree.dir, 'alias'));
    symlinkSync(path.join(tree.dir, 'real', 'one.yaml'), path.join(tree.dir, 'link.yaml'));
    mkdirSync(path.join(tree.dir, 'broken'));
    symlinkSync(path.join(tree.dir, 'missing.yaml'), path.join(tree.dir, 'broken', 'gone.yaml'));
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.desired.segments.map((s) => s.name), ['one']);
    assert.equal(codes(result), ['broken/gone.yaml:1:1 path-not-found']);
  } finally {
    tree.cleanup();
  }
});

test('readSource reports a file it cannot read instead of throwing', () => {
  const collector = new DiagnosticCollector();
  assert.is(readSource('/definitely/not/here.yaml', 'here.yaml', collector), undefined);
  assert.equal(collector.sorted().map((d) => `${d.code} ${d.message}`), ['read-error cannot read the file (ENOENT)']);
});

test('the desired state: defaults, resolved references, addresses and field positions', async () => {
  const tree = makeTree({
    'xandr-sync.yaml': CONFIG,
    'pixels.yaml': `${pixel('Purchase', 1234, '  id: 99\n  protect: true\n  ignore_changes: [name]\n')}---\n${pixel('purchase', 5678)}---\n${pixel('signup', 1234)}`,
    'bindings.yaml': [
      'apiVersion: xandr-sync/v1',
      'kind: LineItemPixels',
      'metadata:',
      '  name: li-205',
      'spec:',
      '  advertiser_id: 1234',
      '  line_item_id: 205',
      '  pixels:',
      '    - pixel: PURCHASE',
      '      state: active',
      '    - pixel_id: 777',
      '',
    ].join('\n'),
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.diagnostics, []);
    const [purchase1234, purchase5678, signup] = result.desired.pixels;
    assert.equal([purchase1234?.address, purchase5678?.address, signup?.address], [
      'ConversionPixel/1234/Purchase',
      'ConversionPixel/5678/purchase',
      'ConversionPixel/signup',
    ]);
    assert.equal([purchase1234?.id, purchase1234?.protect, purchase1234?.ignoreChanges], [99, true, ['name']]);
    assert.equal([signup?.id, signup?.protect, signup?.ignoreChanges], [undefined, false, []]);
    // The document's index in its file, for in-place edits (edit-values.ts).
    assert.equal(result.desired.pixels.map((p) => p.source.document), [0, 1, 2]);
    const binding = result.desired.bindings[0];
    assert.equal(binding?.spec, {
      advertiser_id: 1234,
      line_item_id: 205,
      pixels: [{ pixel: 'Purchase', state: 'active' }, { pixel_id: 777 }],
      policy: 'authoritative',
    });
    assert.equal(
      { file: binding?.source.file, line: binding?.source.line, column: binding?.source.column },
      { file: 'bindings.yaml', line: 2, column: 1 },
    );
    assert.equal(binding?.source.fields?.['/pixels/0/state'], { file: 'bindings.yaml', line: 10, column: 7 });
    assert.equal(binding?.source.fields?.['/pixels/1'], { file: 'bindings.yaml', line: 11, column: 7 });
    assert.equal(binding?.source.fields?.['/line_item_id'], { file: 'bindings.yaml', line: 7, column: 3 });
  } finally {
    tree.cleanup();
  }
});

test('previousNames: the names as written, empty when absent and for line-item kinds; pixels are scoped by advertiser', async () => {
  const tree = makeTree({
    'segments.yaml': `${segment('buyers')}---\n${segment('cart-abandoners').replace('metadata:\n  name: cart-abandoners\n', 'metadata:\n  name: cart-abandoners\n  previous_names: [Cart-Leavers, basket]\n')}`,
    'pixels.yaml': `${pixel('purchase', 1234, '  previous_names: [checkout]\n')}---\n${pixel('order', 5678, '  previous_names: [checkout]\n')}`,
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.diagnostics, []);
    assert.equal(result.desired.segments.map((s) => s.previousNames), [[], ['Cart-Leavers', 'basket']]);
    assert.equal(result.desired.pixels.map((p) => p.previousNames), [['checkout'], ['checkout']]);
  } finally {
    tree.cleanup();
  }
});

test('guards.goal_pixel_detach and attribution.max_lookups: read, with defaults for what is left out', async () => {
  const tree = makeTree({ 'xandr-sync.yaml': `${CONFIG}guards:\n  max_deletes: 2\n  goal_pixel_detach: refuse\nattribution:\n  max_lookups: 0\n`, 'a.yaml': segment('a') });
  const partial = makeTree({ 'xandr-sync.yaml': `${CONFIG}guards:\n  max_changes: 9\nattribution: {}\n`, 'a.yaml': segment('a') });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.diagnostics, []);
    assert.equal([result.config.guards, result.config.attribution], [{ max_deletes: 2, goal_pixel_detach: 'refuse' }, { max_lookups: 0 }]);
    const defaults = await loadManifests([], { cwd: partial.dir });
    assert.equal([defaults.config.guards, defaults.config.attribution], [{ max_changes: 9, goal_pixel_detach: 'warn' }, { max_lookups: 20 }]);
  } finally {
    tree.cleanup();
    partial.cleanup();
  }
});

test('an api_url other than the operator\'s is untrusted, compared with scheme and host in lower case and no trailing slash', async () => {
  const tree = makeTree({ 'xandr-sync.yaml': `${CONFIG}api_url: https://API.Example.com/v1/\n`, 'a.yaml': segment('a') });
  try {
    const load = (operatorApiUrl?: string | null) => loadManifests([], { cwd: tree.dir, ...(operatorApiUrl === undefined ? {} : { operatorApiUrl }) });
    for (const same of ['https://api.example.com/v1', 'HTTPS://api.example.COM:443/v1///']) {
      const result = await load(same);
      assert.equal(result.diagnostics, [], same);
      assert.is(result.config.api_url, 'https://API.Example.com/v1/');
    }
    const untrusted = await load('https://api.appnexus.com');
    assert.equal(codes(untrusted), ['xandr-sync.yaml:4:10 untrusted-api-url']);
    assert.is(
      untrusted.diagnostics[0]?.message,
      "api_url 'https://API.Example.com/v1/' differs from the API URL this run uses, 'https://api.appnexus.com': credentials go only to the default Xandr API or the URL the operator gives (--api-url, XANDR_API_URL), so the repository's api_url must match it or be removed",
    );
    assert.is(untrusted.config.api_url, undefined);
    // The path is compared as written.
    assert.equal(codes(await load('https://api.example.com/V1')), ['xandr-sync.yaml:4:10 untrusted-api-url']);
    // Offline uses and the embedded sandbox pass no operator URL: nothing to compare.
    for (const none of [undefined, null]) assert.equal((await load(none)).diagnostics, []);
    // apply --plan reads only the project file: an untrusted api_url never reaches its config either.
    const { loadProjectConfig } = await import('../../src/manifest/index.js');
    assert.is((await loadProjectConfig([], { cwd: tree.dir, operatorApiUrl: 'https://api.appnexus.com' })).api_url, undefined);
  } finally {
    tree.cleanup();
  }
});

test('all problems of a run are reported together, sorted by file and position', async () => {
  const tree = makeTree({
    'b.yaml': `${segment('b')}  state: on\n`,
    'a.yaml': `${segment('a')}  expire_minutes: soon\n---\n${segment('a2')}  colour: red\n`,
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(codes(result), ['a.yaml:7:19 invalid-type', 'a.yaml:15:3 unknown-field', 'b.yaml:7:10 invalid-value']);
  } finally {
    tree.cleanup();
  }
});

test('a Config document outside the root xandr-sync.yaml, and a manifest inside it, are misplaced', async () => {
  const tree = makeTree({
    'xandr-sync.yaml': `${CONFIG}---\n${segment('in-config')}`,
    'sub/xandr-sync.yml': CONFIG,
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(codes(result), ['sub/xandr-sync.yml:2:7 config-location', 'xandr-sync.yaml:5:1 config-location']);
    assert.equal(result.desired.segments, []);
  } finally {
    tree.cleanup();
  }
});

test.run();

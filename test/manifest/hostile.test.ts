import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_FILE_BYTES } from '../../src/manifest/index.js';
import { makeTree, runCli, segment } from './helpers.js';

/**
 * Input meant to hurt: each case must end in exit 1 with a positioned diagnostic, never a stack trace or a
 * hang, and nothing may leak into Object.prototype. (Timings are recorded in docs/manifests.md, not asserted.)
 */

const CONFIG = 'apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\n';

async function expectRefused(files: Record<string, string | Uint8Array>, expected: RegExp, args: (dir: string) => string[] = (dir) => [dir]) {
  const tree = makeTree({ 'xandr-sync.yaml': CONFIG, ...files });
  try {
    const result = await runCli(['validate', ...args(tree.dir)], { cwd: tree.dir });
    assert.is(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, expected);
    assert.not.match(result.stdout + result.stderr, /internal error|\n\s+at /);
    assert.is(({} as Record<string, unknown>).polluted, undefined);
    return result.stdout;
  } finally {
    tree.cleanup();
  }
}

test('an alias bomb (billion laughs) is refused at its first anchor', async () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  await expectRefused({ 'bomb.yaml': `${lines.join('\n')}\n` }, /^bomb\.yaml:1:4: error alias-not-allowed /m);
});

test('5,000 nested brackets are refused before anything recurses', async () => {
  const text = `${segment('deep')}  description: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  await expectRefused({ 'deep.yaml': text }, /^deep\.yaml:7:\d+: error too-deep /m);
  const unbalanced = `a: ${'{'.repeat(5000)}\n`;
  await expectRefused({ 'open.yaml': unbalanced }, /^open\.yaml:1:\d+: error too-deep /m);
  const block = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
  await expectRefused({ 'block.yaml': `${block} 1\n` }, /^block\.yaml:\d+:\d+: error too-deep /m);
});

test('a 10 MB file is refused without being read', async () => {
  const big = segment('big') + `  description: ${'x'.repeat(10 * 1024 * 1024)}\n`;
  assert.ok(big.length > 2 * MAX_FILE_BYTES);
  await expectRefused({ 'big.yaml': big }, /^big\.yaml:1:1: error file-too-large file is 10\.0 MB/m);
});

test('duplicate keys are refused, at the second one', async () => {
  await expectRefused({ 'dup.yaml': `${segment('dup')}  short_name: again\n` }, /^dup\.yaml:7:3: error duplicate-key duplicate key 'short_name' \(first written on line 6\)/m);
  await expectRefused({ 'dup.yaml': '{apiVersion: xandr-sync/v1, kind: Segment, kind: Segment}\n' }, /^dup\.yaml:1:44: error duplicate-key duplicate key 'kind'/m);
});

test('__proto__, constructor and prototype keys are refused and pollute nothing', async () => {
  const out = await expectRefused(
    {
      'block.yaml': `${segment('block')}  __proto__:\n    polluted: yes\n`,
      'flow.yaml': '{apiVersion: xandr-sync/v1, kind: Segment, metadata: {name: flow, constructor: {prototype: {polluted: 1}}}, spec: {short_name: x, "__proto__": {polluted: 2}}}\n',
      'nested.yaml': `${segment('nested')}  querystring_mapping:\n    param: x\n    prototype: {polluted: 3}\n`,
    },
    /^block\.yaml:7:3: error forbidden-key the key '__proto__' is not allowed/m,
  );
  assert.match(out, /^flow\.yaml:1:67: error forbidden-key the key 'constructor'/m);
  assert.match(out, /^flow\.yaml:1:\d+: error forbidden-key the key '__proto__'/m);
  assert.match(out, /^nested\.yaml:9:5: error forbidden-key the key 'prototype'/m);
  assert.is(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

test('a file with endless problems is cut short after 100, saying where', async () => {
  const keys = Array.from({ length: 20000 }, (_, i) => `  k${i}: 1\n`).join('');
  const out = await expectRefused({ 'keys.yaml': `${segment('keys')}${keys}` }, /^keys\.yaml:7:3: error unknown-field unknown field 'k0'/m);
  const lines = out.trimEnd().split('\n');
  assert.is(lines.length, 102);
  assert.match(lines[100] as string, /^keys\.yaml:\d+:3: warning too-many-problems more than 100 problems in this file/);
  assert.match(lines[101] as string, /^100 errors and 1 warning in 1 file/);
  await expectRefused({ 'dups.yaml': `${segment('dups')}${keys}${keys}` }, /^dups\.yaml:\d+:\d+: warning too-many-problems /m);
  const docs = Array.from({ length: 50000 }, (_, i) => `---\nx: ${i}\n`).join('');
  await expectRefused({ 'docs.yaml': docs }, /^docs\.yaml:\d+:1: warning too-many-problems /m);
});

test('bytes that are not UTF-8 are refused at their line and column', async () => {
  const bytes = Buffer.concat([Buffer.from(`${segment('latin1')}  description: caf`), Buffer.from([0xe9]), Buffer.from('\n')]);
  await expectRefused({ 'latin1.yaml': bytes }, /^latin1\.yaml:7:19: error not-utf8 byte 0xE9/m);
  await expectRefused({ 'surrogate.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a]) }, /^surrogate\.yaml:1:4: error not-utf8 /m);
  await expectRefused({ 'utf16.yaml': Buffer.from('\ufeffa: 1\n', 'utf16le') }, /^utf16\.yaml:1:1: error not-utf8 file is UTF-16 text: save it as UTF-8/m);
});

test("a PATH that climbs out of the root with '..' is refused", async () => {
  await expectRefused(
    { 'ok.yaml': segment('ok') },
    /outside-root .* is outside the manifest root/,
    (dir) => [dir, path.join(dir, '..', path.basename(dir) + '-elsewhere')],
  );
  await expectRefused(
    { 'xandr-sync.yaml': `${CONFIG}manifests:\n  - "../**/*.yaml"\n`, 'ok.yaml': segment('ok') },
    /^xandr-sync\.yaml:5:5: error outside-root manifests glob '\.\.\/\*\*\/\*\.yaml' reaches outside the manifest root/m,
  );
});

test('symbolic links that lead out of the root are refused', async () => {
  const outside = makeTree({ 'secret.yaml': segment('secret'), 'dir/more.yaml': segment('more') });
  try {
    const out = await expectRefused({ 'ok.yaml': segment('ok') }, /^file-link\.yaml:1:1: error outside-root /m, (dir) => {
      symlinkSync(path.join(outside.dir, 'secret.yaml'), path.join(dir, 'file-link.yaml'));
      symlinkSync(path.join(outside.dir, 'dir'), path.join(dir, 'dir-link'));
      return [dir];
    });
    assert.match(out, /^dir-link:1:1: error outside-root /m);
    // Only ok.yaml was read: the linked segments never reached the desired state.
    assert.match(out, /checked 1 file: 1 segment,/);
  } finally {
    outside.cleanup();
  }
});

test('a FIFO named like a manifest neither hangs the run nor is read', async () => {
  await expectRefused({ 'ok.yaml': segment('ok') }, /^pipe\.yaml:1:1: error not-a-file /m, (dir) => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    return [dir, path.join(dir, 'pipe.yaml')];
  });
});

test('a symlink loop inside the root is walked once', async () => {
  const tree = makeTree({ 'xandr-sync.yaml': CONFIG, 'a/ok.yaml': segment('ok') });
  try {
    symlinkSync(tree.dir, path.join(tree.dir, 'a', 'loop'));
    mkdirSync(path.join(tree.dir, 'b'));
    writeFileSync(path.join(tree.dir, 'b', 'two.yaml'), segment('two'));
    const result = await runCli(['validate', '--format', 'json', tree.dir], { cwd: tree.dir });
    const json = JSON.parse(result.stdout) as { valid: boolean; summary: { files: number; segments: number } };
    assert.is(result.code, 0, result.stdout);
    assert.equal([json.summary.files, json.summary.segments], [2, 2]);
  } finally {
    tree.cleanup();
  }
});

test.run();

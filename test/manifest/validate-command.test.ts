import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Diagnostic } from '../../src/manifest/index.js';
import { escapeData, escapeProperty } from '../../src/render/diagnostics.js';
import { renderToString } from '../../src/render/registry.js';
import { createOutputFilter } from '../../src/core/inert.js';
import { makeTree, runCli, segment } from './helpers.js';

/** What reaches the runner: the annotations through the CLI's output filter (core/inert.ts). */
const githubAnnotations = (diagnostics: Diagnostic[]) =>
  createOutputFilter()(renderToString('diagnostics', 'github', { diagnostics, summary: { files: 0, segments: 0, pixels: 0, bindings: 0, targeting: 0 } }));

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/manifests');
const ESC = '\u001b[';

test('validate: the example repository is valid, exit 0, one summary line', async () => {
  const result = await runCli(['validate', 'config-examples'], { cwd: ROOT });
  assert.is(result.code, 0, result.stdout);
  assert.is(result.stdout, 'valid: 12 files: 12 segments, 7 conversion pixels, 5 line-item bindings, 2 targeted line items\n');
  assert.is(result.stderr, '');
});

test('validate: text lists file:line:col: error CODE message, then the summary; exit 1', async () => {
  const result = await runCli(['validate'], { cwd: path.join(FIXTURES, 'invalid-type') });
  assert.is(result.code, 1);
  const lines = result.stdout.trimEnd().split('\n');
  assert.is(lines.length, 4);
  assert.is(lines[1], "segment.yaml:8:19: error invalid-type spec.expire_minutes must be a whole number or null, got text ('20160'); write it without quotes");
  assert.is(lines[3], '3 errors in 1 file (checked 1 file: 1 segment, 0 conversion pixels, 0 line-item bindings, 0 targeted line items): not valid');
  assert.not.ok(result.stdout.includes(ESC));
});

test('validate: colour on a terminal or with FORCE_COLOR, never with NO_COLOR, never in json or github', async () => {
  const cwd = path.join(FIXTURES, 'invalid-type');
  assert.ok((await runCli(['validate'], { cwd, tty: true })).stdout.includes(ESC));
  assert.not.ok((await runCli(['validate'], { cwd, tty: true, env: { NO_COLOR: '1' } })).stdout.includes(ESC));
  assert.ok((await runCli(['validate'], { cwd, env: { FORCE_COLOR: '1' } })).stdout.includes(ESC));
  for (const format of ['json', 'github']) {
    const result = await runCli(['validate', '--format', format], { cwd, tty: true, env: { FORCE_COLOR: '1' } });
    assert.not.ok(result.stdout.includes(ESC), format);
  }
});

test('validate --format json lists every diagnostic and parses (a second PATH outside the first one\'s root is an error)', async () => {
  const result = await runCli(['validate', '--format', 'json', 'pixel-references', 'selectors'], { cwd: FIXTURES });
  assert.is(result.code, 1);
  const body = JSON.parse(result.stdout) as { format_version: number; valid: boolean; summary: { errors: number; files: number }; diagnostics: Diagnostic[] };
  assert.is(body.format_version, 1);
  assert.is(body.valid, false);
  assert.is(body.summary.errors, 4);
  assert.equal(body.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`), [
    'pixel-references/line-items.yaml:9:14 unknown-pixel',
    'pixel-references/line-items.yaml:10:14 pixel-advertiser-mismatch',
    'pixel-references/line-items.yaml:14:17 duplicate-pixel',
    'selectors:1:1 outside-root',
  ]);
});

test('validate --format github with 40 errors: 10 annotations, one line counting the rest, the rest in the log', async () => {
  const docs = Array.from({ length: 40 }, (_, i) => `${segment(`s${i}`)}  state: broken\n`).join('---\n');
  const tree = makeTree({ 'many.yaml': docs });
  try {
    const result = await runCli(['validate', '--format', 'github', tree.dir], { cwd: tree.dir });
    assert.is(result.code, 1);
    const lines = result.stdout.trimEnd().split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    assert.is(commands.length, 11);
    assert.is(commands[0], "::error file=many.yaml,line=7,col=10,title=invalid-value::spec.state must be one of 'active', 'inactive', got 'broken'");
    for (const line of commands.slice(0, 10)) assert.match(line, /^::error file=many\.yaml,line=\d+,col=10,title=invalid-value::/);
    // GitHub keeps 10 error annotations per step, so the counting line is a warning: it must not be dropped.
    assert.match(commands[10] as string, /^::warning title=xandr-sync validate::30 errors more, not annotated/);
    assert.is(lines.length, 41);
    assert.match(lines[40] as string, /^many\.yaml:\d+:10: error invalid-value /);
  } finally {
    tree.cleanup();
  }
});

test('validate --format github: nothing at all when valid', async () => {
  const result = await runCli(['validate', '--format', 'github', 'config-examples'], { cwd: ROOT });
  assert.equal([result.code, result.stdout], [0, '']);
});

test('validate: an unknown format or flag is a usage error', async () => {
  const bad = await runCli(['validate', '--format', 'xml'], { cwd: ROOT });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /--format must be one of text, json, github \(got 'xml'\)/);
  const flag = await runCli(['validate', '--strict'], { cwd: ROOT });
  assert.is(flag.code, 1);
  assert.match(flag.stderr, /Unknown option '--strict'/);
  const help = await runCli(['validate', '--help'], { cwd: ROOT });
  assert.match(help.stdout, /Usage: xandr-sync validate \[PATH\.\.\.\] \[--format text\|json\|github\]/);
});

const diagnostic = (over: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: 'error',
  code: 'invalid-value',
  message: 'bad',
  file: 'a.yaml',
  line: 1,
  column: 2,
  ...over,
});

test('github escaping: % CR LF everywhere, and : , in properties', () => {
  assert.is(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
  assert.is(escapeProperty('dir:x/a,b.yaml%'), 'dir%3Ax/a%2Cb.yaml%25');
  const line = githubAnnotations([diagnostic({ file: 'C:,odd.yaml', message: 'line one\nline two 50%' })]);
  assert.is(line, '::error file=C%3A%2Codd.yaml,line=1,col=2,title=invalid-value::line one%0Aline two 50%25\n');
});

test('github: errors take the annotation slots before warnings; the counting line has a severity with room', () => {
  const warnings = Array.from({ length: 5 }, (_, i) => diagnostic({ severity: 'warning', line: i + 1 }));
  const errors = Array.from({ length: 8 }, (_, i) => diagnostic({ line: i + 100 }));
  const out = githubAnnotations([...warnings, ...errors]).trimEnd().split('\n');
  assert.equal(out.slice(0, 8).map((l) => l.slice(0, 7)), Array(8).fill('::error'));
  assert.equal(out.slice(8, 10).map((l) => l.slice(0, 9)), ['::warning', '::warning']);
  assert.match(out[10] as string, /^::warning title=xandr-sync validate::3 warnings more/);
  const mixed = githubAnnotations([...Array.from({ length: 12 }, () => diagnostic({ severity: 'warning' })), diagnostic()]);
  assert.match(mixed.split('\n')[10] as string, /^::warning title=.*::3 warnings more/);
});

test('text: the summary counts errors and warnings', () => {
  const summary = { files: 2, segments: 1, pixels: 1, bindings: 0, targeting: 1 };
  assert.is(renderToString('diagnostics', 'text', { diagnostics: [], summary }), 'valid: 2 files: 1 segment, 1 conversion pixel, 0 line-item bindings, 1 targeted line item\n');
  assert.is(
    renderToString('diagnostics', 'text', { diagnostics: [diagnostic({ severity: 'warning' })], summary }),
    'a.yaml:1:2: warning invalid-value bad\nvalid with 1 warning: 2 files: 1 segment, 1 conversion pixel, 0 line-item bindings, 1 targeted line item\n',
  );
});

test.run();

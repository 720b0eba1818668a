import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Action, Plan } from '../../src/plan/types.js';
import { DEFAULT_MARKDOWN_LIMIT } from '../../src/render/plan-markdown.js';
import { renderToString, type RenderOptions } from '../../src/render/registry.js';
import { action, assertWellFormed, plan } from './markdown-checks.js';

const planMarkdown = (p: Plan, options: RenderOptions = {}) => renderToString('plan', 'markdown', p, options);

const test = suite('plan markdown for pull requests');

const KINDS: Action['kind'][] = ['Segment', 'ConversionPixel', 'LineItemPixels'];

function manyChanges(n: number): Action[] {
  return Array.from({ length: n }, (_, i) =>
    action(KINDS[i % 3]!, i % 7 === 0 ? { warnings: [`revenue changes from ${i} to ${i + 1}`] } : {}),
  );
}

test('a small plan: summary line first, then risks open, then one folded block per kind, nothing truncated', () => {
  const p = plan([action('Segment', { action: 'create', id: null, live: null }), action('ConversionPixel'), action('LineItemPixels', { warnings: ['pixel 777 is detached from active line item 205'] })]);
  const md = renderToString('plan', 'markdown', p, { writesPerMinute: 60 });
  const lines = md.split('\n');
  assert.match(lines[0]!, /^### xandr-sync plan: 1 to create, 2 to update, 0 to delete \(1 Segment, 1 ConversionPixel, 1 LineItemPixels\) · 12 reads, 3 writes, about 1 s at 60 writes\/min · ⚠️ 1 warning$/);
  assert.ok(md.indexOf('<details open>\n<summary>Warnings (1)</summary>') < md.indexOf('<summary>Segments: 1 to create</summary>'), 'warnings come before details');
  assert.match(md, /- `LineItemPixels\/line-item-\d+`: pixel 777 is detached from active line item 205/);
  assert.match(md, /<summary>Line-item pixels: 1 to update<\/summary>/);
  assert.not.match(md, /Truncated/);
  assertWellFormed(md);
});

test('5,000 changes fit in 60,000 characters, truncated by whole rows, with a note naming what is left out', () => {
  const md = planMarkdown(plan(manyChanges(5000)), { writesPerMinute: 60 });
  assert.ok(md.length <= DEFAULT_MARKDOWN_LIMIT, `${md.length} characters`);
  assert.ok(md.length > DEFAULT_MARKDOWN_LIMIT - 2_000, `uses the room it has (${md.length} characters)`);
  assert.match(md, /^### xandr-sync plan: 0 to create, 5000 to update/);
  assert.match(md, /> \*\*Truncated\*\* to stay within GitHub's size limit: \d+ of \d+ lines are shown\. Not shown: /);
  assert.match(md, /\(first \d+ of \d+\)<\/summary>/, 'the section that was cut says so in its title');
  assertWellFormed(md);
});

test('the limit holds and the markdown stays well-formed at any size', () => {
  const p = plan(manyChanges(600));
  for (let limit = 500; limit <= 70_000; limit += 3_917) {
    const md = renderToString('plan', 'markdown', p, { maxLength: limit });
    assert.ok(md.length <= limit, `limit ${limit}: ${md.length} characters`);
    if (md !== '') assertWellFormed(md);
    if (limit >= 2_000) assert.match(md, /^### xandr-sync plan/, `limit ${limit}: the summary line is kept`);
  }
});

test('risks are shown before details even when they alone are long', () => {
  const actions = manyChanges(3000).map((a) => ({ ...a, warnings: ['segment expiry shortened from 30 days to 1 day'] }));
  const md = renderToString('plan', 'markdown', plan(actions));
  assert.ok(md.length <= DEFAULT_MARKDOWN_LIMIT);
  assert.match(md, /<summary>Warnings \(3000\) \(first \d+ of 3000\)<\/summary>/);
  assert.match(md, /Not shown: Segments: 1000 to update; Conversion pixels: 1000 to update; Line-item pixels: 1000 to update/);
  assertWellFormed(md);
});

test('one huge value is clipped, not allowed to push every other row out', () => {
  const huge = action('Segment', { changes: [{ op: 'replace', path: '/description', value: 'x'.repeat(200_000) }] });
  const md = planMarkdown(plan([huge, action('Segment')]));
  assert.ok(md.length < 5_000, `${md.length} characters`);
  assert.match(md, /x…/);
  assert.not.match(md, /Truncated/);
  assertWellFormed(md);
});

test('a line item with hundreds of pixel changes is one row with the first 20 and a count', () => {
  const changes = Array.from({ length: 300 }, (_, i) => ({ op: 'add' as const, path: '/pixels/-', value: { id: i + 1, state: 'active' } }));
  const md = planMarkdown(plan([action('LineItemPixels', { changes })]));
  assert.match(md, /… and 280 more changes/);
  assertWellFormed(md);
});

test('pipes, HTML and backticks in names and values cannot break the table or open a tag', () => {
  const nasty = action('Segment', {
    address: 'Segment/a|b`c',
    changes: [{ op: 'replace', path: '/short_name', value: '</details><script>x</script> | y\nz' }],
  });
  const md = renderToString('plan', 'markdown', plan([nasty], { warnings: ['<details> | guard'] }));
  assert.not.match(md, /<script>/);
  assert.not.match(md, /<\/details><script/);
  assert.match(md, /`` Segment\/a\\\|b`c ``/);
  assert.match(md, /"&lt;\/details&gt;&lt;script&gt;x&lt;\/script&gt; \\\| y\\\\nz"/);
  assertWellFormed(md);
});

test('a failed plan: the errors as a list, nothing will be written', () => {
  const errors = Array.from({ length: 3 }, (_, i) => ({ code: 'unknown-line-item' as const, message: `line item ${i} does not exist`, address: `LineItemPixels/li-${i}`, file: 'b.yaml', line: i + 1, column: 1 }));
  const md = renderToString('plan', 'markdown', plan([], { errors }));
  assert.match(md, /^### xandr-sync plan: failed\n/);
  assert.match(md, /\*\*Plan failed with 3 error\(s\); nothing will be written to Xandr\.\*\*/);
  assert.is(md.match(/^- /gm)?.length, 3);
  assertWellFormed(md);
});

test('no changes: one line says so', () => {
  const md = renderToString('plan', 'markdown', plan([]));
  assert.match(md, /^### xandr-sync plan: no changes \(7 objects checked, 12 reads\)/);
  assertWellFormed(md);
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendStepSummary, STEP_SUMMARY_LIMIT } from '../../src/github/step-summary.js';
import { renderToString } from '../../src/render/registry.js';
import { workspace } from '../helpers/cli.js';
import { action, assertWellFormed, plan } from '../render/markdown-checks.js';

const test = suite('the step summary stays under 1 MiB');
const ws = workspace();
test.after(() => ws.cleanup());

const big = plan(Array.from({ length: 6000 }, () => action('Segment', { warnings: ['revenue changes: é€😀'] })));
const render = (max: number) => renderToString('plan', 'markdown', big, { maxLength: max });

test('many appends of a large plan: the file never passes 1 MiB, and each append is whole markdown', () => {
  const file = join(ws.dir, 'summary-many.md');
  const outcomes = [];
  for (let i = 0; i < 40; i++) {
    outcomes.push(appendStepSummary(file, render, 400_000));
    assert.ok(statSync(file).size < STEP_SUMMARY_LIMIT, `after append ${i + 1}: ${statSync(file).size} bytes`);
  }
  assert.is(outcomes[0], 'appended');
  assert.ok(outcomes.includes('shortened'), 'a late append was rendered shorter to fit');
  assert.is(outcomes.at(-1), 'full');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /the step summary is full/);
  // Each report starts with its heading; every one of them is well-formed on its own.
  for (const part of text.split(/\n(?=### xandr-sync plan)/)) {
    const report = part.split(/\n(?=> xandr-sync: the step summary is full)/)[0]!;
    assertWellFormed(report.endsWith('\n') ? report : `${report}\n`);
  }
});

test('a file already at the limit gets nothing, not even the note', () => {
  const file = join(ws.dir, 'summary-full.md');
  writeFileSync(file, 'x'.repeat(STEP_SUMMARY_LIMIT - 10));
  assert.is(appendStepSummary(file, render, 60_000), 'full');
  assert.is(statSync(file).size, STEP_SUMMARY_LIMIT - 10);
});

test('a small report goes in whole', () => {
  const file = join(ws.dir, 'summary-small.md');
  assert.is(appendStepSummary(file, () => '### hello\n', 60_000), 'appended');
  assert.is(appendStepSummary(file, () => '### again\n', 60_000), 'appended');
  assert.is(readFileSync(file, 'utf8'), '### hello\n\n### again\n');
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ActionOutcome, ApplyReport } from '../../src/apply/execute.js';
import { renderToString } from '../../src/render/registry.js';
import { assertWellFormed } from './markdown-checks.js';

const test = suite('apply report markdown for the step summary');

const target = { kind: 'xandr' as const, api_url: 'https://api.appnexus.com', member_id: 958 };

function report(outcomes: ActionOutcome[]): ApplyReport {
  const count = (s: ActionOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { outcomes, done: count('done'), failed: count('failed'), skipped: count('skipped'), ok: count('failed') + count('skipped') === 0 };
}

function outcome(i: number, status: ActionOutcome['status']): ActionOutcome {
  return {
    address: `Segment/s-${i}`,
    action: 'update',
    wave: 1,
    status,
    id: 1000 + i,
    ...(status === 'failed' ? { error: { message: `Xandr said no | <b>${i}</b>`, code: 'XANDR_API', status: 400 } } : {}),
    ...(status === 'skipped' ? { reason: 'changed since the plan was made' } : {}),
  };
}

test('failures and skips first, unfolded, with the reason; what was done folded', () => {
  const md = renderToString('apply', 'markdown', { report: report([outcome(1, 'done'), outcome(2, 'failed'), outcome(3, 'skipped')]), target, elapsedMs: 0 });
  assert.match(md, /^### xandr-sync apply: incomplete \(1 done, 1 failed, 1 skipped\)\n/);
  assert.match(md, /<details open>\n<summary>Not done \(2\)<\/summary>/);
  assert.match(md, /\| failed \| update \| `Segment\/s-2` \| Xandr said no \\\| &lt;b&gt;2&lt;\/b&gt; \|/);
  assert.match(md, /\| skipped \| update \| `Segment\/s-3` \| changed since the plan was made \|/);
  assert.match(md, /<details>\n<summary>Done \(1\)<\/summary>/);
  assertWellFormed(md);
});

test('nothing to do says so', () => {
  const md = renderToString('apply', 'markdown', { report: report([]), target, elapsedMs: 0 });
  assert.match(md, /^### xandr-sync apply: nothing to do \(0 done, 0 failed, 0 skipped\)/);
  assertWellFormed(md);
});

test('20,000 outcomes fit the limit by whole rows, failures kept first', () => {
  const outcomes = Array.from({ length: 20_000 }, (_, i) => outcome(i, i % 10 === 0 ? 'failed' : 'done'));
  const md = renderToString('apply', 'markdown', { report: report(outcomes), target, elapsedMs: 0 }, { maxLength: 60_000 });
  assert.ok(md.length <= 60_000, `${md.length} characters`);
  assert.match(md, /<summary>Not done \(2000\) \(first \d+ of 2000\)<\/summary>/);
  assert.match(md, /Not shown: Done \(18000\)\./);
  assertWellFormed(md);
});

test.run();

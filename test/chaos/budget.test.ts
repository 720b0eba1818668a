import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { executePlan } from '../../src/apply/execute.js';
import { drive, FakeClock, seededRandom } from '../helpers/fake-clock.js';
import { desired, segment } from '../helpers/model.js';
import { sandboxFixture, writesIn } from '../helpers/sandbox.js';
import { chaosClient, planWith } from './workload.js';

/**
 * With the sandbox's write limit at N per window and the client's budget the same, an apply of 3N objects
 * causes no 429 at all and keeps the budget busy. The client and the sandbox share a fake clock, so the
 * windows pass in fake time; the budget logic does not depend on the window's length.
 */
const N = 20;
const WINDOW_MS = 2000;

const clock = new FakeClock(Date.UTC(2026, 11, 1));
const sb = sandboxFixture({ limits: { writes: N, windowMs: WINDOW_MS }, clock });
const test = suite('write budget');
test.before(sb.start);
test.after(sb.stop);

test(`3N = ${3 * N} writes at N = ${N} per ${WINDOW_MS} ms: zero 429s, at least 95 % of the budget used`, async () => {
  const client = chaosClient(sb.it, seededRandom(3), { clock, budget: { readsPerMinute: 1000, writesPerMinute: N, windowMs: WINDOW_MS } });
  try {
    const wanted = desired({ segments: Array.from({ length: 3 * N }, (_, i) => segment(`budget-${i}`, { short_name: `Budget ${i}` })) });
    const plan = await drive(clock, planWith(client, wanted, sb.it.url), 5);
    sb.it.control.clearLog();
    const report = await drive(clock, executePlan(plan, { client }), 5);
    assert.ok(report.ok);
    assert.is(sb.it.control.stats().throttled, 0, 'no 429');
    const writes = writesIn(sb.it.control.log());
    assert.is(writes.length, 3 * N);
    // Steady-state use: after the first window's burst, writes per window against the limit.
    const span = writes.at(-1)!.at - writes[0]!.at;
    const use = ((writes.length - N) / span) * (WINDOW_MS / N);
    console.log(`    budget use: ${(use * 100).toFixed(1)} % (${writes.length} writes in ${span} ms at ${N} per ${WINDOW_MS} ms)`);
    assert.ok(use >= 0.95, `budget use ${(use * 100).toFixed(1)} %`);
    assert.ok(use <= 1.0001, 'never above the budget');
  } finally {
    await client.close();
  }
});

test.run();

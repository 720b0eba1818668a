import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureCost, type CostResult } from '../../bench/cost.js';
import { DEFAULT_SHAPE } from '../../bench/workload.js';

/**
 * Every run pays for what changed, not for what exists: the call counts of the cost measurement on the
 * bench's 28,000-object workload (npm run bench writes the same figures, with times, to BENCHMARKS.md).
 */
const test = suite('the read budget on the 28,000-object workload');
let cost: CostResult;

test.before(async () => {
  cost = await measureCost(DEFAULT_SHAPE, 1);
});

test('a plan of everything reads every page; a scoped plan of a 3-document change reads at most 10 and shows exactly them', () => {
  assert.is(cost.objects, 28_000);
  assert.ok(cost.fullPlan.reads > 250, `${cost.fullPlan.reads} reads for everything`);
  assert.ok(cost.scopedPlan.reads <= 10, `${cost.scopedPlan.reads} reads for the change`);
  assert.equal(cost.scopedPlan.actions, cost.scopedPlan.edited);
  assert.is(cost.scopedPlan.edited.length, 3);
});

test('drift cycles: at most 5 reads with nothing new; after 20 console edits the same drift a full read finds', () => {
  assert.ok(cost.quietCycle.reads <= 5, `${cost.quietCycle.reads} reads`);
  assert.ok(cost.editedCycle.sameAsFull, 'the incremental plan is the full plan');
  assert.ok(cost.editedCycle.actions >= 20, `${cost.editedCycle.actions} changes found`);
  assert.is(cost.ignoredFilter.mode, 'full', 'a filter Xandr ignores makes the cycle read in full');
  assert.ok(cost.ignoredFilter.sameAsFull, 'and it still reports all drift');
});

test('10 plan runs in a row log in once; a 5-minute drift schedule spends under 2 % of the daily read budget', () => {
  assert.is(cost.tenRunsLogins, 1);
  assert.ok(cost.daily.after / cost.daily.budget < 0.02, `${((cost.daily.after / cost.daily.budget) * 100).toFixed(2)} %`);
  assert.ok(cost.daily.before / cost.daily.budget > 0.5, 'before: more than half of it');
});

test.run();

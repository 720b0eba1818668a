import * as assert from 'uvu/assert';
import { ok, sandboxSuite } from './helpers.js';

const s = sandboxSuite('sandbox seed: the review facts of the seed line items');
const test = s.test;

const NOW = '2026-06-15 12:00:00';
const inFlight = (start: string | null, end: string | null) => start !== null && start <= NOW && (end === null || end >= NOW);

test('every seed line item has state, budgets, revenue and goal types, and a flight or budget intervals', async () => {
  const lis = ok(await s.api.get('/line-item?id=205,206,501,502,503'))['line-items'];
  for (const li of lis) {
    for (const key of ['state', 'start_date', 'end_date', 'lifetime_budget', 'daily_budget', 'revenue_type', 'goal_type', 'goal_pixels', 'budget_intervals']) {
      assert.ok(key in li, `line item ${li.id} has ${key}`);
    }
    assert.ok(['none', 'cpc', 'cpa', 'ctr'].includes(li.goal_type), `line item ${li.id} goal_type ${li.goal_type}`);
    assert.is(li.state, 'active');
  }
  assert.equal(lis.map((li: any) => [li.id, li.revenue_type, li.goal_type]), [
    [205, 'cpa', 'none'],
    [206, 'cpm', 'ctr'],
    [501, 'cpa', 'cpc'],
    [502, 'cpm', 'none'],
    [503, 'cpm', 'cpa'],
  ]);
});

test('flights are in flight now and for years, except one that has ended; one line item is seamless', async () => {
  const lis = ok(await s.api.get('/line-item?id=205,206,501,502,503'))['line-items'];
  const byId = new Map(lis.map((li: any) => [li.id, li]));
  for (const id of [205, 206, 503]) {
    const li: any = byId.get(id);
    assert.ok(inFlight(li.start_date, li.end_date), `line item ${id} runs now`);
    assert.ok(li.end_date >= '2030-01-01', `line item ${id} runs for years`);
    assert.ok(li.lifetime_budget > 0 && li.daily_budget > 0, `line item ${id} has budgets`);
    assert.is(li.budget_intervals, null);
  }
  const ended: any = byId.get(502);
  assert.ok(ended.end_date < NOW, 'line item 502 has ended');
  const seamless: any = byId.get(501);
  assert.equal([seamless.start_date, seamless.end_date, seamless.lifetime_budget, seamless.daily_budget], [null, null, null, null]);
  assert.is(seamless.budget_intervals.length, 1);
  const [interval] = seamless.budget_intervals;
  assert.ok(inFlight(interval.start_date, interval.end_date), 'its budget interval is the current one');
  assert.ok(interval.lifetime_budget > 0);
});

test('line item 503 optimises to the console pixel it carries: goal_type cpa with 777 in goal_pixels', async () => {
  const li = ok(await s.api.get('/line-item?id=503'))['line-items'][0];
  assert.equal(li.pixels.map((p: any) => p.id), ['777']);
  assert.is(li.goal_type, 'cpa');
  assert.equal(li.goal_pixels, [
    { id: 777, state: 'active', trigger_type: 'click', post_click_goal_target: 12.5, post_view_goal_target: 4, post_click_goal_threshold: null, post_view_goal_threshold: null },
  ]);
  for (const id of [205, 206, 501, 502]) assert.is(ok(await s.api.get(`/line-item?id=${id}`))['line-items'][0].goal_pixels, null);
});

test('the seed adds no segments or pixels', async () => {
  assert.is(ok(await s.api.get('/segment')).count, 0);
  assert.equal(ok(await s.api.get('/pixel')).pixels.map((p: any) => p.id), [777]);
});

test.run();

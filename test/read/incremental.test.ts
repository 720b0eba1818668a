import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { executePlan } from '../../src/apply/execute.js';
import type { Desired } from '../../src/manifest/types.js';
import { buildPlan, type LiveState, type Plan } from '../../src/plan/index.js';
import { readIncremental, type LiveSnapshot } from '../../src/read/incremental.js';
import { readLive } from '../../src/read/live-state.js';
import { XandrClient } from '../../src/xandr/index.js';
import { chaosDesired, seedLive } from '../chaos/workload.js';
import { drive, FakeClock, seededRandom } from '../helpers/fake-clock.js';
import { config, source0, targeting } from '../helpers/model.js';
import { readsIn, sandboxFixture } from '../helpers/sandbox.js';

/**
 * A drift cycle reads only what moved since its last read and plans against the snapshot merged with it.
 * Property: after random console edits, the incremental plan is the plan a full read gives.
 */
const clock = new FakeClock(Date.UTC(2026, 11, 1, 12));
const sb = sandboxFixture({ clock });
const test = suite('incremental reads');
test.before.each(sb.start);
test.after.each(sb.stop);

const client = () =>
  new XandrClient({ apiUrl: sb.it.url, credentials: { username: 'sandbox', password: 'sandbox' }, clock, budget: { readsPerMinute: 100_000, writesPerMinute: 100_000 } });

function planOf(wanted: Desired, live: LiveState): Plan {
  return buildPlan({ desired: wanted, live, config: config(), target: { kind: 'xandr', api_url: sb.it.url, member_id: 958 }, source: source0, reads: 0, createdAt: 'test' });
}

/** What a plan would send, comparable across two plans of the same state. */
const requests = (plan: Plan) => plan.actions.map((a) => `${a.action} ${a.address} ${JSON.stringify(a.request)}`).sort();

async function incremental(c: XandrClient, wanted: Desired, previous: LiveSnapshot | null, fullReason: string | null = null) {
  return drive(clock, readIncremental(c, wanted, { apiUrl: sb.it.url, memberId: 958, previous, fullReason, now: () => clock.now() }), 20);
}

/** The chaos workload, and the segment targeting of line items 205 (no profile yet) and 206 (profile 7206). */
function withTargeting(wanted: Desired): Desired {
  const named = (i: number) => ({ segment: `chaos-seg-${i}`, action: 'include' as const });
  return {
    ...wanted,
    targeting: [
      targeting('li-205-audience', { line_item_id: 205, groups: [{ boolean_operator: 'or', segments: [named(1), named(3)] }] }),
      targeting('li-206-audience', { line_item_id: 206, groups: [{ boolean_operator: 'or', segments: [named(5)] }, { boolean_operator: 'or', segments: [{ ...named(7), action: 'exclude' }] }] }),
    ],
  };
}

/** The edits a trader makes in the console, chosen by the seed: names, states, pixels attached and detached, new objects, targeting. */
async function consoleEdits(seed: number): Promise<void> {
  const rng = seededRandom(seed);
  const state = sb.it.control.snapshot();
  const pick = <T>(list: T[]): T => list[Math.floor(rng() * list.length)]!;
  const edits = { segments: [] as Record<string, unknown>[], pixels: [] as Record<string, unknown>[], lineItems: [] as Record<string, unknown>[], profiles: [] as Record<string, unknown>[] };
  for (let i = 0; i < 1 + Math.floor(rng() * 6); i++) {
    const kind = Math.floor(rng() * 6);
    if (kind === 5) {
      // A trader edits the targeting of line item 206 (profile 7206) or whichever profile 205 has.
      const profiles = state.profiles.filter((p) => p.advertiser_id === 1234);
      const usable = state.segments.filter((s) => s.advertiser_id === 1234 && rng() < 0.4).slice(0, 4);
      edits.profiles.push({ id: pick(profiles).id, segment_group_targets: [{ boolean_operator: 'or', segments: usable.map((s) => ({ id: s.id, action: rng() < 0.3 ? 'exclude' : 'include' })) }] });
      continue;
    }
    if (kind === 0) edits.segments.push({ id: pick(state.segments).id, short_name: `edited ${seed}-${i}` });
    else if (kind === 1) edits.pixels.push({ id: pick(state.pixels).id, state: rng() < 0.5 ? 'inactive' : 'active' });
    else if (kind === 2) {
      const lineItem = pick(state.lineItems.filter((li) => li.advertiser_id === 1234));
      const pixels = state.pixels.filter((p) => p.advertiser_id === 1234 && rng() < 0.3).slice(0, 5);
      edits.lineItems.push({ id: lineItem.id, pixels: pixels.map((p) => ({ id: p.id, state: 'active', post_click_revenue: null, post_view_revenue: null })) });
    } else if (kind === 3) edits.segments.push({ id: 60_000 + seed * 10 + i, code: `console-${seed}-${i}`, short_name: 'made in the console', member_id: 958, advertiser_id: 1234, state: 'active' });
    else edits.pixels.push({ id: 70_000 + seed * 10 + i, code: null, name: `console pixel ${seed}-${i}`, advertiser_id: 1234, state: 'active' });
  }
  await sb.it.control.upsert({ by: { user_full_name: 'Jane Trader' }, ...edits });
}

test('property: after random console edits, the incremental plan equals the full plan (20 rounds)', async () => {
  const c = client();
  try {
    await seedLive(sb.it);
    const wanted = withTargeting(chaosDesired());
    const first = await incremental(c, wanted, null);
    assert.is(first.mode, 'full', 'no snapshot yet: a full read');
    await drive(clock, executePlan(planOf(wanted, first.live), { client: c }), 20);
    let snapshot = (await incremental(c, wanted, first.snapshot, 'after the apply')).snapshot;
    let drift = 0;
    for (let round = 1; round <= 20; round++) {
      await clock.advance(60_000);
      await consoleEdits(round);
      await clock.advance(1_000);
      const inc = await incremental(c, wanted, snapshot);
      assert.is(inc.mode, 'incremental', `round ${round}: ${inc.reason}`);
      const full = await drive(clock, readLive(c, wanted, { memberId: 958 }), 20);
      const plan = requests(planOf(wanted, inc.live));
      assert.equal(plan, requests(planOf(wanted, full)), `round ${round}: the same plan`);
      drift += plan.length;
      snapshot = inc.snapshot;
      if (round % 5 === 0) {
        // Now and then the drift is repaired, as mode apply does.
        await drive(clock, executePlan(planOf(wanted, inc.live), { client: c }), 20);
        snapshot = (await incremental(c, wanted, snapshot, 'after a repair')).snapshot;
      }
    }
    assert.ok(drift > 20, `the edits made drift to find (${drift} changes over the rounds)`);
  } finally {
    await c.close();
  }
});

test('a cycle with nothing new makes 3 reads; one console edit is found by them', async () => {
  const c = client();
  try {
    await seedLive(sb.it);
    const wanted = chaosDesired();
    const first = await incremental(c, wanted, null);
    await clock.advance(300_000);
    sb.it.control.clearLog();
    const quiet = await incremental(c, wanted, first.snapshot);
    assert.is(quiet.mode, 'incremental');
    assert.is(readsIn(sb.it.control.log()).length, 3, 'segments, pixels and line items modified since, one read each');
    assert.equal(requests(planOf(wanted, quiet.live)), requests(planOf(wanted, first.live)));
    await sb.it.control.upsert({ segments: [{ id: 3003, short_name: 'changed by a trader' }] });
    const edited = await incremental(c, wanted, quiet.snapshot);
    assert.is(edited.live.segments.find((s) => s.id === 3003)!.short_name, 'changed by a trader');
  } finally {
    await c.close();
  }
});

test('with segment targeting, a quiet cycle makes 4 reads (profiles too); a profile edited in the console is found', async () => {
  const c = client();
  try {
    await seedLive(sb.it);
    const wanted = withTargeting(chaosDesired());
    const first = await incremental(c, wanted, null);
    await drive(clock, executePlan(planOf(wanted, first.live), { client: c }), 20);
    const applied = await incremental(c, wanted, first.snapshot, 'after the apply');
    await clock.advance(300_000);
    sb.it.control.clearLog();
    const quiet = await incremental(c, wanted, applied.snapshot);
    assert.is(quiet.mode, 'incremental');
    assert.is(readsIn(sb.it.control.log()).length, 4, 'segments, pixels, line items and profiles modified since');
    assert.equal(requests(planOf(wanted, quiet.live)), []);
    await sb.it.control.upsert({ profiles: [{ id: 7206, segment_group_targets: [] }] });
    const edited = await incremental(c, wanted, quiet.snapshot);
    assert.equal(requests(planOf(wanted, edited.live)).map((r) => r.split(' ').slice(0, 2).join(' ')), ['update LineItemSegments/li-206-audience']);
  } finally {
    await c.close();
  }
});

test('when Xandr ignores min_last_modified, the cycle notices and reads in full: drift is still all found', async () => {
  const c = client();
  try {
    await seedLive(sb.it);
    const wanted = chaosDesired();
    const first = await incremental(c, wanted, null);
    await clock.advance(3600_000);
    sb.it.control.configure({ ignoreModifiedFilter: true });
    await sb.it.control.upsert({ segments: [{ id: 3001, short_name: 'changed while the filter is ignored' }] });
    const next = await incremental(c, wanted, first.snapshot);
    assert.is(next.mode, 'full');
    assert.match(next.reason ?? '', /not applied/);
    const full = await drive(clock, readLive(c, wanted, { memberId: 958 }), 20);
    assert.equal(requests(planOf(wanted, next.live)), requests(planOf(wanted, full)));
  } finally {
    await c.close();
  }
});

test('a snapshot of another API, member or shard is never used; a due full read is made', async () => {
  const c = client();
  try {
    await seedLive(sb.it);
    const wanted = chaosDesired();
    const first = await incremental(c, wanted, null);
    const other = { ...first.snapshot, target: { ...first.snapshot.target, api_url: 'https://elsewhere.example' } };
    assert.is((await incremental(c, wanted, other)).reason, 'the snapshot was made for another API');
    assert.is((await incremental(c, wanted, first.snapshot, 'a full read is due every 24 h (--full-every)')).mode, 'full');
  } finally {
    await c.close();
  }
});

test.run();

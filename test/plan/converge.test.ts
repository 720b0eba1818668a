import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { executePlan } from '../../src/apply/execute.js';
import { readLive } from '../../src/read/live-state.js';
import type { BindingPixel, Desired } from '../../src/manifest/types.js';
import { buildPlan } from '../../src/plan/index.js';
import { XandrClient } from '../../src/xandr/index.js';
import { seededRandom } from '../helpers/fake-clock.js';
import { binding, config, desired, pixel, segment, source0 } from '../helpers/model.js';
import { sandboxFixture } from '../helpers/sandbox.js';

/**
 * Property: for random live states and random manifests, in each prune mode, apply then plan gives no changes, and Xandr
 * holds no duplicate codes. Runs the real planner, executor and client against the sandbox.
 */

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;
const maybe = <T>(rng: Rng, value: T): T | undefined => (chance(rng, 0.5) ? value : undefined);

const LINE_ITEMS = [
  { id: 205, advertiser: 1234, revenue: true },
  { id: 206, advertiser: 1234, revenue: false },
  { id: 501, advertiser: 5678, revenue: true },
  { id: 502, advertiser: 5678, revenue: false },
  { id: 503, advertiser: 5678, revenue: false },
];
const ADVERTISERS = [1234, 5678];

function randomLive(rng: Rng) {
  const segments = Array.from({ length: Math.floor(rng() * 8) }, (_, i) => ({
    id: 4000 + i,
    code: chance(rng, 0.6) ? `seg-${Math.floor(rng() * 10)}` : null,
    short_name: pick(rng, ['Alpha', 'Beta', 'Gamma']),
    member_id: 958,
    advertiser_id: pick(rng, [null, 1234, 5678]),
    state: pick(rng, ['active', 'inactive']),
    expire_minutes: pick(rng, [null, 0, 60, 20160]),
  }));
  // Codes are unique per member ignoring case: keep the first of each.
  const seen = new Set<string>();
  for (const s of segments) if (s.code) (seen.has(s.code) ? (s.code = null) : seen.add(s.code));
  const pixels = Array.from({ length: Math.floor(rng() * 6) }, (_, i) => ({
    id: 6000 + i,
    advertiser_id: pick(rng, ADVERTISERS),
    code: chance(rng, 0.6) ? `px-${Math.floor(rng() * 6)}` : null,
    name: pick(rng, ['Checkout', 'Signup', 'Lead']),
    state: 'active',
    trigger_type: pick(rng, ['view', 'click', 'hybrid']),
  }));
  const pixelSeen = new Set<string>();
  for (const p of pixels) if (p.code) (pixelSeen.has(`${p.advertiser_id}/${p.code}`) ? (p.code = null) : pixelSeen.add(`${p.advertiser_id}/${p.code}`));
  const lineItems = LINE_ITEMS.map((li) => {
    const own = [{ id: 777, advertiser_id: 5678 }, ...pixels].filter((p) => p.advertiser_id === li.advertiser);
    const attached = own.filter(() => chance(rng, 0.4));
    return {
      id: li.id,
      pixels: attached.map((p) => ({
        id: p.id,
        state: pick(rng, ['active', 'inactive']),
        post_click_revenue: li.revenue && chance(rng, 0.5) ? pick(rng, [1, 2.5, 30]) : null,
        post_view_revenue: li.revenue && chance(rng, 0.3) ? pick(rng, [0.5, 4]) : null,
      })),
    };
  });
  return { segments, pixels, lineItems };
}

function randomDesired(rng: Rng, live: ReturnType<typeof randomLive>): Desired {
  const d = desired();
  for (let i = 0; i < 10; i++) {
    if (!chance(rng, 0.5)) continue;
    d.segments.push(
      segment(`seg-${i}`, {
        short_name: pick(rng, ['Alpha', 'Beta', 'Delta']),
        advertiser_id: maybe(rng, pick(rng, ADVERTISERS)),
        expire_minutes: maybe(rng, pick(rng, [null, 0, 60, 1440])),
        state: maybe(rng, pick(rng, ['active', 'inactive'] as const)),
      }),
    );
  }
  const codeless = live.segments.filter((s) => s.code === null);
  codeless.forEach((s, i) => {
    if (chance(rng, 0.3)) d.segments.push(segment(`adopted-${i}`, { short_name: pick(rng, ['Alpha', 'Kept']) }, { id: s.id }));
  });
  for (let i = 0; i < 6; i++) {
    if (!chance(rng, 0.5)) continue;
    d.pixels.push(
      pixel(`px-${i}`, {
        advertiser_id: pick(rng, ADVERTISERS),
        name: pick(rng, ['Checkout', 'Purchase']),
        trigger_type: maybe(rng, pick(rng, ['view', 'click', 'hybrid'] as const)),
        post_click_value: maybe(rng, pick(rng, [null, 10, 12.5])),
      }),
    );
  }
  for (const li of LINE_ITEMS) {
    if (!chance(rng, 0.6)) continue;
    const named = d.pixels.filter((p) => p.spec.advertiser_id === li.advertiser);
    const managedCodes = new Set(named.map((p) => p.name));
    const unmanaged = [{ id: 777, advertiser_id: 5678, code: null as string | null }, ...live.pixels].filter(
      (p) => p.advertiser_id === li.advertiser && !(p.code && managedCodes.has(p.code)),
    );
    const entries: BindingPixel[] = [];
    for (const p of named) if (chance(rng, 0.5)) entries.push({ pixel: p.name });
    for (const p of unmanaged) if (chance(rng, 0.4)) entries.push({ pixel_id: p.id });
    for (const entry of entries) {
      if (chance(rng, 0.5)) entry.state = pick(rng, ['active', 'inactive'] as const);
      if (li.revenue && chance(rng, 0.5)) entry.post_click_revenue = pick(rng, [null, 5, 100]);
      if (li.revenue && chance(rng, 0.3)) entry.post_view_revenue = pick(rng, [null, 50]);
    }
    d.bindings.push(binding(`li-${li.id}`, { advertiser_id: li.advertiser, line_item_id: li.id, policy: pick(rng, ['additive', 'authoritative'] as const), pixels: entries }));
  }
  return d;
}

const sb = sandboxFixture();
const test = suite('apply then plan converges (property)');
test.before(sb.start);
test.after(sb.stop);

const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);
const PRUNE_MODES = ['none', 'deactivate', 'delete'] as const;

test(`${SEEDS.length} random live states and manifests: apply, then a plan with no changes and no duplicates`, async () => {
  const seen = { create: 0, update: 0, adopt: 0, rename: 0, delete: 0, deactivate: 0 };
  let detachedFirst = 0;
  for (const seed of SEEDS) {
    const rng = seededRandom(seed);
    // Every prune mode in turn; empty prune allowed, so that a case with few manifests is still valid.
    const settings = config({ prune: PRUNE_MODES[seed % PRUNE_MODES.length]!, allow_empty_prune: true });
    await sb.it.control.reset();
    const live = randomLive(rng);
    await sb.it.control.upsert({ segments: live.segments, pixels: live.pixels, lineItems: live.lineItems });
    const wanted = randomDesired(rng, live);
    const client = new XandrClient({ apiUrl: sb.it.url, credentials: { username: 'sandbox', password: 'sandbox' }, budget: { readsPerMinute: 100_000, writesPerMinute: 100_000 } });
    try {
      const planNow = async () =>
        buildPlan({
          desired: wanted,
          live: await readLive(client, wanted, { memberId: 958, prune: settings.prune }),
          config: settings,
          target: { kind: 'xandr', api_url: sb.it.url, member_id: 958 },
          source: source0,
          reads: 0,
          createdAt: 'now',
        });
      const first = await planNow();
      assert.equal(first.errors, [], `seed ${seed}: the generated case is valid`);
      for (const action of first.actions) seen[action.action]++;
      detachedFirst += first.actions.filter((a) => a.kind === 'ConversionPixel' && a.action === 'delete' && a.depends_on.length > 0).length;
      const report = await executePlan(first, { client });
      assert.ok(report.ok, `seed ${seed}: apply succeeded: ${JSON.stringify(report.outcomes.filter((o) => o.status !== 'done'))}`);
      const second = await planNow();
      assert.equal(
        second.actions.map((a) => ({ address: a.address, changes: a.changes })),
        [],
        `seed ${seed}: nothing left to change after apply`,
      );
      const state = sb.it.control.snapshot();
      const codes = state.segments.filter((s) => s.code).map((s) => String(s.code).toLowerCase());
      assert.is(new Set(codes).size, codes.length, `seed ${seed}: no duplicate segment codes`);
      const pixelCodes = state.pixels.filter((p) => p.code).map((p) => `${p.advertiser_id}/${String(p.code).toLowerCase()}`);
      assert.is(new Set(pixelCodes).size, pixelCodes.length, `seed ${seed}: no duplicate pixel codes`);
    } finally {
      await client.close();
    }
  }
  // The property means something only if the cases exercised every kind of change.
  assert.ok(seen.create > 30 && seen.update > 30 && seen.adopt > 3, `actions exercised: ${JSON.stringify(seen)}`);
  assert.ok(seen.delete > 3 && seen.deactivate > 3 && detachedFirst > 0, `prune exercised: ${JSON.stringify(seen)}, ${detachedFirst} pixel delete(s) after a detach`);
});

test.run();

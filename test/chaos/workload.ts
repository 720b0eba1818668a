import type { Desired } from '../../src/manifest/types.js';
import { executePlan, type ApplyReport } from '../../src/apply/execute.js';
import { readLive } from '../../src/read/live-state.js';
import { buildPlan, type Plan } from '../../src/plan/index.js';
import { XandrClient, type ClientOptions } from '../../src/xandr/index.js';
import { binding, config, desired, pixel, segment, source0 } from '../helpers/model.js';
import type { Sandbox } from '../helpers/sandbox.js';

/**
 * A small but complete workload for fault runs: segments and pixels to create and to update, and
 * bindings of every policy, including an additive one on line item 503 whose console-made pixel 777
 * must survive every run.
 */
export async function seedLive(sandbox: Sandbox): Promise<void> {
  await sandbox.control.upsert({
    segments: Array.from({ length: 12 }, (_, i) => ({
      id: 3000 + i,
      code: `chaos-seg-${i}`,
      short_name: `Old ${i}`,
      member_id: 958,
      advertiser_id: i % 2 ? 1234 : 5678,
      state: 'active',
      expire_minutes: 60,
    })),
    pixels: Array.from({ length: 4 }, (_, i) => ({ id: 9000 + i, code: `chaos-px-${i}`, name: `Old pixel ${i}`, advertiser_id: 1234, state: 'active', trigger_type: 'click' })),
  });
}

export function chaosDesired(): Desired {
  const segments = Array.from({ length: 24 }, (_, i) =>
    segment(`chaos-seg-${i}`, { short_name: `Segment ${i}`, advertiser_id: i % 2 ? 1234 : 5678, expire_minutes: 1440 }),
  );
  const pixels = [
    ...Array.from({ length: 8 }, (_, i) => pixel(`chaos-px-${i}`, { advertiser_id: 1234, name: `Pixel ${i}`, trigger_type: 'hybrid' })),
    ...Array.from({ length: 3 }, (_, i) => pixel(`chaos-acme-${i}`, { advertiser_id: 5678, name: `Acme pixel ${i}` })),
  ];
  return desired({
    segments,
    pixels,
    bindings: [
      binding('li-205', { line_item_id: 205, pixels: [0, 1, 2, 3, 4].map((i) => ({ pixel: `chaos-px-${i}`, post_click_revenue: 10 + i })) }),
      binding('li-206', { line_item_id: 206, pixels: [{ pixel: 'chaos-px-5' }, { pixel: 'chaos-px-6', state: 'inactive' }] }),
      binding('li-501', { advertiser_id: 5678, line_item_id: 501, pixels: [{ pixel: 'chaos-acme-0', post_view_revenue: 2 }] }),
      binding('li-503', { advertiser_id: 5678, line_item_id: 503, policy: 'additive', pixels: [{ pixel: 'chaos-acme-1' }, { pixel: 'chaos-acme-2' }] }),
    ],
  });
}

export function chaosClient(sandbox: Sandbox, random: () => number, options: Partial<ClientOptions> = {}): XandrClient {
  return new XandrClient({
    apiUrl: sandbox.url,
    credentials: { username: 'sandbox', password: 'sandbox' },
    budget: { readsPerMinute: 100_000, writesPerMinute: 100_000 },
    retry: { baseDelayMs: 10, maxDelayMs: 200, maxAttempts: 8 },
    random,
    ...options,
  });
}

export async function planWith(client: XandrClient, wanted: Desired, url: string): Promise<Plan> {
  return buildPlan({
    desired: wanted,
    live: await readLive(client, wanted, { memberId: 958 }),
    config: config(),
    target: { kind: 'xandr', api_url: url, member_id: 958 },
    source: source0,
    reads: 0,
    createdAt: 'chaos',
  });
}

export async function applyWith(client: XandrClient, plan: Plan): Promise<ApplyReport> {
  return executePlan(plan, { client });
}

/**
 * What must hold after any run, however many faults it met: every desired object exactly once, no
 * duplicate codes, the bindings exactly as declared, and line item 503 still carrying pixel 777.
 */
export function checkIntended(sandbox: Sandbox, wanted: Desired): string[] {
  const problems: string[] = [];
  const state = sandbox.control.snapshot();
  for (const s of wanted.segments) {
    const found = state.segments.filter((x) => String(x.code).toLowerCase() === s.name.toLowerCase());
    if (found.length !== 1) problems.push(`${s.address}: ${found.length} segments carry its code`);
  }
  for (const p of wanted.pixels) {
    const found = state.pixels.filter((x) => x.advertiser_id === p.spec.advertiser_id && String(x.code).toLowerCase() === p.name.toLowerCase());
    if (found.length !== 1) problems.push(`${p.address}: ${found.length} pixels carry its code`);
  }
  const pixelId = (name: string) => state.pixels.find((x) => x.code === name)?.id;
  for (const b of wanted.bindings) {
    const li = state.lineItems.find((x) => x.id === b.spec.line_item_id)!;
    const ids = new Set((li.pixels ?? []).map((p) => Number(p.id)));
    for (const entry of b.spec.pixels) {
      const id = entry.pixel ? pixelId(entry.pixel) : entry.pixel_id;
      if (id === undefined || !ids.has(id)) problems.push(`${b.address}: pixel ${entry.pixel ?? entry.pixel_id} is not attached`);
    }
    if (b.spec.policy === 'authoritative' && ids.size !== b.spec.pixels.length) problems.push(`${b.address}: ${ids.size} pixels attached, ${b.spec.pixels.length} declared`);
  }
  const li503 = state.lineItems.find((x) => x.id === 503)!;
  if (!(li503.pixels ?? []).some((p) => Number(p.id) === 777)) problems.push('line item 503 lost console-made pixel 777');
  return problems;
}

import jsonpatch from 'fast-json-patch';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Change, Json } from '../../src/plan/types.js';
import { diffFields, project } from '../../src/plan/compare.js';
import { Collection } from '../../src/sandbox/collection.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { RateBudget, type Slot } from '../../src/xandr/budget.js';
import { FakeClock, flushMicrotasks, seededRandom } from '../helpers/fake-clock.js';
import { rejects } from '../helpers/assert.js';

/**
 * The code paths that `npm run bench` made faster, held to what they did before: the rate budget's
 * queue, the sandbox's ordered collections, and the planner's shortcut for equal fields.
 */

const budget = suite('rate budget queue (thousands of waiters)');

budget('slots go to the earliest waiter whose class may go, across classes, skipping aborted ones', async () => {
  const clock = new FakeClock();
  const b = new RateBudget({ readsPerMinute: 10, writesPerMinute: 10, maxInFlight: 1 }, clock);
  const granted: string[] = [];
  const wait = (name: string, cls: 'read' | 'write', signal?: AbortSignal) =>
    b.acquire(cls, signal).then((slot) => {
      granted.push(name);
      return slot;
    });
  const w1 = wait('w1', 'write');
  const r1 = wait('r1', 'read');
  const controller = new AbortController();
  const w2 = wait('w2', 'write', controller.signal);
  const r2 = wait('r2', 'read');
  const w3 = wait('w3', 'write');
  controller.abort();
  await rejects(w2, /cancelled/);
  for (const next of [w1, r1, r2, w3]) (await next).release();
  await flushMicrotasks();
  assert.equal(granted, ['w1', 'r1', 'r2', 'w3'], 'arrival order, one at a time (maxInFlight 1)');
});

budget('5,000 queued writes go out in arrival order, a window at a time, and aborted ones never do', async () => {
  const clock = new FakeClock();
  const b = new RateBudget({ writesPerMinute: 1000, windowMs: 1000, maxInFlight: 15 }, clock);
  const granted: number[] = [];
  const controllers = new Map<number, AbortController>();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < 5000; i++) {
    // The first 15 (maxInFlight) are granted at once; abort only calls that are still waiting.
    const controller = i >= 15 && i % 7 === 3 ? new AbortController() : undefined;
    if (controller) controllers.set(i, controller);
    waits.push(
      b.acquire('write', controller?.signal).then(
        (slot: Slot) => {
          granted.push(i);
          slot.release();
        },
        () => undefined,
      ),
    );
  }
  for (const controller of controllers.values()) controller.abort();
  for (let round = 0; round < 6; round++) await clock.advance(1100);
  await Promise.all(waits);
  const expected = Array.from({ length: 5000 }, (_, i) => i).filter((i) => !controllers.has(i));
  assert.equal(granted, expected);
});

const collection = suite('sandbox collection order');

collection('values() is in id order after appends, inserts, replacements and deletes', () => {
  const c = new Collection<{ id: number; code: string | null; v: number }>(() => 1);
  for (const id of [5, 7, 9]) c.set({ id, code: null, v: 0 });
  assert.equal(c.values().map((r) => r.id), [5, 7, 9]);
  c.set({ id: 6, code: null, v: 0 });
  c.set({ id: 7, code: 'x', v: 1 });
  c.delete(9);
  c.set({ id: 1, code: null, v: 0 });
  assert.equal(c.values().map((r) => [r.id, r.v]), [[1, 0], [5, 0], [6, 0], [7, 1]]);
  c.set({ id: 5, code: null, v: 2 });
  assert.equal(c.values().map((r) => [r.id, r.v]), [[1, 0], [5, 2], [6, 0], [7, 1]], 'a replacement is seen in place');
  assert.is(c.findByCode(1, 'X')?.id, 7);
  c.clear();
  assert.equal(c.values(), []);
});

collection('a listing read page by page sees every write made between its pages', async () => {
  const sandbox = await startSandbox({ port: 0, empty: true });
  try {
    const segment = (id: number, advertiserId: number | null) => ({ id, code: `s${id}`, member_id: 958, advertiser_id: advertiserId, short_name: `S ${id}` });
    await sandbox.control.upsert({ advertisers: [{ id: 7, member_id: 958 }], segments: Array.from({ length: 250 }, (_, i) => segment(1000 + i, i % 2 ? 7 : null)) });
    const login = await fetch(`${sandbox.url}/auth`, { method: 'POST', body: JSON.stringify({ auth: { username: 'sandbox', password: 'sandbox' } }) });
    const token = ((await login.json()) as { response: { token: string } }).response.token;
    const page = async (query: string) => {
      const res = await fetch(`${sandbox.url}/segment?${query}`, { headers: { authorization: token } });
      const body = (await res.json()) as { response: { count: number; segments: { id: number }[] } };
      return { count: body.response.count, ids: body.response.segments.map((s) => s.id) };
    };
    assert.is((await page('start_element=0&num_elements=100')).count, 250);
    assert.is((await page('advertiser_id=7&start_element=0')).count, 125, 'another filter is another listing');
    await sandbox.control.upsert({ segments: [segment(5000, 7)] });
    const last = await page('start_element=200&num_elements=100');
    assert.is(last.count, 251, 'the count after a write');
    assert.is(last.ids.at(-1), 5000, 'the new segment is on the last page');
    assert.is((await page('advertiser_id=7&start_element=100')).count, 126);
    const res = await fetch(`${sandbox.url}/segment?id=1000`, { method: 'DELETE', headers: { authorization: token } });
    assert.is(res.status, 200);
    assert.equal((await page('start_element=0&num_elements=1')).ids, [1001], 'a deleted segment is gone from the next page');
  } finally {
    await sandbox.close();
  }
});

const compare = suite('planner field comparison');

/** diffFields as it was before the equal-fields shortcut: always through jsonpatch. */
function diffThroughPatch(live: Record<string, unknown>, desired: Record<string, Json>): Change[] {
  const projected: { [key: string]: Json } = {};
  for (const key of Object.keys(desired)) projected[key] = project(live[key], desired[key]!);
  return (jsonpatch.compare(projected, desired) as Change[])
    .map((op) => ({ op: op.op, path: op.path, ...(op.op === 'remove' ? {} : { value: op.value as Json }) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

compare('the shortcut finds exactly the changes jsonpatch finds, over random live and desired fields', () => {
  const random = seededRandom(8);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const value = (depth: number): Json => {
    const roll = random();
    if (depth > 2 || roll < 0.5) return pick<Json>([null, true, false, 0, 30, 30.5, '30', '30.000000', 'a', 'b', '']);
    if (roll < 0.75) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [pick(['x', 'y', 'z']), value(depth + 1)]));
  };
  let equal = 0;
  for (let i = 0; i < 3000; i++) {
    const desired: Record<string, Json> = {};
    const live: Record<string, unknown> = {};
    for (const key of ['a', 'b', 'c']) {
      if (random() < 0.7) desired[key] = value(0);
      // Half the time live already holds the desired value: the case the shortcut takes.
      if (random() < 0.8) live[key] = key in desired && random() < 0.5 ? structuredClone(desired[key]) : value(0);
    }
    const changes = diffFields(live, desired).changes;
    if (changes.length === 0) equal++;
    assert.equal(changes, diffThroughPatch(live, desired), JSON.stringify({ live, desired }));
  }
  assert.ok(equal > 300, `the equal case is exercised (${equal} of 3000)`);
});

budget.run();
collection.run();
compare.run();

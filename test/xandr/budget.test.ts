import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RateBudget } from '../../src/xandr/budget.js';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock.js';
import { rejects } from '../helpers/assert.js';

const test = suite('rate budget');

test('takes at most the write limit per window, and frees slots a window after their response', async () => {
  const clock = new FakeClock();
  const budget = new RateBudget({ writesPerMinute: 3, windowMs: 1000 }, clock);
  const granted: number[] = [];
  const slots = Array.from({ length: 5 }, (_, i) =>
    budget.acquire('write').then((slot) => {
      granted.push(i);
      return slot;
    }),
  );
  await flushMicrotasks();
  assert.equal(granted, [0, 1, 2], 'three writes go at once, two wait');
  const first = await Promise.all(slots.slice(0, 3));
  await clock.advance(100);
  for (const slot of first) slot.release();
  await clock.advance(999);
  assert.equal(granted, [0, 1, 2], 'a slot is still charged just before window + margin after its response');
  await clock.advance(20);
  assert.equal(granted, [0, 1, 2, 3, 4], 'after the window the waiting writes go');
});

test('reads are not held up by writes that wait for their window', async () => {
  const clock = new FakeClock();
  const budget = new RateBudget({ writesPerMinute: 1, readsPerMinute: 10, windowMs: 1000 }, clock);
  (await budget.acquire('write')).release();
  let writeGranted = false;
  void budget.acquire('write').then(() => (writeGranted = true));
  const read = await budget.acquire('read');
  read.release();
  await flushMicrotasks();
  assert.is(writeGranted, false);
  await clock.advance(1100);
  assert.is(writeGranted, true);
});

test('never more than maxInFlight at once', async () => {
  const clock = new FakeClock();
  const budget = new RateBudget({ readsPerMinute: 100, maxInFlight: 2 }, clock);
  let granted = 0;
  const pending = Array.from({ length: 4 }, () => budget.acquire('read').then((s) => (granted++, s)));
  await flushMicrotasks();
  assert.is(granted, 2);
  (await pending[0]!).release();
  await flushMicrotasks();
  assert.is(granted, 3);
});

test('block() after a 429 holds every call of that class until Retry-After has passed', async () => {
  const clock = new FakeClock();
  const budget = new RateBudget({ writesPerMinute: 100 }, clock);
  budget.block('write', clock.now() + 5000);
  let granted = false;
  void budget.acquire('write').then(() => (granted = true));
  await clock.advance(4999);
  assert.is(granted, false);
  await clock.advance(1);
  assert.is(granted, true);
});

test('an aborted wait rejects and leaves the queue', async () => {
  const clock = new FakeClock();
  const budget = new RateBudget({ writesPerMinute: 1 }, clock);
  await budget.acquire('write');
  const controller = new AbortController();
  const waiting = budget.acquire('write', controller.signal);
  controller.abort();
  await rejects(waiting, /cancelled/);
});

test('estimateMs counts whole windows beyond the free slots', () => {
  const clock = new FakeClock();
  const budget = new RateBudget({ writesPerMinute: 60, windowMs: 60_000 }, clock);
  assert.is(budget.estimateMs('write', 60), 0);
  assert.is(budget.estimateMs('write', 61), 60_000);
  assert.is(budget.estimateMs('write', 180), 120_000);
});

test.run();

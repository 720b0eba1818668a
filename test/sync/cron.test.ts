import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cronProblem, startCron } from '../../src/sync/cron.js';

const test = suite('cron wiring');

test('expressions are checked the way node-cron reads them', () => {
  for (const ok of ['*/5 * * * *', '0 3 * * 1-5', '*/10 * * * * *', '0 0 1 1 *']) assert.is(cronProblem(ok), null, ok);
  for (const bad of ['', 'every five minutes', '* * *', '61 * * * *', '* * * * * * *']) assert.type(cronProblem(bad), 'string', bad);
});

test('a tick that is still running when the next one is due makes node-cron skip it, and the skip is reported', async () => {
  let started = 0;
  let overlaps = 0;
  const logged: string[] = [];
  let release!: () => void;
  const blocked = new Promise<void>((resolve) => (release = resolve));
  let sawOverlap!: () => void;
  const overlapped = new Promise<void>((resolve) => (sawOverlap = resolve));
  // Every second: the first tick blocks until a second tick has come and been held back.
  const trigger = startCron('* * * * * *', {
    tick: async () => {
      started++;
      await blocked;
    },
    overlap: () => {
      overlaps++;
      sawOverlap();
    },
    log: (line) => logged.push(line),
  });
  try {
    await overlapped;
    assert.is(started, 1, 'the second tick did not start while the first ran');
    assert.ok(overlaps >= 1);
    assert.not.ok(logged.some((l) => /overlap/i.test(l)), "node-cron's overlap warning goes through overlap(), not the log");
  } finally {
    trigger.stop();
    release();
  }
});

test('the trigger tells when node-cron ticks next, for the dashboard', () => {
  const trigger = startCron('0 0 1 1 *', { tick: async () => undefined, overlap: () => undefined, log: () => undefined });
  try {
    const next = trigger.nextRun();
    assert.ok(next instanceof Date, 'a scheduled task has a next run');
    const expected = new Date(new Date().getFullYear() + 1, 0, 1, 0, 0, 0, 0);
    assert.is(next!.getTime(), expected.getTime(), 'midnight of the next 1 January, local time');
  } finally {
    trigger.stop();
  }
});

test.run();

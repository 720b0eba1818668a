import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { countCalls, lowerBound, type CallCounts } from '../../bench/calls.js';
import { configYaml } from '../../bench/repository.js';
import { generateWorkload, SMALL_SHAPE, type Workload } from '../../bench/workload.js';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { sandboxFixture } from '../helpers/sandbox.js';

/**
 * The exact calls of a plan and an apply of the bench's mid-size workload (2,000 segments, 500 pixels,
 * 300 bound line items across 20 advertisers, 5 % drifted): a change that reads a page twice, pages
 * smaller, logs in again or writes an object twice fails here, without timing anything. `npm run bench`
 * measures the same at 28,000 objects.
 */
const test = suite('call counts of a mid-size plan and apply (the bench workload)');

const workload: Workload = generateWorkload(SMALL_SHAPE, 1);
const sb = sandboxFixture({ empty: true, limits: { reads: 1_000_000, writes: 1_000_000, logins: 1_000_000 } });
let ws: ReturnType<typeof workspace>;

test.before(async () => {
  await sb.start();
  await sb.it.control.upsert(workload.live);
  // A write budget well above the drift: this test counts calls, it does not wait for windows.
  ws = workspace({ 'xandr-sync.yaml': configYaml({ readsPerMinute: 10_000, writesPerMinute: 10_000, maxInFlight: 15 }), ...Object.fromEntries(workload.files) });
});
test.after(async () => {
  ws.cleanup();
  await sb.stop();
});

const cli = (args: string[]) => runCli(args, { cwd: ws.dir, env: sandboxEnv(sb.it.url) });

/** Runs a command and returns the calls it made. */
async function callsOf(args: string[]): Promise<{ calls: CallCounts; stdout: string }> {
  sb.it.control.clearLog();
  const run = await cli(args);
  assert.is(run.code, 0, `xandr-sync ${args.join(' ')}: ${run.stderr}`);
  return { calls: countCalls(sb.it.control.log()), stdout: run.stdout };
}

const READS = { member: 1, advertiser: 1, segment: 21, pixel: 20, 'line-item': 3, profile: 3 };

test('the workload is what these counts assume', () => {
  assert.equal(lowerBound(workload).reads, READS, 'one page of 100 per service and scope: 2,025 segments, 25 pixels in each of 20 advertisers, 300 line items and their 300 profiles');
  assert.is(workload.changes.size, 155);
});

test('plan: one login and the lower bound of reads, per service; no writes; exactly the drifted objects', async () => {
  const { calls, stdout } = await callsOf(['plan', '--format', 'json']);
  assert.is(calls.logins, 1, 'one login');
  assert.equal(calls.reads, READS);
  assert.equal(calls.writes, {}, 'a plan writes nothing');
  const plan = JSON.parse(stdout) as { summary: { writes: number; reads: number }; actions: { address: string; action: string }[] };
  const attribution = (JSON.parse(stdout) as { attribution: { looked_up: number; reads: number } }).attribution;
  assert.is(attribution.looked_up, 20, 'the Change Log is asked about attribution.max_lookups (20) drifted objects, no more');
  assert.ok(attribution.reads >= 20 && attribution.reads <= 40, `at most 2 change-log reads per object (${attribution.reads})`);
  assert.is(plan.summary.reads, 49 + attribution.reads, 'the plan reports the reads it made, attribution included');
  assert.equal(
    plan.actions.map((a) => `${a.address} ${a.action}`).sort(),
    [...workload.changes].map(([address, c]) => `${address} ${c.action}`).sort(),
    'an action for every drifted object and nothing else',
  );
});

test('apply: the same reads, then one write per changed object, one PUT per line item and one per profile', async () => {
  const { calls } = await callsOf(['apply', '--auto-approve']);
  assert.is(calls.logins, 1);
  assert.equal(calls.reads, READS);
  assert.equal(calls.writes, { 'POST /segment': 15, 'PUT /segment': 85, 'PUT /pixel': 25, 'PUT /line-item': 15, 'PUT /profile': 15 });
  assert.equal(calls.writes, lowerBound(workload).writes);
  assert.is(calls.maxWritesPerObject, 1, 'no object written twice');
});

test('converged: a re-plan has no action and a re-apply writes nothing', async () => {
  const planned = await callsOf(['plan', '--format', 'json']);
  assert.is((JSON.parse(planned.stdout) as { actions: unknown[] }).actions.length, 0);
  assert.equal(planned.calls.reads, READS, 'the created segments did not add a page');
  const applied = await callsOf(['apply', '--auto-approve']);
  assert.equal(applied.calls.writes, {});
});

test.run();

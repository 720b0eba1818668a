import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FaultRule } from '../../src/sandbox/index.js';
import { drive, FakeClock, seededRandom } from '../helpers/fake-clock.js';
import { loginsIn, startSandbox, type Sandbox } from '../helpers/sandbox.js';
import { applyWith, chaosClient, chaosDesired, checkIntended, planWith, seedLive } from './workload.js';

/**
 * The chaos suite: real applies through the sandbox with its faults switched on. For every scenario and
 * seed: the apply succeeds, a second plan (faults still on) is empty, and the sandbox holds exactly the
 * intended objects. `npm test` runs one seed; docs/reliability.md has the command for 20.
 *
 *   CHAOS_RUNS=20 CHAOS_SEED=1 npx uvu -r tsx test/chaos '\.test\.ts$'
 */
const RUNS = Number(process.env.CHAOS_RUNS ?? 1);
const FIRST_SEED = Number(process.env.CHAOS_SEED ?? 1);

interface Scenario {
  name: string;
  dialect?: 'modern' | 'legacy';
  latency?: { minMs: number; maxMs: number };
  faults: FaultRule[];
  /** Token expiries at these offsets (ms) after the apply starts. */
  expireAt?: (rng: () => number) => number[];
}

const SCENARIOS: Scenario[] = [
  { name: 'latency', latency: { minMs: 2, maxMs: 40 }, faults: [] },
  { name: '429 bursts with Retry-After', faults: [{ action: 'throttle', retryAfter: 1, rate: 0.3, count: 3 }] },
  { name: '5xx on every method', faults: [{ action: 'error', status: 503, rate: 0.15 }, { action: 'error', status: 500, rate: 0.05 }] },
  { name: 'connection reset before processing', faults: [{ action: 'reset', rate: 0.15 }] },
  { name: 'lost responses after successful writes', faults: [{ method: 'POST', action: 'lose', rate: 0.2 }, { method: 'PUT', action: 'lose', rate: 0.2 }] },
  { name: 'login answer lost once', faults: [{ path: '/auth', action: 'reset', count: 1 }, { path: '/auth', action: 'lose', count: 1 }] },
  {
    name: 'token expiry mid-run',
    latency: { minMs: 5, maxMs: 20 },
    faults: [],
    expireAt: (rng) => [20 + rng() * 80, 150 + rng() * 150],
  },
  {
    name: 'everything at once, legacy dialect',
    dialect: 'legacy',
    latency: { minMs: 1, maxMs: 10 },
    faults: [
      { action: 'throttle', retryAfter: 1, rate: 0.05, count: 2 },
      { action: 'error', status: 503, rate: 0.08 },
      { action: 'reset', rate: 0.05 },
      { method: 'POST', action: 'lose', rate: 0.15 },
      { method: 'PUT', action: 'lose', rate: 0.15 },
    ],
    expireAt: (rng) => [50 + rng() * 100],
  },
];

const test = suite('chaos: applies converge through faults, nothing lost or duplicated');

for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
  for (const scenario of SCENARIOS) {
    test(`${scenario.name} (seed ${seed})`, async () => {
      // One fake clock for both sides: Retry-After, latency and token expiries pass in fake time.
      const clock = new FakeClock(Date.UTC(2026, 11, 1));
      const sandbox: Sandbox = await startSandbox({ port: 0, seed, dialect: scenario.dialect ?? 'modern', latency: scenario.latency, clock });
      const rng = seededRandom(seed * 7919 + scenario.name.length);
      const client = chaosClient(sandbox, rng, { clock });
      const stopExpiries = new AbortController();
      try {
        await seedLive(sandbox);
        sandbox.control.setFaults(scenario.faults, seed);
        const wanted = chaosDesired();
        const plan = await drive(clock, planWith(client, wanted, sandbox.url), 20);
        assert.equal(plan.errors, []);
        assert.ok(plan.actions.length > 30, 'the workload has work to do');
        for (const at of scenario.expireAt?.(rng) ?? []) {
          clock.sleep(at, stopExpiries.signal).then(() => sandbox.control.expireTokens(), () => undefined);
        }
        const report = await drive(clock, applyWith(client, plan), 20);
        assert.ok(report.ok, `apply: ${JSON.stringify(report.outcomes.filter((o) => o.status !== 'done'))}`);
        const again = await drive(clock, planWith(client, wanted, sandbox.url), 20);
        assert.equal(again.actions.map((a) => a.address), [], 'a second plan, faults still on, is empty');
        assert.equal(checkIntended(sandbox, wanted), []);
        if (scenario.expireAt) {
          const logins = loginsIn(sandbox.control.log()).filter((e) => e.status === 200 && !e.fault).length;
          assert.ok(logins <= 1 + scenario.expireAt(seededRandom(0)).length, `one login per expiry at most (${logins})`);
        }
      } finally {
        stopExpiries.abort();
        await client.close();
        await sandbox.close();
      }
    });
  }
}

test.run();

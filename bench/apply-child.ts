/**
 * The apply half of the throughput measurement, in its own process so that the client and the sandbox do
 * not share one thread (a real API is on another machine). It runs what `xandr-sync apply` runs (load,
 * plan against live, guards, lock, waves), with the one thing the CLI cannot do: a rate window shorter
 * than Xandr's 60 s, so a budget-bound apply takes seconds. Prints one JSON line for the parent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../src/apply/apply-plan.js';
import { buildPlan } from '../src/plan/index.js';
import { readPlanInput } from '../src/read/plan-input.js';
import { loadManifests } from '../src/manifest/index.js';
import { XandrClient } from '../src/xandr/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (bench/apply-child.ts is started by bench/apply-throughput.ts)`);
  return value;
};

const apiUrl = env('BENCH_API_URL');
const load = await loadManifests(['.'], { cwd: env('BENCH_REPO') });
if (load.diagnostics.some((d) => d.severity === 'error')) throw new Error(`the workload does not validate: ${load.diagnostics[0]?.message}`);
const latencies: number[] = [];
const client = new XandrClient({
  apiUrl,
  credentials: { username: 'sandbox', password: 'sandbox' },
  budget: { readsPerMinute: 1_000_000, writesPerMinute: Number(env('BENCH_WRITES')), windowMs: Number(env('BENCH_WINDOW_MS')), maxInFlight: 15 },
  onEvent: (event) => {
    if (event.type === 'request' && event.method !== 'GET') latencies.push(event.ms);
  },
});
const lockDir = mkdtempSync(join(tmpdir(), 'xandr-sync-bench-lock-'));
try {
  const plan = buildPlan(await readPlanInput({ load, client, target: { kind: 'xandr', api_url: apiUrl }, source: { paths: ['.'], git: null }, now: () => new Date() }));
  if (plan.errors.length > 0) throw new Error(`the plan has errors: ${plan.errors[0]?.message}`);
  const started = Date.now();
  const report = await applyPlan({ plan, client, guards: {}, lockKey: `bench ${apiUrl}`, lockDir, command: 'npm run bench' });
  const elapsedMs = Date.now() - started;
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ actions: plan.actions.length, done: report.done, throttled: client.stats.throttled, elapsedMs, writeLatencyMs: latencies[Math.floor(latencies.length / 2)] ?? NaN })}\n`,
  );
} finally {
  await client.close();
  rmSync(lockDir, { recursive: true, force: true });
}

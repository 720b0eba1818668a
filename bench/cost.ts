/**
 * What a run costs in Xandr's scarce resource, its read budget (about 100 reads a minute for the whole
 * member, shared with every trader): a plan of everything, a plan scoped to a 3-document change, a drift
 * cycle with nothing new and one after 20 console edits, the logins of 10 CLI runs in a row, and what a
 * 5-minute drift schedule spends of the member's daily reads before and after incremental cycles. Used by
 * `npm run bench` (BENCHMARKS.md) and by test/bench/cost.test.ts, which asserts the counts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import { loadManifests } from '../src/manifest/index.js';
import { buildPlan, type LiveState, type Plan } from '../src/plan/index.js';
import { readIncremental, type LiveSnapshot } from '../src/read/incremental.js';
import { readLive } from '../src/read/live-state.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { XandrClient } from '../src/xandr/index.js';
import type { Clock } from '../src/core/clock.js';
import { writeRepository, type Repository } from './repository.js';
import { generateWorkload, MEMBER_ID, objectCount, type Workload, type WorkloadShape } from './workload.js';

export interface Cost {
  reads: number;
  logins: number;
  ms: number;
}

export interface CostResult {
  objects: number;
  fullPlan: Cost & { actions: number };
  scopedPlan: Cost & { actions: string[]; edited: string[] };
  quietCycle: Cost & { mode: string; reason: string | null };
  editedCycle: Cost & { sameAsFull: boolean; actions: number };
  ignoredFilter: { mode: string; sameAsFull: boolean };
  /** Logins for 10 `plan` runs in a row, with the token cache. */
  tenRunsLogins: number;
  /** Reads a 5-minute drift schedule spends per day, against the member's 144,000 (100 a minute). */
  daily: { before: number; after: number; budget: number };
}

const RATE = { readsPerMinute: 100_000, writesPerMinute: 100_000, maxInFlight: 15 };

/**
 * Time for the sandbox, the client and the CLI alike that moves only when asked (or when something sleeps,
 * which then returns at once): a minute between two drift cycles passes without waiting for it.
 */
function fastForwardClock(start: number): Clock & { pass(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
    pass: (ms) => {
      now += ms;
    },
  };
}

export async function measureCost(shape: WorkloadShape, seed: number, log: (line: string) => void = () => undefined): Promise<CostResult> {
  const workload = generateWorkload(shape, seed);
  const clock = fastForwardClock(Date.UTC(2026, 11, 1, 9));
  const sandbox = await startSandbox({ port: 0, empty: true, clock, limits: { reads: 10_000_000, writes: 10_000_000, logins: 1_000_000 } });
  const repo = writeRepository(workload, RATE, { git: true });
  const cacheHome = mkdtempSync(join(tmpdir(), 'xandr-sync-bench-cache-'));
  const env = { XANDR_API_URL: sandbox.url, XANDR_USERNAME: 'sandbox', XANDR_PASSWORD: 'sandbox', XDG_CACHE_HOME: cacheHome };
  try {
    await sandbox.control.upsert(workload.live);
    // The member's objects were last touched long before today's runs (the sandbox stamps them now).
    clock.pass(24 * 3_600_000);
    const cli = async (args: string[], extraEnv: Record<string, string> = {}) => {
      sandbox.control.clearLog();
      const started = Date.now();
      const out = collect();
      const err = collect();
      const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd: repo.dir, env: { ...env, ...extraEnv }, clock });
      if (code !== 0) throw new Error(`xandr-sync ${args.join(' ')} exited ${code}: ${err.text()}`);
      return { stdout: out.text(), ms: Date.now() - started, ...counted(sandbox) };
    };

    log('cost: a plan of everything');
    const full = await cli(['plan', '--format', 'json', '--quiet'], { XANDR_TOKEN_CACHE: 'off' });
    const fullPlan = { reads: full.reads, logins: full.logins, ms: full.ms, actions: (JSON.parse(full.stdout) as Plan).actions.length };

    log('cost: a plan scoped to a 3-document change');
    const base = git(repo, 'rev-parse', 'HEAD').trim();
    const edited = editDocuments(repo, workload, 3);
    const scoped = await cli(['plan', '--format', 'json', '--quiet', '--changed-since', base], { XANDR_TOKEN_CACHE: 'off' });
    const scopedPlan = { reads: scoped.reads, logins: scoped.logins, ms: scoped.ms, edited, actions: (JSON.parse(scoped.stdout) as Plan).actions.map((a) => a.address).sort() };

    log('cost: logins of 10 plan runs in a row');
    let tenRunsLogins = 0;
    for (let i = 0; i < 10; i++) tenRunsLogins += (await cli(['plan', '--format', 'json', '--quiet', '--changed-since', base])).logins;

    log('cost: drift cycles');
    const load = await loadManifests([repo.dir], { cwd: repo.dir });
    const client = new XandrClient({ apiUrl: sandbox.url, credentials: { username: 'sandbox', password: 'sandbox' }, budget: RATE, clock });
    try {
      const read = (previous: LiveSnapshot | null) =>
        readIncremental(client, load.desired, { apiUrl: sandbox.url, memberId: MEMBER_ID, previous, fullReason: null, now: () => clock.now() });
      const plan = (live: LiveState) =>
        buildPlan({ desired: load.desired, live, config: load.config, target: { kind: 'xandr', api_url: sandbox.url, member_id: MEMBER_ID }, source: { paths: ['.'], git: null }, reads: 0, createdAt: 'bench' });
      const requests = (p: Plan) => p.actions.map((a) => `${a.action} ${a.address} ${JSON.stringify(a.request)}`).sort().join('\n');
      const first = await read(null);
      // Five minutes to the next cycle; a trader edits 20 segments before the one after.
      clock.pass(300_000);
      const quiet = await timed(sandbox, () => read(first.snapshot));
      clock.pass(120_000);
      await sandbox.control.upsert({ by: { user_full_name: 'Jane Trader' }, segments: consoleEdits(workload, 20) });
      clock.pass(180_000);
      const editedRun = await timed(sandbox, () => read(quiet.value.snapshot));
      const fullNow = await readLive(client, load.desired, { memberId: MEMBER_ID });
      const editedPlan = plan(editedRun.value.live);
      sandbox.control.configure({ ignoreModifiedFilter: true });
      const ignored = await read(editedRun.value.snapshot);
      sandbox.control.configure({ ignoreModifiedFilter: false });

      const perDay = 24 * 60 / 5;
      const budget = 100 * 24 * 60;
      return {
        objects: objectCount(shape),
        fullPlan,
        scopedPlan,
        quietCycle: { reads: quiet.reads, logins: 0, ms: quiet.ms, mode: quiet.value.mode, reason: quiet.value.reason },
        editedCycle: { reads: editedRun.reads, logins: 0, ms: editedRun.ms, sameAsFull: requests(editedPlan) === requests(plan(fullNow)), actions: editedPlan.actions.length },
        ignoredFilter: { mode: ignored.mode, sameAsFull: requests(plan(ignored.live)) === requests(plan(fullNow)) },
        tenRunsLogins,
        // Before: every cycle read everything. After: what moved, plus one full read a day.
        daily: { before: perDay * fullPlan.reads, after: (perDay - 1) * quiet.reads + fullPlan.reads, budget },
      };
    } finally {
      await client.close();
    }
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
    repo.remove();
    await sandbox.close();
  }
}

/** Changes the short names of `n` segments that the workload did not drift, in their files; returns their addresses. */
function editDocuments(repo: Repository, workload: Workload, n: number): string[] {
  const edited: string[] = [];
  for (const path of workload.files.keys()) {
    if (edited.length === n || !/segments(-\d+)?\.yaml$/.test(path)) continue;
    const file = join(repo.dir, path);
    const docs = readFileSync(file, 'utf8').split('\n---\n');
    const at = docs.findIndex((d) => {
      const name = /name: (\S+)/.exec(d)?.[1];
      return name !== undefined && !workload.changes.has(`Segment/${name}`);
    });
    if (at < 0) continue;
    edited.push(`Segment/${/name: (\S+)/.exec(docs[at]!)![1]}`);
    docs[at] = docs[at]!.replace(/short_name: (.*)/, 'short_name: $1 (renamed in git)');
    writeFileSync(file, docs.join('\n---\n'));
  }
  return edited.sort();
}

/** Short names changed by a trader, on segments the manifests manage: drift a cycle must find. */
function consoleEdits(workload: Workload, n: number): Record<string, unknown>[] {
  return workload.live.segments
    .filter((s) => typeof s.code === 'string')
    .slice(0, n)
    .map((s) => ({ id: s.id, short_name: `${String(s.short_name)} (edited in the console)` }));
}

async function timed<T>(sandbox: Sandbox, run: () => Promise<T>): Promise<{ value: T; reads: number; ms: number }> {
  sandbox.control.clearLog();
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started, reads: counted(sandbox).reads };
}

function counted(sandbox: Sandbox): { reads: number; logins: number } {
  const log = sandbox.control.log();
  return { reads: log.filter((e) => e.method === 'GET').length, logins: log.filter((e) => e.path === '/auth' && e.status === 200).length };
}

function git(repo: Repository, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' });
}

function collect() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
}


import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../src/sandbox/index.js';
import { countCalls, throttledIn, type CallCounts } from './calls.js';
import { REPO } from './run-cli.js';

export interface WriteBudget {
  /** Writes allowed per window, on both sides: the sandbox's limit and the client's budget. */
  writes: number;
  windowMs: number;
}

export interface ApplyMeasurement {
  actions: number;
  done: number;
  calls: CallCounts;
  /** 429 answers the sandbox sent, plus any the client saw (the same ones, or in-flight refusals). */
  throttled: number;
  /** From the first write to the report, as the client saw it. */
  elapsedMs: number;
  /** From the first write to the last, as the sandbox received them. */
  spanMs: number;
  /** The least that span can be under the budget: (ceil(N / budget) - 1) windows; 0 when all fit in one. */
  idealMs: number;
  /** idealMs / spanMs: the share of the budget used; NaN when every write fits in one window. */
  utilization: number;
  /** utilization x budget. */
  perWindow: number;
  /** The most writes the sandbox saw inside any one window: never more than the budget without a 429. */
  maxInAnyWindow: number;
  /** Median time from sending a write to its answer, as the client saw it. */
  writeLatencyMs: number;
}

const CHILD = fileURLToPath(new URL('./apply-child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/**
 * Applies the workload's drift with the sandbox's write limit and the client's write budget set equal,
 * then reads the throughput off the sandbox's request log. The client runs in a child process
 * (bench/apply-child.ts); the sandbox keeps serving from this one.
 */
export async function measureApply(sandbox: Sandbox, repoDir: string, budget: WriteBudget): Promise<ApplyMeasurement> {
  const limits = sandbox.control.config().limits;
  sandbox.control.configure({ limits: { writes: budget.writes, windowMs: budget.windowMs } });
  sandbox.control.clearLog();
  try {
    const child = await runChild({ BENCH_API_URL: sandbox.url, BENCH_REPO: repoDir, BENCH_WRITES: String(budget.writes), BENCH_WINDOW_MS: String(budget.windowMs) });
    const log = sandbox.control.log();
    const writeTimes = log.filter((e) => e.method !== 'GET' && e.path !== '/auth' && e.processed).map((e) => e.at).sort((a, b) => a - b);
    const spanMs = writeTimes.length ? writeTimes[writeTimes.length - 1]! - writeTimes[0]! : 0;
    const idealMs = minimumSpan(writeTimes.length, budget);
    const utilization = idealMs > 0 ? idealMs / Math.max(spanMs, 1) : NaN;
    return {
      actions: child.actions,
      done: child.done,
      calls: countCalls(log),
      throttled: throttledIn(log) + child.throttled,
      elapsedMs: child.elapsedMs,
      spanMs,
      idealMs,
      utilization,
      perWindow: utilization * budget.writes,
      maxInAnyWindow: maxInWindow(writeTimes, budget.windowMs),
      writeLatencyMs: child.writeLatencyMs,
    };
  } finally {
    sandbox.control.configure({ limits });
  }
}

interface ChildResult {
  actions: number;
  done: number;
  throttled: number;
  elapsedMs: number;
  writeLatencyMs: number;
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CHILD], { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench/apply-child.ts exited with ${code}\n${stderr.slice(0, 4000)}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildResult);
      } catch {
        reject(new Error(`bench/apply-child.ts printed no result\n${stdout.slice(0, 2000)}\n${stderr.slice(0, 2000)}`));
      }
    });
  });
}

/**
 * The shortest time from the first write to the last that a budget of `writes` per rolling window allows
 * for `count` writes: a full budget at once, the next full budget one window later, and so on. A client
 * that keeps the budget full comes close (each slot is charged a little longer than the window: see
 * src/xandr/budget.ts); one that leaves slots unused takes longer.
 */
export function minimumSpan(count: number, budget: WriteBudget): number {
  return Math.max(0, Math.ceil(count / budget.writes) - 1) * budget.windowMs;
}

/** The largest number of `times` inside any window of `windowMs` (two pointers over sorted times). */
export function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

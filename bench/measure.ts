import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { measureApply, type ApplyMeasurement, type WriteBudget } from './apply-throughput.js';
import { countCalls, lowerBound, totalReads, totalWrites, type CallCounts } from './calls.js';
import { writeRepository, type RateSettings } from './repository.js';
import { runCli, type CliRun } from './run-cli.js';
import { sample, type Sample } from './stats.js';
import { generateWorkload, objectCount, type Workload, type WorkloadShape } from './workload.js';

export interface ScaleSettings {
  factor: number;
  shape: WorkloadShape;
  seed: number;
  runs: number;
  /** What xandr-sync.yaml says; the CLI's read budget must not be what bounds a local plan. */
  rate: RateSettings;
  apply: WriteBudget;
  log: (line: string) => void;
}

export interface ScaleResult {
  factor: number;
  shape: WorkloadShape;
  objects: number;
  files: number;
  yamlBytes: number;
  changed: number;
  validate: { wallMs: Sample; rssBytes: Sample };
  plan: { wallMs: Sample; rssBytes: Sample; cpuMs: Sample };
  /** The calls of every measured plan run, which must all be equal (the worst is kept otherwise). */
  planCalls: CallCounts;
  bound: CallCounts;
  /** The JSON plan against the drift the workload made. */
  planned: { writes: number; missing: number; unexpected: number; wrongAction: number };
  apply: ApplyMeasurement;
  converged: { planActions: number; applyWrites: number };
}

/** Everything `npm run bench` measures for one workload size. */
export async function measureScale(settings: ScaleSettings): Promise<ScaleResult> {
  const { log } = settings;
  const workload = generateWorkload(settings.shape, settings.seed);
  const repo = writeRepository(workload, settings.rate, { git: true });
  // Generous limits while planning: a plan's reads are measured against the lower bound, not throttled.
  // Logins are limited to 10 per 5 minutes by default, and every CLI run logs in once.
  const sandbox = await startSandbox({ port: 0, empty: true, seed: settings.seed, limits: { reads: 1_000_000, writes: 1_000_000, logins: 1_000_000 } });
  try {
    await sandbox.control.upsert(workload.live);
    const bound = lowerBound(workload);
    const cli = (args: string[]) => runCli(args, { cwd: repo.dir, apiUrl: sandbox.url });
    const label = `${settings.factor}x (${objectCount(settings.shape).toLocaleString('en-US')} objects)`;

    log(`${label}: validate, ${settings.runs} runs`);
    const validations: CliRun[] = [];
    for (let i = 0; i < settings.runs; i++) validations.push(succeed(await cli(['validate']), 'validate'));

    log(`${label}: plan --format json, checked against the drift`);
    sandbox.control.clearLog();
    const planned = comparePlan(JSON.parse(succeed(await cli(['plan', '--format', 'json']), 'plan --format json').stdout), workload);

    log(`${label}: plan, ${settings.runs} runs`);
    const plans: CliRun[] = [];
    let planCalls: CallCounts | null = null;
    for (let i = 0; i < settings.runs; i++) {
      sandbox.control.clearLog();
      plans.push(succeed(await cli(['plan']), 'plan'));
      const calls = countCalls(sandbox.control.log());
      if (!planCalls || totalReads(calls) > totalReads(planCalls) || totalWrites(calls) > totalWrites(planCalls)) planCalls = calls;
    }

    log(`${label}: apply ${workload.changes.size} changes at ${settings.apply.writes} writes per ${settings.apply.windowMs} ms`);
    const apply = await measureApply(sandbox, repo.dir, settings.apply);

    log(`${label}: plan and apply again, converged`);
    const again = JSON.parse(succeed(await cli(['plan', '--format', 'json']), 'plan after apply').stdout) as { actions: unknown[] };
    sandbox.control.clearLog();
    succeed(await cli(['apply', '--auto-approve']), 'apply after apply');
    const converged = { planActions: again.actions.length, applyWrites: totalWrites(countCalls(sandbox.control.log())) };

    return {
      factor: settings.factor,
      shape: settings.shape,
      objects: objectCount(settings.shape),
      files: repo.files,
      yamlBytes: repo.bytes,
      changed: workload.changes.size,
      validate: { wallMs: sample(validations.map((r) => r.wallMs)), rssBytes: sample(validations.map((r) => r.peakRssBytes)) },
      plan: { wallMs: sample(plans.map((r) => r.wallMs)), rssBytes: sample(plans.map((r) => r.peakRssBytes)), cpuMs: sample(plans.map((r) => r.cpuMs)) },
      planCalls: planCalls!,
      bound,
      planned,
      apply,
      converged,
    };
  } finally {
    await closeQuietly(sandbox);
    repo.remove();
  }
}

function succeed(run: CliRun, what: string): CliRun {
  if (run.code !== 0) throw new Error(`xandr-sync ${what} exited with ${run.code}\n${run.stderr.slice(0, 4000)}`);
  return run;
}

/** The plan's actions against the workload's drift: the same addresses, each with the expected action. */
function comparePlan(plan: { actions: { address: string; action: string }[]; summary: { writes: number } }, workload: Workload): ScaleResult['planned'] {
  const seen = new Set<string>();
  let unexpected = 0;
  let wrongAction = 0;
  for (const action of plan.actions) {
    seen.add(action.address);
    const expected = workload.changes.get(action.address);
    if (!expected) unexpected++;
    else if (expected.action !== action.action) wrongAction++;
  }
  const missing = [...workload.changes.keys()].filter((address) => !seen.has(address)).length;
  return { writes: plan.summary.writes, missing, unexpected, wrongAction };
}

async function closeQuietly(sandbox: Sandbox): Promise<void> {
  try {
    await sandbox.close();
  } catch {
    // Closing is cleanup; the measurement (or its error) is what matters.
  }
}

import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { measureApply, type ApplyMeasurement, type WriteBudget } from './apply-throughput.js';
import { countCalls, lowerBound, totalReads, totalWrites, type CallCounts } from './calls.js';
import { measureDashboard, type DashboardTiming } from './dashboard-timing.js';
import { writeRepository, type RateSettings, type Repository } from './repository.js';
import { runCli, type CliRun } from './run-cli.js';
import { sample, type Sample } from './stats.js';
import { generateWorkload, objectCount, scaleShape, type Workload, type WorkloadShape } from './workload.js';

export interface BenchSettings {
  /** Workload multiples, measured side by side. */
  factors: number[];
  /** The 1x shape. */
  base: WorkloadShape;
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
  /** The sync job's dashboard on this member, after a detect cycle (before the apply repairs the drift). */
  dashboard: DashboardTiming;
  converged: { planActions: number; applyWrites: number };
}

/** One size, set up: its workload in a sandbox and its manifests in a repository. */
interface Prepared {
  factor: number;
  shape: WorkloadShape;
  workload: Workload;
  repo: Repository;
  sandbox: Sandbox;
  label: string;
  cli: (args: string[]) => Promise<CliRun>;
  validations: CliRun[];
  plans: CliRun[];
  planCalls: CallCounts | null;
}

/**
 * Everything `npm run bench` measures, for every size. The timed runs go round the sizes in turn
 * (1x, 2x, 4x, 1x, 2x, ...) rather than one size after the other, so that a slow spell of a shared
 * machine lands on every size alike instead of bending the linearity figures.
 */
export async function measureSizes(settings: BenchSettings): Promise<ScaleResult[]> {
  const { log } = settings;
  const sizes: Prepared[] = [];
  try {
    for (const factor of settings.factors) {
      const shape = scaleShape(settings.base, factor);
      const label = `${factor}x (${objectCount(shape).toLocaleString('en-US')} objects)`;
      log(`${label}: generate, write the repository, load the sandbox`);
      const workload = generateWorkload(shape, settings.seed);
      const repo = writeRepository(workload, settings.rate, { git: true });
      // Generous limits while planning: a plan's reads are measured against the lower bound, not throttled.
      // Logins are limited to 10 per 5 minutes by default, and every CLI run logs in once.
      const sandbox = await startSandbox({ port: 0, empty: true, seed: settings.seed, limits: { reads: 1_000_000, writes: 1_000_000, logins: 1_000_000 } });
      sizes.push({ factor, shape, workload, repo, sandbox, label, cli: (args) => runCli(args, { cwd: repo.dir, apiUrl: sandbox.url }), validations: [], plans: [], planCalls: null });
      await sandbox.control.upsert(workload.live);
    }

    const planned = new Map<Prepared, ScaleResult['planned']>();
    for (const size of sizes) {
      log(`${size.label}: plan --format json, checked against the drift`);
      const run = succeed(await size.cli(['plan', '--format', 'json']), 'plan --format json');
      planned.set(size, comparePlan(JSON.parse(run.stdout), size.workload));
    }

    for (let round = 1; round <= settings.runs; round++) {
      log(`validate and plan, round ${round} of ${settings.runs}, every size`);
      for (const size of sizes) {
        size.validations.push(succeed(await size.cli(['validate']), 'validate'));
        size.sandbox.control.clearLog();
        size.plans.push(succeed(await size.cli(['plan']), 'plan'));
        const calls = countCalls(size.sandbox.control.log());
        const worst = size.planCalls;
        if (!worst || totalReads(calls) > totalReads(worst) || totalWrites(calls) > totalWrites(worst)) size.planCalls = calls;
      }
    }

    const dashboards = new Map<Prepared, DashboardTiming>();
    for (const size of sizes) {
      log(`${size.label}: a detect cycle of the sync job, then its dashboard's /objects`);
      dashboards.set(size, await measureDashboard(size.sandbox, size.repo.dir, settings.rate, Number(size.workload.live.advertisers[0]!.id)));
    }

    const results: ScaleResult[] = [];
    for (const size of sizes) {
      const { workload, sandbox } = size;
      log(`${size.label}: apply ${workload.changes.size} changes at ${settings.apply.writes} writes per ${settings.apply.windowMs} ms`);
      const apply = await measureApply(sandbox, size.repo.dir, settings.apply);

      log(`${size.label}: plan and apply again, converged`);
      const again = JSON.parse(succeed(await size.cli(['plan', '--format', 'json']), 'plan after apply').stdout) as { actions: unknown[] };
      sandbox.control.clearLog();
      succeed(await size.cli(['apply', '--auto-approve']), 'apply after apply');
      const converged = { planActions: again.actions.length, applyWrites: totalWrites(countCalls(sandbox.control.log())) };

      results.push({
        factor: size.factor,
        shape: size.shape,
        objects: objectCount(size.shape),
        files: size.repo.files,
        yamlBytes: size.repo.bytes,
        changed: workload.changes.size,
        validate: { wallMs: sample(size.validations.map((r) => r.wallMs)), rssBytes: sample(size.validations.map((r) => r.peakRssBytes)) },
        plan: {
          wallMs: sample(size.plans.map((r) => r.wallMs)),
          rssBytes: sample(size.plans.map((r) => r.peakRssBytes)),
          cpuMs: sample(size.plans.map((r) => r.cpuMs)),
        },
        planCalls: size.planCalls!,
        bound: lowerBound(workload),
        planned: planned.get(size)!,
        apply,
        dashboard: dashboards.get(size)!,
        converged,
      });
    }
    return results;
  } finally {
    for (const size of sizes) {
      await closeQuietly(size.sandbox);
      size.repo.remove();
    }
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

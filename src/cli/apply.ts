import { createInterface } from 'node:readline';
import { GuardError } from '../apply/apply-errors.js';
import { applyPlan } from '../apply/apply-plan.js';
import type { ApplyReport } from '../apply/execute.js';
import { lockDir } from '../apply/lock.js';
import type { Plan } from '../plan/index.js';
import { render } from '../render/registry.js';
import { styleFor, type Style } from '../render/style.js';
import { integer, oneOf, parseCommandArgs, switchFlags, valueFlags } from './args.js';
import { ReportedFailure, UsageError } from './cli-errors.js';
import { connect, type Connection } from './connection.js';
import { normalizeSandboxFlag, PLANNING_USAGE, planFromManifests, planFromSavedPlan, planningOptions, runOptionsFromFlags, sandboxOption, targetFlags } from './gather.js';
import { annotatePlanErrors, summarizeApply, summarizePlan } from './github.js';
import { errorFacts, withErrorDocument } from './describe-error.js';
import { EXIT_ERROR, EXIT_OK, type Command, type CommandIO } from './io.js';
import { Progress } from './progress.js';

const USAGE = `Usage: xandr-sync apply [PATH...] [options]
       xandr-sync apply --plan FILE [options]

Plans, shows the plan, and makes the changes in Xandr. On a terminal it asks first; without one it
refuses unless --auto-approve is given. With --plan it applies a plan saved by 'plan --out', refusing
each object that changed in Xandr since that plan was made.

Options:
  --plan FILE            apply this saved plan instead of planning now
  --auto-approve         do not ask (required without a terminal)
  --format text|json     text (default), or json: each action's outcome, for CI to keep
  --max-changes N        refuse before the first write when the plan has more than N changes
  --max-deletes N        refuse before the first write when the plan deletes or deactivates more than N
  --advertiser ID        plan and apply only this advertiser's objects (repeatable)
  --api-url URL          the API to apply to (default XANDR_API_URL, then https://api.appnexus.com)
  --sandbox[=FILE]       apply to the embedded sandbox (default state .xandr-sync/sandbox.json)
${PLANNING_USAGE}

Exit codes: 0 everything applied (or nothing to do), 1 any error, refusal or partial apply.`;

export const applyCommand: Command = {
  summary: 'make the changes in Xandr',
  usage: USAGE,
  async run(io) {
    const { values, positionals } = parseCommandArgs(normalizeSandboxFlag(io.argv), {
      ...valueFlags('plan', 'format', 'max-changes', 'max-deletes'),
      ...switchFlags('auto-approve'),
      ...targetFlags,
    });
    const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
    return withErrorDocument(io.stdout, 'apply', format, async () => {
      const errStyle = styleFor(io.stderr, io.env);
      const outStyle = styleFor(io.stdout, io.env);
      const advertisers = (values.advertiser ?? []).map((a) => integer('advertiser', a, 1)!);
      const guardFlags = {
        max_changes: integer('max-changes', values['max-changes'], 0),
        max_deletes: integer('max-deletes', values['max-deletes'], 0),
      };
      const planning = planningOptions(values);
      const output = { command: 'apply', format, style: errStyle };

      if (values.plan !== undefined && (planning.selection || values['changed-since'] !== undefined)) {
        throw new UsageError('--target, --exclude and --changed-since shape a plan: pass them to the plan that --plan FILE was saved from');
      }
      let plan: Plan;
      let connection: Connection;
      let refused = new Map<string, string>();
      const progress = new Progress(io.stderr, io.clock, !values.quiet);
      try {
        if (values.plan !== undefined) {
          ({ plan, connection, refused } = await planFromSavedPlan(io, values.plan, output, {
            apiUrl: values['api-url'],
            sandbox: sandboxOption(values.sandbox),
            paths: positionals,
            prune: planning.prune,
            allowEmptyPrune: planning.allowEmptyPrune,
            progress,
          }));
        } else {
          ({ plan, connection } = await planFromManifests(io, positionals, output, runOptionsFromFlags(values, planning, advertisers, progress)));
        }
      } finally {
        // The plan is shown whole; progress resumes for the writes.
        progress.done();
      }
      const guards: Plan['guards'] = { ...plan.guards, ...definedOnly(guardFlags) };
      try {
        if (format === 'text') render('plan', 'text', plan, io.stdout, { style: outStyle });
        if (plan.errors.length > 0) {
          // The plan itself carries its errors; it is the document CI can read.
          if (format === 'json') render('plan', 'json', plan, io.stdout);
          annotatePlanErrors(io, plan, 'xandr-sync plan');
          summarizePlan(io, plan, connection.budget.writesPerMinute);
          return EXIT_ERROR;
        }
        for (const [address, reason] of refused) io.stderr.write(errStyle.yellow(`Refusing ${address}: ${reason}\n`));
        if (plan.actions.length === 0) {
          if (format === 'json') render('apply', 'json', { report: emptyReport(), target: plan.target, elapsedMs: 0 }, io.stdout);
          summarizeApply(io, emptyReport(), plan.target);
          return EXIT_OK;
        }

        const started = io.clock.now();
        let report: ApplyReport;
        try {
          report = await run(io, plan, connection, {
            guards,
            refused,
            quiet: values.quiet === true,
            confirm: values['auto-approve'] ? undefined : (p) => confirm(io, p, errStyle),
            command: `xandr-sync apply${values.plan ? ` --plan ${values.plan}` : ''}`,
          });
        } catch (error) {
          if (!(error instanceof GuardError)) throw error;
          for (const v of error.violations) io.stderr.write(errStyle.red(`error: guard: ${v}\n`));
          io.stderr.write('Nothing was written to Xandr.\n');
          if (format === 'json') render('error', 'json', { command: 'apply', error: errorFacts(error) }, io.stdout);
          throw new ReportedFailure(EXIT_ERROR);
        }
        render('apply', format, { report, target: plan.target, elapsedMs: io.clock.now() - started }, io.stdout, { style: outStyle });
        summarizeApply(io, report, plan.target);
        return report.ok ? EXIT_OK : EXIT_ERROR;
      } finally {
        await connection.close();
      }
    });
  },
};

interface RunOptions {
  guards: Plan['guards'];
  refused: Map<string, string>;
  quiet: boolean;
  confirm?: (plan: Plan) => Promise<void>;
  command: string;
}

async function run(io: CommandIO, plan: Plan, connection: Connection, options: RunOptions): Promise<ApplyReport> {
  const progress = new Progress(io.stderr, io.clock, !options.quiet);
  progress.phase('Applying');
  connection.observe((event) => progress.observe(event));
  let failed = 0;
  try {
    return await applyPlan({
      plan,
      client: connection.client,
      guards: options.guards,
      lockKey: connection.lockKey,
      lockDir: lockDir(io.env),
      command: options.command,
      confirm: options.confirm,
      refused: options.refused,
      signal: io.stopSignal,
      onOutcome: (outcome, { finished, total }) => {
        if (outcome.status === 'failed') failed++;
        progress.applied(finished, total, failed);
      },
    });
  } finally {
    progress.done();
    connection.observe(null);
  }
}

async function confirm(io: CommandIO, plan: Plan, style: Style): Promise<void> {
  if (!io.stdin.isTTY) {
    io.stderr.write(style.red('error: refusing to apply without a terminal to confirm on; review the plan and pass --auto-approve\n'));
    throw new ReportedFailure(EXIT_ERROR);
  }
  const where = plan.target.kind === 'sandbox' ? 'the embedded sandbox' : `${plan.target.api_url} (member ${plan.target.member_id})`;
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  const answer = await new Promise<string>((done) => rl.question(`\nApply ${plan.actions.length} change(s) to ${where}? Only 'yes' is accepted: `, done));
  rl.close();
  if (answer.trim() !== 'yes') {
    io.stderr.write('Apply cancelled; nothing was written to Xandr.\n');
    throw new ReportedFailure(EXIT_ERROR);
  }
}

function emptyReport(): ApplyReport {
  return { outcomes: [], done: 0, failed: 0, skipped: 0, ok: true };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatsOf, render, renderToString } from '../render/registry.js';
import { styleFor } from '../render/style.js';
import { integer, oneOf, parseCommandArgs, switchFlags, valueFlags } from './args.js';
import { FileError, fsReason } from './cli-errors.js';
import { normalizeSandboxFlag, PLANNING_USAGE, planFromManifests, planningOptions, runOptionsFromFlags, targetFlags } from './gather.js';
import { annotatePlanErrors, postPlanComment, preparePlanComment, summarizePlan } from './github.js';
import { withErrorDocument } from './describe-error.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type Command } from './io.js';
import { Progress } from './progress.js';
import { redactor } from './redact.js';

const USAGE = `Usage: xandr-sync plan [PATH...] [options]

Reads the manifests and the live state in Xandr and shows what apply would change. Writes nothing.

Options:
  --format text|markdown|json   output format (default text)
  --out FILE                    also save the plan as JSON, for 'apply --plan FILE'
  --detailed-exitcode           exit 2 when there are changes, 0 when there are none
  --comment                     create or update this target's plan comment on the pull request (GitHub Actions:
                                GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH; see docs/github.md)
  --advertiser ID               plan only this advertiser's objects (repeatable; a shard)
  --api-url URL                 the API to plan against (default XANDR_API_URL, then https://api.appnexus.com)
  --sandbox[=FILE]              plan against the embedded sandbox (default state .xandr-sync/sandbox.json)
${PLANNING_USAGE}

Exit codes: 0 success, 1 error, 2 changes present (with --detailed-exitcode).`;

export const planCommand: Command = {
  summary: 'show what would change in Xandr',
  usage: USAGE,
  async run(io) {
    const { values, positionals } = parseCommandArgs(normalizeSandboxFlag(io.argv), {
      ...valueFlags('format', 'out'),
      ...switchFlags('detailed-exitcode', 'comment'),
      ...targetFlags,
    });
    const format = oneOf('format', values.format, formatsOf('plan'), 'text');
    const advertisers = (values.advertiser ?? []).map((a) => integer('advertiser', a, 1)!);
    const pullRequest = values.comment ? preparePlanComment(io) : null;
    // Until the plan is printed, a failure prints the error document instead; after, stdout has its document.
    const { plan, writesPerMinute } = await withErrorDocument(io.stdout, 'plan', format, async () => {
      const output = { command: 'plan', format, style: styleFor(io.stderr, io.env) };
      const planning = planningOptions(values);
      const progress = new Progress(io.stderr, io.clock, !values.quiet);
      const options = runOptionsFromFlags(values, planning, advertisers, progress);
      const { connection, plan } = await planFromManifests(io, positionals, output, options).finally(() => progress.done());
      await connection.close();

      const writesPerMinute = connection.budget.writesPerMinute;
      render('plan', format, plan, io.stdout, { style: styleFor(io.stdout, io.env), writesPerMinute });

      // Like terraform, a plan with errors is not saved: there is nothing it could apply.
      if (values.out && plan.errors.length === 0) {
        try {
          writeFileSync(resolve(io.cwd, values.out), redactor.redact(renderToString('plan', 'json', redactor.redactDeep(plan))), { mode: 0o600 });
        } catch (error) {
          throw new FileError(`cannot write the saved plan ${values.out}: ${fsReason(error)}`);
        }
        io.stderr.write(`Saved the plan to ${values.out}. See it again with 'xandr-sync show ${values.out}'; apply exactly this plan with 'xandr-sync apply --plan ${values.out}'.\n`);
      }
      return { plan, writesPerMinute };
    });
    annotatePlanErrors(io, plan, 'xandr-sync plan');
    summarizePlan(io, plan, writesPerMinute);
    if (pullRequest) await postPlanComment(io, pullRequest, plan, { writesPerMinute, advertisers });
    if (plan.errors.length > 0) return EXIT_ERROR;
    if (values['detailed-exitcode'] && plan.actions.length > 0) return EXIT_CHANGES;
    return EXIT_OK;
  },
};

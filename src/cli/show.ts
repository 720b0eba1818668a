import { resolve } from 'node:path';
import { readSavedPlan } from '../apply/saved-plan.js';
import { formatsOf, render } from '../render/registry.js';
import { styleFor } from '../render/style.js';
import { oneOf, parseCommandArgs } from './args.js';
import { UsageError } from './cli-errors.js';
import { withErrorDocument } from './describe-error.js';
import { EXIT_OK, type Command } from './io.js';

const USAGE = `Usage: xandr-sync show FILE [--format text|markdown|json]

Shows a plan saved by 'plan --out FILE', as plan would have printed it: text (default), markdown (for a pull
request or a chat), or json. Reads only the file: no credentials, no connection to Xandr.`;

export const showCommand: Command = {
  summary: 'show a saved plan',
  usage: USAGE,
  async run(io) {
    const { values, positionals } = parseCommandArgs(io.argv, { format: { type: 'string' } });
    const format = oneOf('format', values.format, formatsOf('plan'), 'text');
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the saved plan: xandr-sync show FILE' : 'show takes one FILE');
    return withErrorDocument(io.stdout, 'show', format, async () => {
      const plan = readSavedPlan(resolve(io.cwd, positionals[0]!));
      render('plan', format, plan, io.stdout, { style: styleFor(io.stdout, io.env) });
      return EXIT_OK;
    });
  },
};

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { acceptDriftEdits } from '../import/drift-edits.js';
import { EditError, editValues } from '../manifest/edit-values.js';
import { styleFor } from '../render/style.js';
import { driftText } from '../render/values.js';
import { inertInline } from '../core/inert.js';
import { parseCommandArgs } from './args.js';
import { FileError, fsReason } from './cli-errors.js';
import { normalizeSandboxFlag, planFromManifests, planningOptions, sandboxOption } from './gather.js';
import { EXIT_ERROR, EXIT_OK, type Command } from './io.js';
import { Progress } from './progress.js';

const USAGE = `Usage: xandr-sync accept-drift [PATH...] [options]

Writes the live values of drifted managed fields back into the manifests, in place: only those values change;
comments, key order, quoting and everything else in the files stay byte for byte. The next plan then shows no
change for those objects. Objects missing from Xandr are not accepted (their manifests stay), nor are prune
candidates. Reads Xandr; writes nothing to it. Review the result with git diff.

Options:
  --target ADDRESS   accept only the drift of these objects (repeatable; globs: 'Segment/acme-*')
  --exclude ADDRESS  leave these objects' drift alone (repeatable; globs)
  --api-url URL      the API to read (default XANDR_API_URL, then https://api.appnexus.com)
  --sandbox[=FILE]   read the embedded sandbox
  --quiet            no progress lines on stderr

Exit codes: 0 done (also when there was nothing to accept), 1 error (nothing is written then).`;

export const acceptDriftCommand: Command = {
  summary: 'write drifted live values back into the manifests',
  usage: USAGE,
  async run(io) {
    const { values, positionals } = parseCommandArgs(normalizeSandboxFlag(io.argv), {
      target: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      'api-url': { type: 'string' },
      sandbox: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const style = styleFor(io.stderr, io.env);
    const progress = new Progress(io.stderr, io.clock, !values.quiet);
    const { selection } = planningOptions({ target: values.target, exclude: values.exclude });
    const { connection, plan, input } = await planFromManifests(io, positionals, { command: 'accept-drift', format: 'text', style }, {
      apiUrl: values['api-url'],
      sandbox: sandboxOption(values.sandbox),
      prune: 'none',
      selection,
      progress,
    }).finally(() => progress.done());
    await connection.close();
    const write = (line: string) => io.stdout.write(`${line}\n`);
    if (plan.errors.length > 0) {
      io.stderr.write(style.red(`The plan has ${plan.errors.length} error(s); run 'xandr-sync plan' to see them. No manifest was changed.\n`));
      return EXIT_ERROR;
    }

    const { objects, skipped } = acceptDriftEdits(plan, input.desired, input.live);
    // Every file is edited in memory first: a file that cannot be edited leaves every file as it was.
    const texts = new Map<string, { before: string; after: string; addresses: string[] }>();
    const refused: string[] = [...skipped];
    for (const object of objects) {
      const path = resolve(io.cwd, object.file);
      let entry = texts.get(path);
      if (!entry) {
        let before: string;
        try {
          before = readFileSync(path, 'utf8');
        } catch (error) {
          throw new FileError(`cannot read ${object.file}: ${fsReason(error)}`);
        }
        entry = { before, after: before, addresses: [] };
        texts.set(path, entry);
      }
      try {
        entry.after = editValues(entry.after, object.edits);
        entry.addresses.push(object.address);
      } catch (error) {
        if (!(error instanceof EditError)) throw error;
        refused.push(`${object.address}: ${error.message}; edit ${object.file} by hand`);
      }
    }
    const byAddress = new Map(plan.actions.map((a) => [a.address, a]));
    for (const [path, entry] of texts) {
      if (entry.after === entry.before) continue;
      try {
        writeFileSync(path, entry.after);
      } catch (error) {
        throw new FileError(`cannot write ${path}: ${fsReason(error)}`);
      }
      const shown = objects.find((o) => resolve(io.cwd, o.file) === path)!.file;
      write(`wrote ${inertInline(shown)}: accepted the live values of ${entry.addresses.length} object${entry.addresses.length === 1 ? '' : 's'}`);
      for (const address of entry.addresses) {
        const drift = byAddress.get(address)?.drift;
        write(`  ~ ${inertInline(address)}${drift ? `  (${inertInline(driftText(drift))})` : ''}`);
      }
    }
    const accepted = [...texts.values()].reduce((n, e) => n + (e.after === e.before ? 0 : e.addresses.length), 0);
    for (const reason of refused) io.stderr.write(style.yellow(`not accepted: ${inertInline(reason)}\n`));
    if (accepted === 0) write(refused.length ? 'Nothing was accepted (see above).' : 'No drift to accept: Xandr matches the manifests in every managed field.');
    else write(`Accepted ${accepted} object${accepted === 1 ? '' : 's'}. Review with 'git diff'; the next plan shows no change for them.`);
    return EXIT_OK;
  },
};

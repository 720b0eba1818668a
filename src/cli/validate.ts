import { loadManifests } from '../manifest/index.js';
import { formatsOf, render } from '../render/registry.js';
import { styleFor } from '../render/style.js';
import { oneOf, parseCommandArgs } from './args.js';
import { EXIT_ERROR, EXIT_OK, type Command } from './io.js';

export const validateCommand: Command = {
  summary: 'check manifests offline (schema, references)',
  usage: [
    'Usage: xandr-sync validate [PATH...] [--format text|json|github]',
    '',
    'Checks manifests without contacting Xandr: YAML, the schemas, names and references between documents.',
    'PATH defaults to the current directory; directories are searched with the globs of xandr-sync.yaml.',
    'Every problem is reported, as file:line:column, in one run.',
    '',
    'Options:',
    '  --format text     one line per problem and a summary (default)',
    '  --format json     { valid, summary, diagnostics[] }',
    '  --format github   GitHub Actions annotations on the lines at fault',
    '',
    'Exit status: 0 when valid (warnings allowed), 1 otherwise.',
  ].join('\n'),
  async run(io) {
    const { values, positionals } = parseCommandArgs(io.argv, { format: { type: 'string' } });
    const format = oneOf('format', values.format, formatsOf('diagnostics'), 'text');
    const result = await loadManifests(positionals, { cwd: io.cwd });
    const { diagnostics, desired } = result;
    const summary = {
      files: result.files.length,
      segments: desired.segments.length,
      pixels: desired.pixels.length,
      bindings: desired.bindings.length,
    };
    render('diagnostics', format, { diagnostics, summary, root: result.root }, io.stdout, { style: styleFor(io.stdout, io.env) });
    return diagnostics.some((d) => d.severity === 'error') ? EXIT_ERROR : EXIT_OK;
  },
};

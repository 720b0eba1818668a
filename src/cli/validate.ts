import { loadManifests } from '../manifest/index.js';
import { renderDiagnosticsGithub, renderDiagnosticsJson, renderDiagnosticsText } from '../render/diagnostics.js';
import { oneOf, parseCommandArgs } from './args.js';
import { EXIT_ERROR, EXIT_OK, type Command } from './io.js';
import { styleFor } from '../render/style.js';

const FORMATS = ['text', 'json', 'github'] as const;

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
    const format = oneOf('format', values.format, FORMATS, 'text');
    const result = await loadManifests(positionals, { cwd: io.cwd });
    const { diagnostics, desired } = result;
    const summary = {
      files: result.files.length,
      segments: desired.segments.length,
      pixels: desired.pixels.length,
      bindings: desired.bindings.length,
    };
    if (format === 'json') io.stdout.write(renderDiagnosticsJson(diagnostics, { ...summary, root: result.root }));
    else if (format === 'github') io.stdout.write(renderDiagnosticsGithub(diagnostics));
    else io.stdout.write(renderDiagnosticsText(diagnostics, summary, styleFor(io.stdout, io.env)));
    return diagnostics.some((d) => d.severity === 'error') ? EXIT_ERROR : EXIT_OK;
  },
};

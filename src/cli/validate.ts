import { loadManifests } from '../manifest/index.js';
import { DEFAULT_API_URL } from '../xandr/endpoint.js';
import { formatsOf, render } from '../render/registry.js';
import { styleFor } from '../render/style.js';
import { oneOf, parseCommandArgs } from './args.js';
import { EXIT_ERROR, EXIT_OK, type Command } from './io.js';

export const validateCommand: Command = {
  summary: 'check manifests offline (schema, references)',
  usage: [
    'Usage: xandr-sync validate [PATH...] [--format text|json|github] [--api-url URL]',
    '',
    'Checks manifests without contacting Xandr: YAML, the schemas, names and references between documents.',
    'PATH defaults to the current directory; directories are searched with the globs of xandr-sync.yaml.',
    'Every problem is reported, as file:line:column, in one run.',
    '',
    'Options:',
    '  --format text     one line per problem and a summary (default)',
    '  --format json     { valid, summary, diagnostics[] }',
    '  --format github   GitHub Actions annotations on the lines at fault',
    '  --api-url URL     where credentials will go (default XANDR_API_URL, then https://api.appnexus.com):',
    '                    an api_url in xandr-sync.yaml that differs from it is an error (untrusted-api-url)',
    '',
    'Exit status: 0 when valid (warnings allowed), 1 otherwise.',
  ].join('\n'),
  async run(io) {
    const { values, positionals } = parseCommandArgs(io.argv, { format: { type: 'string' }, 'api-url': { type: 'string' } });
    const format = oneOf('format', values.format, formatsOf('diagnostics'), 'text');
    // Offline, but the trust rule still holds: an api_url that is not where this operator sends credentials is an error.
    const result = await loadManifests(positionals, { cwd: io.cwd, operatorApiUrl: values['api-url'] ?? io.env.XANDR_API_URL ?? DEFAULT_API_URL });
    const { diagnostics, desired } = result;
    const summary = {
      files: result.files.length,
      segments: desired.segments.length,
      pixels: desired.pixels.length,
      bindings: desired.bindings.length,
      targeting: desired.targeting.length,
    };
    render('diagnostics', format, { diagnostics, summary, root: result.root }, io.stdout, { style: styleFor(io.stdout, io.env) });
    return diagnostics.some((d) => d.severity === 'error') ? EXIT_ERROR : EXIT_OK;
  },
};

import { readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { systemClock } from '../core/clock.js';
import { UsageError } from './cli-errors.js';
import { describeError, exitCodeOf, isReported } from './describe-error.js';
import { EXIT_ERROR, EXIT_OK, type Command, type CommandIO } from './io.js';
import { redactor } from './redact.js';

/** Commands load lazily so that `xandr-sync validate` does not pay for undici or the sandbox. */
const commands: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.js')).validateCommand,
  plan: async () => (await import('./plan.js')).planCommand,
  apply: async () => (await import('./apply.js')).applyCommand,
  sync: async () => (await import('./sync.js')).syncCommand,
  import: async () => (await import('./import.js')).importCommand,
  sandbox: async () => (await import('./sandbox.js')).sandboxCommand,
  login: async () => (await import('./login.js')).loginCommand,
  show: async () => (await import('./show.js')).showCommand,
  'accept-drift': async () => (await import('./accept-drift.js')).acceptDriftCommand,
};

/** The version users installed: package.json's, read once (dist/cli/main.js and src/cli/main.ts sit two levels down). */
const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function helpText(): string {
  return [
    'xandr-sync: keep Xandr segments, conversion pixels, and line items\' pixels and segment targeting equal to YAML in git',
    '',
    'Usage: xandr-sync <command> [options]',
    '',
    'Commands:',
    '  validate [PATH...]   check manifests offline (schema, references)',
    '  plan [PATH...]       show what would change in Xandr',
    '  apply [PATH...]      make the changes (or apply --plan FILE)',
    '  sync                 the scheduled job: pull a repository, repair or report drift',
    '  import               write manifests for live objects, to adopt an existing account',
    '  sandbox              run the Xandr API emulator on 127.0.0.1',
    '  show FILE            show a plan saved by plan --out',
    '  accept-drift         write drifted live values back into the manifests',
    '  login                log in once and write the token to a file, for CI jobs to share',
    '',
    "Run 'xandr-sync <command> --help' for a command's options.",
    'With no XANDR_USERNAME/XANDR_PASSWORD set, commands run against an embedded sandbox.',
  ].join('\n');
}

export async function main(argv: string[], io?: Partial<CommandIO>): Promise<number> {
  const controller = new AbortController();
  // Injected streams (tests, embedding) get the same last line of defence as the process's own.
  const stdout = redactor.wrap(io?.stdout ?? process.stdout);
  const stderr = redactor.wrap(io?.stderr ?? process.stderr);
  const ownsProcess = io === undefined;
  const onSignal = () => controller.abort();
  if (ownsProcess) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const [name, ...rest] = argv;
  let code: number;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? rest[0] : undefined;
      if (topic && commands[topic]) {
        stdout.write(`${(await commands[topic]()).usage}\n`);
      } else {
        stdout.write(`${helpText()}\n`);
      }
      code = name === undefined ? EXIT_ERROR : EXIT_OK;
    } else if (name === '--version' || name === '-V') {
      stdout.write(`${VERSION}\n`);
      code = EXIT_OK;
    } else {
      const load = commands[name];
      if (!load) throw new UsageError(`unknown command '${name}'`);
      const command = await load();
      if (rest.includes('--help') || rest.includes('-h')) {
        stdout.write(`${command.usage}\n`);
        code = EXIT_OK;
      } else {
        code = await command.run({
          argv: rest,
          stdout,
          stderr,
          stdin: io?.stdin ?? process.stdin,
          env: io?.env ?? process.env,
          cwd: io?.cwd ?? process.cwd(),
          stopSignal: io?.stopSignal ?? controller.signal,
          clock: io?.clock ?? systemClock,
        });
      }
    }
  } catch (error) {
    if (!isReported(error)) stderr.write(`${describeError(error, name && commands[name] ? `xandr-sync ${name} --help` : 'xandr-sync --help')}\n`);
    code = exitCodeOf(error);
  } finally {
    if (ownsProcess) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  await Promise.all([flush(stdout), flush(stderr)]);
  return code;
}

/** Everything written has passed the filter and reached the target when this resolves. */
async function flush(stream: Writable): Promise<void> {
  stream.end();
  await finished(stream).catch(() => undefined);
}

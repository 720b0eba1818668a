import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { EXIT_ERROR, EXIT_OK, UsageError, type Command, type CommandIO, type ReportedFailure } from './io.js';
import { redactor } from './redact.js';

/** Commands load lazily so that `xandr-sync validate` does not pay for undici or simple-git. */
const commands: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.js')).validateCommand,
  plan: async () => (await import('./plan.js')).planCommand,
  apply: async () => (await import('./apply.js')).applyCommand,
  sync: async () => (await import('./sync.js')).syncCommand,
  import: async () => (await import('./import.js')).importCommand,
  sandbox: async () => (await import('./sandbox.js')).sandboxCommand,
};

const VERSION = '0.1.0';

function helpText(): string {
  return [
    'xandr-sync: keep Xandr segments, conversion pixels and line-item pixels equal to YAML in git',
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
    '',
    "Run 'xandr-sync <command> --help' for a command's options.",
    'With no XANDR_USERNAME/XANDR_PASSWORD set, commands run against an embedded sandbox.',
  ].join('\n');
}

export async function main(argv: string[], io?: Partial<CommandIO>): Promise<number> {
  const controller = new AbortController();
  const stdout = io?.stdout ?? redactor.wrap(process.stdout);
  const stderr = io?.stderr ?? redactor.wrap(process.stderr);
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
        });
      }
    }
  } catch (error) {
    if (isReported(error)) {
      code = error.exitCode;
    } else {
      stderr.write(`${describeError(error, name)}\n`);
      code = EXIT_ERROR;
    }
  } finally {
    if (ownsProcess) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  if (ownsProcess) await Promise.all([flush(stdout), flush(stderr)]);
  return code;
}

/** The one place that turns an error into words for a person. */
export function describeError(error: unknown, command?: string): string {
  if (error instanceof Error && (error as { code?: unknown }).code === 'USAGE') {
    const hint = command && commands[command] ? `xandr-sync ${command} --help` : 'xandr-sync --help';
    return `error: ${error.message}\nRun '${hint}' for usage.`;
  }
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    const hint = (error as { hint?: unknown }).hint;
    return `error: ${error.message}${typeof hint === 'string' ? `\nhint: ${hint}` : ''}`;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [
    'internal error: this is a bug in xandr-sync, not in your configuration.',
    'Please report it with the command you ran and this output:',
    detail,
  ].join('\n');
}

/**
 * Checked by `code`, not instanceof: a command module loaded through another module graph (tsx in tests,
 * two copies of the package) has its own class objects.
 */
function isReported(error: unknown): error is ReportedFailure {
  return error instanceof Error && (error as { code?: unknown }).code === 'REPORTED' && typeof (error as ReportedFailure).exitCode === 'number';
}

async function flush(stream: Writable): Promise<void> {
  if (stream === process.stdout || stream === process.stderr) return;
  stream.end();
  await finished(stream).catch(() => undefined);
}

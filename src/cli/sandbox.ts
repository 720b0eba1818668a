import { integer, oneOf, parseCommandArgs, switchFlags, valueFlags } from './args.js';
import { UsageError } from './cli-errors.js';
import { EXIT_OK, type Command, type CommandIO } from './io.js';
import { startSandbox, type FaultRule, type SandboxOptions, type SandboxUser } from '../sandbox/index.js';

const usage = `Usage: xandr-sync sandbox [options]

Runs the Xandr API emulator until SIGINT/SIGTERM (docs/sandbox.md).

Options:
  --port N              port to listen on (default 0: any free port)
  --host H              address to bind (default 127.0.0.1; anything else is reachable from the network)
  --state FILE          keep the state in FILE (written atomically after every write); default: memory only
  --empty               start with no advertisers, line items, pixels or segments
  --errors DIALECT      modern (default: 4xx/5xx statuses) or legacy (every error is HTTP 200)
  --shapes SHAPES       sandbox (default) or documented (answer in the shapes Xandr's own articles show)
  --user NAME:PASSWORD  a user of member 958 (repeatable; default sandbox:sandbox)
  --read-limit N        GET requests per user per window (default 1000)
  --write-limit N       POST/PUT/DELETE requests per user per window (default 60)
  --window SECONDS      the rate-limit window (default 60)
  --max-in-flight N     concurrent requests per user (default 15)
  --token-idle SECONDS  idle time after which a token expires (default 7200)
  --token-lifetime SECONDS  time after login at which a token expires however it is used (default 86400)
  --ignore-modified-filter  ignore min_/max_last_modified on GET, as a service without the filter would
  --refuse-change-log   answer /change-log and /change-log-detail with UNAUTH (a user type that may not read it)
  --latency MS|MIN-MAX  added to every API request
  --fail-rate R         fraction (0..1) of API requests answered with --fail-status (default 503)
  --fail-status S       status for --fail-rate
  --reset-rate R        fraction of API requests whose connection is reset before processing
  --lose-rate R         fraction of API requests processed whose response is then lost
  --seed N              seed for fault rates and latency (reproducible runs)`;

export const sandboxCommand: Command = {
  summary: 'run the Xandr API emulator on 127.0.0.1',
  usage,
  async run(io: CommandIO): Promise<number> {
    const options = sandboxOptions(io.argv);
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host)) {
      io.stderr.write(`warning: the sandbox listens on ${host} and is reachable from the network; it has no real security\n`);
    }
    const sandbox = await startSandbox(options);
    io.stdout.write(`listening on ${sandbox.url}\n`);
    await new Promise<void>((resolve) => {
      if (io.stopSignal.aborted) resolve();
      else io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    await sandbox.close();
    return EXIT_OK;
  },
};

/** The flags as SandboxOptions; every mistake is a UsageError naming the flag. */
export function sandboxOptions(argv: string[]): SandboxOptions {
  const { values } = parseCommandArgs(
    argv,
    {
      ...valueFlags(
        'port', 'host', 'state', 'errors', 'shapes', 'read-limit', 'write-limit', 'window', 'max-in-flight',
        'token-idle', 'token-lifetime', 'latency', 'fail-rate', 'fail-status', 'reset-rate', 'lose-rate',
        'seed',
      ),
      ...switchFlags('empty', 'ignore-modified-filter', 'refuse-change-log'),
      user: { type: 'string', multiple: true },
    },
    false,
  );
  const options: SandboxOptions = {
    port: integer('port', values.port, 0, 65535) ?? 0,
    dialect: oneOf('errors', values.errors, ['modern', 'legacy'] as const, 'modern'),
  };
  if (values.shapes !== undefined) options.shapes = oneOf('shapes', values.shapes, ['sandbox', 'documented'] as const, 'sandbox');
  if (values.host !== undefined) options.host = values.host;
  if (values.state !== undefined) options.statePath = values.state;
  if (values.empty) options.empty = true;
  if (values.user?.length) options.users = values.user.map(parseUser);
  const limits: NonNullable<SandboxOptions['limits']> = {};
  const reads = integer('read-limit', values['read-limit'], 1);
  const writes = integer('write-limit', values['write-limit'], 1);
  const window = integer('window', values.window, 1);
  const inFlight = integer('max-in-flight', values['max-in-flight'], 1);
  if (reads !== undefined) limits.reads = reads;
  if (writes !== undefined) limits.writes = writes;
  if (window !== undefined) limits.windowMs = window * 1000;
  if (inFlight !== undefined) limits.maxInFlight = inFlight;
  if (Object.keys(limits).length) options.limits = limits;
  const idle = integer('token-idle', values['token-idle'], 1);
  if (idle !== undefined) options.tokenIdleMs = idle * 1000;
  const lifetime = integer('token-lifetime', values['token-lifetime'], 1);
  if (lifetime !== undefined) options.tokenLifetimeMs = lifetime * 1000;
  if (values['ignore-modified-filter']) options.ignoreModifiedFilter = true;
  if (values['refuse-change-log']) options.refuseChangeLog = true;
  if (values.latency !== undefined) options.latency = parseLatency(values.latency);
  const seed = integer('seed', values.seed, 0, 2 ** 32 - 1);
  if (seed !== undefined) options.seed = seed;
  const faults: FaultRule[] = [];
  const resetRate = rate('reset-rate', values['reset-rate']);
  const loseRate = rate('lose-rate', values['lose-rate']);
  const failRate = rate('fail-rate', values['fail-rate']);
  const failStatus = integer('fail-status', values['fail-status'], 400, 599);
  if (failStatus !== undefined && failRate === undefined) throw new UsageError('--fail-status needs --fail-rate');
  if (resetRate) faults.push({ action: 'reset', rate: resetRate });
  if (loseRate) faults.push({ action: 'lose', rate: loseRate });
  if (failRate) faults.push({ action: 'error', rate: failRate, status: failStatus ?? 503 });
  if (faults.length) options.faults = faults;
  return options;
}

function parseUser(text: string): SandboxUser {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--user must be NAME:PASSWORD (got '${at > 0 ? text.slice(0, at) + ':' : text}')`);
  return { username: text.slice(0, at), password: text.slice(at + 1) };
}

function parseLatency(text: string): { minMs: number; maxMs: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new UsageError(`--latency must be MS or MIN-MAX in milliseconds (got '${text}')`);
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  if (maxMs < minMs) throw new UsageError(`--latency: MAX must not be below MIN (got '${text}')`);
  return { minMs, maxMs };
}

function rate(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${flag} must be a number from 0 to 1 (got '${text}')`);
  return n;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

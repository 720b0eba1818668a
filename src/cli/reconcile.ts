import { relative, resolve } from 'node:path';
import { planAgainstLive } from '../apply/reconcile.js';
import { describeWorktree } from '../git/worktree.js';
import { loadManifests } from '../manifest/index.js';
import type { LoadResult } from '../manifest/types.js';
import { formatDiagnostic } from '../render/diagnostics.js';
import type { Plan } from '../plan/index.js';
import { systemClock } from '../xandr/clock.js';
import { ReportedFailure, type CommandIO } from './io.js';
import { Progress } from './progress.js';
import type { Style } from '../render/style.js';
import { connect, type Connection } from './target.js';

/** Flags shared by plan and apply. */
export const targetFlags = {
  'api-url': { type: 'string' },
  sandbox: { type: 'string' },
  advertiser: { type: 'string', multiple: true },
} as const;

/**
 * `--sandbox` alone means the default state file; `--sandbox=FILE` names one. node:util's parseArgs has no
 * optional values, so a bare flag is rewritten before parsing.
 */
export function normalizeSandboxFlag(argv: string[]): string[] {
  return argv.map((arg) => (arg === '--sandbox' ? '--sandbox=' : arg));
}

export function sandboxOption(value: string | undefined): string | boolean | undefined {
  if (value === undefined) return undefined;
  return value === '' ? true : value;
}

/** Loads and validates manifests; any error is printed (all of them) and ends the command with exit 1. */
export async function loadOrFail(io: CommandIO, paths: string[], style: Style): Promise<LoadResult> {
  const load = await loadManifests(paths.length ? paths : ['.'], { cwd: io.cwd });
  const errors = load.diagnostics.filter((d) => d.severity === 'error');
  for (const d of load.diagnostics) io.stderr.write(`${formatDiagnostic(d, style)}\n`);
  if (errors.length > 0) {
    io.stderr.write(style.red(`${errors.length} error${errors.length === 1 ? '' : 's'} in the manifests: nothing was planned and nothing was written to Xandr.\n`));
    throw new ReportedFailure(1);
  }
  return load;
}

export interface PlanRunOptions {
  apiUrl?: string;
  sandbox?: string | boolean;
  advertisers?: number[];
  /** Progress on stderr (off for machine formats). */
  progress: boolean;
}

/** Loads, connects, reads the live state and plans. The caller closes the connection. */
export async function planFromManifests(io: CommandIO, paths: string[], style: Style, options: PlanRunOptions): Promise<{ load: LoadResult; connection: Connection; plan: Plan }> {
  const load = await loadOrFail(io, paths, style);
  const progress = new Progress(io.stderr, systemClock, options.progress);
  let reads = 0;
  const connection = await connect(io, {
    apiUrl: options.apiUrl,
    sandbox: options.sandbox,
    config: load.config,
    onEvent: (event) => {
      if (event.type === 'request' && event.method === 'GET') progress.update('Reading live state', ++reads, null);
    },
  });
  try {
    const git = await describeWorktree(io.cwd, load.files);
    const plan = await planAgainstLive({
      load,
      client: connection.client,
      target: connection.target,
      source: { paths: (paths.length ? paths : ['.']).map((p) => relative(io.cwd, resolve(io.cwd, p)) || '.'), git },
      advertisers: options.advertisers,
      signal: io.stopSignal,
      now: () => new Date(),
    });
    progress.done();
    return { load, connection, plan };
  } catch (error) {
    progress.done();
    await connection.close();
    throw error;
  }
}

import { relative, resolve } from 'node:path';
import { describeWorktree } from '../git/worktree.js';
import { loadManifests } from '../manifest/index.js';
import type { LoadResult, PruneMode } from '../manifest/types.js';
import { buildPlan, type Plan, type Selection } from '../plan/index.js';
import { readPlanInput } from '../read/plan-input.js';
import { formatDiagnostic, renderAnnotationsGithub } from '../render/diagnostics.js';
import { render } from '../render/registry.js';
import type { Style } from '../render/style.js';
import { oneOf } from './args.js';
import { ReportedFailure, UsageError } from './cli-errors.js';
import { connect, type Connection } from './connection.js';
import type { CommandIO } from './io.js';
import { Progress } from './progress.js';

/** Flags shared by plan and apply. */
export const targetFlags = {
  'api-url': { type: 'string' },
  sandbox: { type: 'string' },
  advertiser: { type: 'string', multiple: true },
  prune: { type: 'string' },
  'allow-empty-prune': { type: 'boolean' },
  target: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

/** Usage lines for the prune and selection flags, shared by plan and apply. */
export const PLANNING_USAGE = `  --prune none|deactivate|delete  remove objects whose manifest is gone (default: prune in xandr-sync.yaml, else none)
  --allow-empty-prune   let prune remove every segment or pixel of an advertiser the manifests declare none of
  --target ADDRESS      plan only these changes and what they need (repeatable; globs: 'Segment/acme-*')
  --exclude ADDRESS     leave these changes out, and what needs them (repeatable; globs)`;

interface PlanningOptions {
  prune?: PruneMode;
  allowEmptyPrune?: boolean;
  selection?: Selection;
}

/** The prune and selection flags as PlanRunOptions. */
export function planningOptions(values: { prune?: string; 'allow-empty-prune'?: boolean; target?: string[]; exclude?: string[] }): PlanningOptions {
  const targets = values.target ?? [];
  const excludes = values.exclude ?? [];
  for (const pattern of [...targets, ...excludes]) if (pattern.trim() === '') throw new UsageError('--target and --exclude need an address or glob');
  return {
    prune: values.prune === undefined ? undefined : oneOf('prune', values.prune, ['none', 'deactivate', 'delete'] as const, 'none'),
    allowEmptyPrune: values['allow-empty-prune'] || undefined,
    selection: targets.length || excludes.length ? { targets, excludes } : undefined,
  };
}

/** Whether any prune or selection flag was given (they make no sense with a saved plan). */
export function hasPlanningFlags(options: PlanningOptions): boolean {
  return options.prune !== undefined || options.allowEmptyPrune !== undefined || options.selection !== undefined;
}

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

/** Where a command's results go: its name (for error documents) and the format its stdout is in. */
interface CommandOutput {
  command: string;
  format: string;
  /** For messages on stderr. */
  style: Style;
}

/**
 * Loads and validates manifests. Any error is printed, all of them, on stderr (as annotations in GitHub
 * Actions); a machine format also gets its error document on stdout, so CI has something to parse or post.
 * Then the command ends with exit 1: validation is all or nothing.
 */
async function loadOrFail(io: CommandIO, paths: string[], output: CommandOutput): Promise<LoadResult> {
  const load = await loadManifests(paths.length ? paths : ['.'], { cwd: io.cwd });
  const errors = load.diagnostics.filter((d) => d.severity === 'error');
  // In GitHub Actions the problems become annotations on the lines at fault (at most 10, then plain lines).
  if (io.env.GITHUB_ACTIONS === 'true') io.stderr.write(renderAnnotationsGithub(load.diagnostics, { command: 'xandr-sync validate' }));
  else for (const d of load.diagnostics) io.stderr.write(`${formatDiagnostic(d, output.style)}\n`);
  if (errors.length > 0) {
    io.stderr.write(output.style.red(`${errors.length} error${errors.length === 1 ? '' : 's'} in the manifests: nothing was planned and nothing was written to Xandr.\n`));
    if (output.format === 'json' || output.format === 'markdown') {
      render('error', output.format, { command: output.command, error: null, diagnostics: load.diagnostics }, io.stdout);
    }
    throw new ReportedFailure(1);
  }
  return load;
}

interface PlanRunOptions extends PlanningOptions {
  apiUrl?: string;
  sandbox?: string | boolean;
  advertisers?: number[];
  /** Progress on stderr (off for machine formats). */
  progress: boolean;
}

/** Loads, connects, reads the live state and plans. The caller closes the connection. */
export async function planFromManifests(
  io: CommandIO,
  paths: string[],
  output: CommandOutput,
  options: PlanRunOptions,
): Promise<{ load: LoadResult; connection: Connection; plan: Plan }> {
  const load = await loadOrFail(io, paths, output);
  load.config = {
    ...load.config,
    prune: options.prune ?? load.config.prune,
    allow_empty_prune: options.allowEmptyPrune ?? load.config.allow_empty_prune,
  };
  checkPruneCoversRoot(io, paths, load);
  const progress = new Progress(io.stderr, io.clock, options.progress);
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
    // The commit is looked up by a git child process while the live state is read.
    const git = describeWorktree(io.cwd, load.files);
    const input = await readPlanInput({
      load,
      client: connection.client,
      target: connection.target,
      source: git.then((commit) => ({ paths: (paths.length ? paths : ['.']).map((p) => relative(io.cwd, resolve(io.cwd, p)) || '.'), git: commit })),
      advertisers: options.advertisers,
      selection: options.selection,
      signal: io.stopSignal,
      now: () => new Date(io.clock.now()),
    });
    progress.done();
    return { load, connection, plan: buildPlan(input) };
  } catch (error) {
    progress.done();
    await connection.close();
    throw error;
  }
}

/**
 * Prune removes what the manifests read do not describe, so it needs all of them: a PATH below the
 * manifest root (a subdirectory, one file) would make everything else look removed. Narrow a pruning
 * plan with --target/--exclude instead.
 */
function checkPruneCoversRoot(io: CommandIO, paths: string[], load: LoadResult): void {
  if (load.config.prune === 'none') return;
  const given = (paths.length ? paths : ['.']).map((p) => resolve(io.cwd, p));
  if (given.some((p) => p === load.root)) return;
  const shown = relative(io.cwd, load.root) || '.';
  throw new UsageError(
    `prune (${load.config.prune}) needs the whole manifest tree, but ${given.map((p) => relative(io.cwd, p) || '.').join(', ')} is only part of the root ${shown}; plan ${shown} (and narrow with --target/--exclude), or pass --prune none`,
  );
}

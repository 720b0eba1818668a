import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describeWorktree } from '../git/worktree.js';
import { loadManifests } from '../manifest/index.js';
import type { LoadResult, PruneMode } from '../manifest/types.js';
import { checkSavedPlanTarget, readSavedPlan } from '../apply/saved-plan.js';
import { SavedPlanError } from '../apply/apply-errors.js';
import { buildPlan, checkSavedPlan, parseScopeObjects, type Plan, type PlanInput, type PlanScope, type Selection } from '../plan/index.js';
import { changedFilesSince } from '../git/changed-files.js';
import { checkRevision } from '../git/revision.js';
import { changedDocuments, type FileVersions } from '../manifest/index.js';
import { readPlanInput } from '../read/plan-input.js';
import { attributeDrift } from '../read/attribution.js';
import { formatDiagnostic, renderAnnotationsGithub } from '../render/diagnostics.js';
import { render } from '../render/registry.js';
import type { Style } from '../render/style.js';
import { oneOf } from './args.js';
import { ReportedFailure, UsageError } from './cli-errors.js';
import { connect, credentialDestination, type Connection } from './connection.js';
import type { CommandIO } from './io.js';
import type { Progress } from './progress.js';

/** Flags shared by plan and apply. */
export const targetFlags = {
  'api-url': { type: 'string' },
  sandbox: { type: 'string' },
  advertiser: { type: 'string', multiple: true },
  prune: { type: 'string' },
  'allow-empty-prune': { type: 'boolean' },
  target: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'changed-since': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** Usage lines for the prune and selection flags, shared by plan and apply. */
export const PLANNING_USAGE = `  --prune none|deactivate|delete  remove objects whose manifest is gone (default: prune in xandr-sync.yaml, else none)
  --allow-empty-prune   let prune remove every segment or pixel of an advertiser the manifests declare none of
  --target ADDRESS      plan only these changes and what they need (repeatable; globs: 'Segment/acme-*')
  --exclude ADDRESS     leave these changes out, and what needs them (repeatable; globs)
  --changed-since REF   plan only the objects whose manifest documents differ between git REF and the
                        working tree, reading just those (drift on the others is the drift check's)
  --quiet               no progress lines on stderr (a run longer than 2 s reports them otherwise)`;

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

/**
 * `--sandbox` alone means the default state file; `--sandbox=FILE` names one. node:util's parseArgs has no
 * optional values, so a bare flag is rewritten before parsing.
 */
export function normalizeSandboxFlag(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg !== '--sandbox') {
      out.push(arg);
      continue;
    }
    // `--sandbox state.json` names a state file (it is not a manifest PATH): sandbox states are .json, manifests never.
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('-') && /\.json$/i.test(next)) {
      out.push(`--sandbox=${next}`);
      i++;
    } else out.push('--sandbox=');
  }
  return out;
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
async function loadOrFail(io: CommandIO, paths: string[], output: CommandOutput, operatorApiUrl: string | null): Promise<LoadResult> {
  const load = await loadManifests(paths.length ? paths : ['.'], { cwd: io.cwd, operatorApiUrl });
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

export interface PlanRunOptions extends PlanningOptions {
  /** `--changed-since REF`. */
  changedSince?: string;
  apiUrl?: string;
  sandbox?: string | boolean;
  advertisers?: number[];
  /** The command's progress line (the command stops it). */
  progress: Progress;
}

/** The options plan and apply pass to planFromManifests, from their target flags. */
export function runOptionsFromFlags(
  values: { 'api-url'?: string; sandbox?: string; 'changed-since'?: string },
  planning: PlanningOptions,
  advertisers: number[],
  progress: Progress,
): PlanRunOptions {
  return {
    apiUrl: values['api-url'],
    sandbox: sandboxOption(values.sandbox),
    advertisers: advertisers.length ? advertisers : undefined,
    changedSince: values['changed-since'],
    progress,
    ...planning,
  };
}

/** Loads, connects, reads the live state and plans. The caller closes the connection. */
export async function planFromManifests(
  io: CommandIO,
  paths: string[],
  output: CommandOutput,
  options: PlanRunOptions,
): Promise<{ load: LoadResult; connection: Connection; plan: Plan; input: PlanInput }> {
  const load = await loadOrFail(io, paths, output, credentialDestination(io, options));
  load.config = {
    ...load.config,
    prune: options.prune ?? load.config.prune,
    allow_empty_prune: options.allowEmptyPrune ?? load.config.allow_empty_prune,
  };
  checkPruneCoversRoot(io, paths, load);
  const scope = options.changedSince === undefined ? undefined : await scopeOfChange(io, load, paths, options.changedSince, output);
  const { progress } = options;
  const connection = await connect(io, { apiUrl: options.apiUrl, sandbox: options.sandbox, config: load.config, manifestRoot: load.root, onEvent: (event) => progress.observe(event) });
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
      ...(scope ? { scope } : {}),
      signal: io.stopSignal,
      now: () => new Date(io.clock.now()),
    });
    const plan = buildPlan(input);
    // Who changed what drifted, from Xandr's Change Log (bounded; never fails the plan). A plan scoped to a
    // change does not ask: its differences are the change's own, and it must cost only what the change touches.
    if (plan.errors.length === 0 && !scope) await attributeDrift(connection.client, plan, { maxLookups: load.config.attribution.max_lookups, signal: io.stopSignal });
    return { load, connection, plan, input };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

export interface SavedPlanRunOptions {
  apiUrl?: string;
  sandbox?: string | boolean;
  /** PATHs given with --plan: they must be the plan's own. */
  paths: string[];
  /** --prune / --allow-empty-prune given with --plan: what the operator says the reviewed plan pruned. */
  prune?: PruneMode;
  allowEmptyPrune?: boolean;
  progress: Progress;
}

/**
 * `apply --plan FILE`: the file is data, never authority. The manifests of the plan's commit (the checked-out
 * commit, clean) are loaded and planned again against the live state read now; the file is applied only
 * as far as that fresh plan contains each of its actions with the same request (plan/saved-plan-check.ts).
 * What runs are the fresh plan's actions; the guards are the project file's at that commit, with the flags.
 */
export async function planFromSavedPlan(
  io: CommandIO,
  file: string,
  output: CommandOutput,
  options: SavedPlanRunOptions,
): Promise<{ load: LoadResult; connection: Connection; plan: Plan; refused: Map<string, string> }> {
  const saved = readSavedPlan(resolve(io.cwd, file));
  const shownPaths = (paths: string[]) => paths.map((p) => relative(io.cwd, resolve(io.cwd, p)) || '.');
  if (options.paths.length > 0 && shownPaths(options.paths).join('\0') !== saved.source.paths.join('\0')) {
    throw new SavedPlanError(`${file} was planned from ${saved.source.paths.join(', ')}, not from ${shownPaths(options.paths).join(', ')}; refusing to apply it`);
  }
  const load = await loadOrFail(io, saved.source.paths, output, credentialDestination(io, options));
  await checkSavedPlanCommit(io, file, saved, load.files);
  const prune = options.prune ?? load.config.prune;
  const allowEmptyPrune = options.allowEmptyPrune ?? load.config.allow_empty_prune;
  if (saved.options.prune !== prune || saved.options.allow_empty_prune !== allowEmptyPrune) {
    throw new SavedPlanError(
      `${file} was planned with prune ${saved.options.prune}${saved.options.allow_empty_prune ? ' (allowing empty prune)' : ''}, but here prune is ${prune}${allowEmptyPrune ? ' (allowing empty prune)' : ''}; pass the same --prune (and --allow-empty-prune) to apply it, or plan again`,
    );
  }
  load.config = { ...load.config, prune, allow_empty_prune: allowEmptyPrune };
  const { progress } = options;
  progress.phase('Checking the saved plan against Xandr');
  const connection = await connect(io, { apiUrl: options.apiUrl, sandbox: options.sandbox, config: load.config, manifestRoot: load.root, onEvent: (event) => progress.observe(event) });
  try {
    await checkSavedPlanTarget(saved, connection.target, connection.client, io.stopSignal);
    const input = await readPlanInput({
      load,
      client: connection.client,
      target: connection.target,
      source: saved.source,
      advertisers: saved.options.advertisers ?? undefined,
      // A saved scoped plan is planned again with its own scope: it applies only its own actions.
      ...(saved.scope ? { scope: { changedSince: saved.scope.changed_since, commit: saved.scope.commit, documents: parseScopeObjects(saved.scope.objects) } } : {}),
      signal: io.stopSignal,
      now: () => new Date(io.clock.now()),
    });
    const fresh = buildPlan(input);
    if (fresh.errors.length > 0) {
      throw new SavedPlanError(`the manifests no longer plan cleanly against Xandr (${fresh.errors.length} error(s), first: ${fresh.errors[0]!.message}); run plan to see them`);
    }
    const verdict = checkSavedPlan(saved, fresh, input.live, input.desired);
    if (verdict.tampered.length > 0) {
      throw new SavedPlanError(
        `${file} is not a plan xandr-sync would make from these manifests: ${verdict.tampered.slice(0, 5).join('; ')}${verdict.tampered.length > 5 ? `; and ${verdict.tampered.length - 5} more` : ''}. Nothing was written to Xandr; plan again and review the new plan`,
      );
    }
    const stale = saved.actions.filter((a) => verdict.stale.has(a.address));
    const plan: Plan = { ...fresh, created_at: saved.created_at, actions: [...verdict.actions, ...stale].sort((a, b) => a.wave - b.wave) };
    return { load, connection, plan, refused: verdict.stale };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/**
 * The documents a change touched, between git REF and the working tree: added, changed and removed ones,
 * compared as data (comments and layout do not count). A change to xandr-sync.yaml can change what every
 * manifest means, so then nothing is scoped.
 */
async function scopeOfChange(io: CommandIO, load: LoadResult, paths: string[], ref: string, output: CommandOutput): Promise<PlanScope | undefined> {
  checkRevision(ref);
  const { commit, root, changes } = await changedFilesSince(io.cwd, ref, paths.length ? paths : ['.'], { signal: io.stopSignal });
  const manifests = changes.filter((c) => /\.ya?ml$/i.test(c.path));
  const config = load.config.file ? resolve(io.cwd, load.config.file) : null;
  if (config && manifests.some((c) => resolve(root, c.path) === config || (c.status === 'renamed' && resolve(root, c.previousPath) === config))) {
    io.stderr.write(output.style.yellow(`${load.config.file} changed since ${ref}: planning everything, not only the changed documents.\n`));
    return undefined;
  }
  const files: FileVersions[] = manifests.map((c) => ({
    previous: c.status === 'added' ? null : c.previousText,
    current: c.status === 'deleted' ? null : readFileSync(resolve(root, c.path), 'utf8'),
  }));
  const { changed, removed } = changedDocuments(files);
  const documents = [...changed, ...removed].map((d) => ({ kind: d.kind, name: d.name, advertiserId: d.kind === 'ConversionPixel' ? d.advertiserId : null }));
  return { changedSince: ref, commit, documents };
}

/** A saved plan is planned again from its own commit: that commit must be the one checked out, and clean. */
async function checkSavedPlanCommit(io: CommandIO, file: string, saved: Plan, files: string[]): Promise<void> {
  const here = await describeWorktree(io.cwd, files);
  const made = saved.source.git;
  if (made === null) {
    if (here !== null) throw new SavedPlanError(`${file} records no commit (it was made outside git), but ${io.cwd} is a git repository; plan again here`);
    return;
  }
  if (here === null || !here.commit.startsWith(made.commit)) {
    throw new SavedPlanError(`${file} was planned at commit ${made.commit.slice(0, 12)}; check that commit out (clean) to apply it${here ? ` (HEAD is ${here.commit.slice(0, 12)})` : ''}`);
  }
  if (here.dirty) throw new SavedPlanError(`the manifests have uncommitted changes; ${file} applies only to commit ${made.commit.slice(0, 12)} as committed`);
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

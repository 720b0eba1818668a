import type { Desired, ProjectConfig } from '../manifest/types.js';
import { planBindings } from './plan-bindings.js';
import { createContext } from './context.js';
import { planPixels } from './plan-pixels.js';
import { findPruneCandidates, planPrune, pruneWarnings } from './prune.js';
import type { Draft } from './coded-object.js';
import { planSegments } from './plan-segments.js';
import { planTargeting } from './plan-targeting.js';
import { annotateImpact, riskSummary } from './impact.js';
import { scopeDrafts, scopeObjects, type PlanScope } from './change-scope.js';
import { selectActions, type Selection } from './select.js';
import { sequence } from './sequence.js';
import type { Action, Plan, PlanSource, Summary, Target, LiveState } from './types.js';

export interface PlanInput {
  desired: Desired;
  live: LiveState;
  config: ProjectConfig;
  target: Target;
  source: PlanSource;
  /** Read calls it took to get `live` (the client counts them). */
  reads: number;
  /** When `live` was read, ISO 8601. Passed in: the planner has no clock. */
  createdAt: string;
  /** `--target` / `--exclude`: plan only part of the changes (select.ts). */
  selection?: Selection;
  /**
   * The whole repository when `desired` is a shard's part of it: prune never removes an object that any
   * manifest describes (a segment code is unique per member, whichever advertiser's file names it).
   */
  fullDesired?: Desired;
  /** The shard the desired state was cut to (`--advertiser`), recorded in the plan. */
  advertisers?: number[];
  /** `--changed-since`: plan only the change's objects (scope.ts); `desired` is already cut to them. */
  scope?: PlanScope;
}

const KIND_ORDER = { Segment: 0, ConversionPixel: 1, LineItemPixels: 2, LineItemSegments: 3 } as const;

/** Desired + live -> plan. Pure: no I/O, no clock; the same input always gives the same plan. */
export function buildPlan(input: PlanInput): Plan {
  const ctx = createContext(input.desired, input.live, input.config);
  // Prune is decided first: the bindings planned next must already leave out the pixels it deletes.
  const pruning = findPruneCandidates(ctx, input.fullDesired ?? input.desired);
  const parts = [planSegments(ctx), planPixels(ctx), planBindings(ctx), planTargeting(ctx)];
  const planned = parts.flatMap((p) => p.drafts);
  const unchanged = parts.reduce((n, p) => n + p.unchanged, 0);
  const all = [...planned, ...planPrune(ctx, pruning, planned)];
  // The live state's time: the planner has no clock, and "in flight" is relative to when Xandr was read.
  const now = Number.isNaN(Date.parse(input.createdAt)) ? null : Date.parse(input.createdAt);
  annotateImpact(ctx, all, now);
  const scoped = input.scope ? scopeDrafts(all, input.scope.documents) : { kept: all, warnings: [] };
  const candidates = scoped.kept;
  const selected = selectActions(candidates, input.selection);
  ctx.errors.push(...selected.errors);
  const drafts = selected.kept;

  const byAddress = new Map(drafts.map((d) => [d.address, d]));
  const { batches, cyclic } = sequence(drafts, (d) => d.depends_on.map((a) => byAddress.get(a)).filter((x): x is Draft => !!x));
  for (const draft of cyclic) {
    ctx.errors.push({ code: 'dependency-cycle', message: `${draft.address} is part of a dependency cycle: ${draft.depends_on.join(', ')}`, address: draft.address });
  }
  const actions: Action[] = batches.flatMap((batch, i) => batch.map((draft) => ({ ...draft, wave: i + 1 })));
  actions.sort((a, b) => a.wave - b.wave || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.address, b.address));

  const summary = summarize(actions, unchanged, input.reads);
  if (candidates.length > selected.kept.length) summary.unselected = candidates.length - selected.kept.length;
  const guards = { ...input.config.guards };
  return {
    format_version: 1,
    target: input.target,
    source: input.source,
    created_at: input.createdAt,
    summary,
    actions,
    warnings: [...pruneWarnings(actions), ...scoped.warnings, ...selected.warnings, ...guardWarnings(actions, guards)],
    errors: ctx.errors,
    risks: riskSummary(ctx, actions, now),
    guards,
    options: {
      prune: input.config.prune,
      allow_empty_prune: input.config.allow_empty_prune,
      advertisers: input.advertisers ? [...input.advertisers].sort((a, b) => a - b) : null,
      selection: input.selection && (input.selection.targets.length || input.selection.excludes.length) ? { targets: [...input.selection.targets], excludes: [...input.selection.excludes] } : null,
    },
    scope: input.scope ? { changed_since: input.scope.changedSince, commit: input.scope.commit, objects: scopeObjects(input.scope.documents) } : null,
  };
}

function summarize(actions: Action[], unchanged: number, reads: number): Summary {
  const summary: Summary = { create: 0, update: 0, delete: 0, adopt: 0, rename: 0, deactivate: 0, unchanged, reads, writes: actions.length };
  for (const action of actions) summary[action.action]++;
  return summary;
}

/**
 * The guard checks, shared by the plan (to warn) and apply (to refuse before the first write). Counted from
 * the actions themselves, never from a summary: a saved plan's summary is whatever its file says.
 */
export function guardViolations(actions: readonly Pick<Action, 'action' | 'address' | 'impact'>[], guards: Plan['guards']): string[] {
  const out: string[] = [];
  const changes = actions.length;
  const deletes = actions.filter((a) => a.action === 'delete' || a.action === 'deactivate').length;
  if (guards.max_changes !== undefined && changes > guards.max_changes) {
    out.push(`${changes} changes exceed guards.max_changes (${guards.max_changes}); raise it in xandr-sync.yaml or pass --max-changes ${changes}`);
  }
  if (guards.max_deletes !== undefined && deletes > guards.max_deletes) {
    out.push(`${deletes} deletions/deactivations exceed guards.max_deletes (${guards.max_deletes}); raise it in xandr-sync.yaml or pass --max-deletes ${deletes}`);
  }
  const goalDetaches = actions.filter((a) => (a.impact?.detaches_goal_pixels?.length ?? 0) > 0);
  if (guards.goal_pixel_detach === 'refuse' && goalDetaches.length > 0) {
    const which = goalDetaches.map((a) => `${a.address} (pixel ${a.impact!.detaches_goal_pixels!.join(', ')} of line item ${a.impact!.line_item.id})`).join('; ');
    out.push(`detaching a goal pixel is refused by guards.goal_pixel_detach: refuse in xandr-sync.yaml: ${which}; change the line item's goal first, or set goal_pixel_detach: warn`);
  }
  return out;
}

function guardWarnings(actions: Action[], guards: Plan['guards']): string[] {
  return guardViolations(actions, guards).map((v) => `apply will refuse this plan: ${v}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

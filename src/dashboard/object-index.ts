import { KINDS } from '../manifest/index.js';
import type { Desired, Kind, Manifest } from '../manifest/types.js';
import type { Action, LiveState, PlanError } from '../plan/types.js';
import type { CycleReport } from '../sync/types.js';
import { advertiserOf, LiveLookup } from './live-lookup.js';
import { decideStatus, OBJECT_STATUSES, type ObjectStatus } from './object-status.js';
import { referenceIndex } from './references.js';
import type { LastChange, LiveObject, ObjectEntry, ObjectIndex } from './types.js';

/**
 * Everything the object pages show, computed once per cycle (the dashboard caches it by report): statuses,
 * ids, last changes, counts, advertisers and who references whom. A request then only filters a list.
 */
export function buildObjectIndex(state: { desired: Desired; live: LiveState; report: CycleReport }, history: readonly CycleReport[]): ObjectIndex {
  const started = performance.now();
  const { desired, live, report } = state;
  const plan = report.plan;
  const lookup = new LiveLookup(live);
  const actions = new Map((plan?.actions ?? []).map((a) => [a.address, a]));
  const outcomes = new Map((report.apply?.outcomes ?? []).map((o) => [o.address, o]));
  const errors = new Map<string, PlanError[]>();
  for (const error of plan?.errors ?? []) if (error.address) errors.set(error.address, [...(errors.get(error.address) ?? []), error]);
  const applied = lastApplied(history);

  const entries: ObjectEntry[] = [];
  const add = (address: string, kind: Kind, manifest: Manifest | null, liveObject: LiveObject | null) => {
    const action = actions.get(address) ?? null;
    const outcome = outcomes.get(address) ?? null;
    const own = errors.get(address) ?? [];
    const { status, reason } = decideStatus(action, outcome, own, report);
    const id = liveObject?.id ?? outcome?.id ?? action?.id ?? manifest?.id ?? null;
    entries.push({
      address,
      kind,
      advertiserId: advertiserOf(manifest, liveObject),
      status,
      reason,
      manifest,
      live: liveObject,
      action,
      outcome,
      errors: own,
      id,
      lastChange: lastChangeOf(action, liveObject, applied.get(address)),
    });
  };
  // Every kind the manifests hold, including kinds added after this was written (Desired grows a list).
  const manifests = (Object.values(desired) as Manifest[][]).flat();
  const described = new Set<string>();
  for (const manifest of manifests) {
    described.add(manifest.address);
    add(manifest.address, manifest.kind, manifest, lookup.forManifest(manifest));
  }
  // Prune: live objects no manifest describes, which the plan deletes or deactivates.
  for (const action of plan?.actions ?? []) {
    if (!described.has(action.address)) add(action.address, action.kind, null, lookup.byKindAndId(action.kind, action.id));
  }

  const order = new Map(KINDS.map((k, i) => [k, i]));
  entries.sort((a, b) => (order.get(a.kind) ?? KINDS.length) - (order.get(b.kind) ?? KINDS.length) || compare(a.address, b.address));

  const counts = new Map<Kind, Record<ObjectStatus, number>>();
  const advertiserObjects = new Map<number, number>();
  for (const entry of entries) {
    let perStatus = counts.get(entry.kind);
    if (!perStatus) counts.set(entry.kind, (perStatus = Object.fromEntries(OBJECT_STATUSES.map((s) => [s, 0])) as Record<ObjectStatus, number>));
    perStatus[entry.status]++;
    if (entry.advertiserId !== null) advertiserObjects.set(entry.advertiserId, (advertiserObjects.get(entry.advertiserId) ?? 0) + 1);
  }
  const names = new Map(live.advertisers.map((a) => [a.id, a.name]));
  const advertisers = [...advertiserObjects].map(([id, objects]) => ({ id, name: names.get(id) ?? null, objects })).sort((a, b) => a.id - b.id);

  const byAddress = new Map(entries.map((e) => [e.address, e]));
  const references = referenceIndex(entries);
  return { report, entries, byAddress, counts, advertisers, references, live, buildMs: performance.now() - started };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** For each address, the newest kept cycle whose apply changed it. */
function lastApplied(history: readonly CycleReport[]): Map<string, CycleReport> {
  const out = new Map<string, CycleReport>();
  for (const report of history) {
    for (const outcome of report.apply?.outcomes ?? []) if (outcome.status === 'done' && !out.has(outcome.address)) out.set(outcome.address, report);
  }
  return out;
}

/**
 * Who changed the object last: Xandr's Change Log when the plan carries it (drift), else xandr-sync when one
 * of the kept cycles applied a change after the live object's `last_modified`, else that time, by someone unknown.
 */
function lastChangeOf(action: Action | null, live: LiveObject | null, applied: CycleReport | undefined): LastChange | null {
  if (action?.drift) return { at: action.drift.changed_at, by: action.drift.changed_by, via: action.drift.request_source };
  const modified = typeof live?.last_modified === 'string' ? live.last_modified : null;
  if (applied && (modified === null || xandrTime(modified) <= Date.parse(applied.finished_at))) {
    return { at: applied.finished_at, by: 'xandr-sync', via: `cycle ${applied.cycle}` };
  }
  return modified ? { at: modified, by: null, via: null } : null;
}

/** Xandr's timestamps are `YYYY-MM-DD HH:MM:SS` in UTC (api-semantics.md, "JSON field types"). */
export function xandrTime(text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? -Infinity : ms;
}

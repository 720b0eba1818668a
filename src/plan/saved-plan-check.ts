import jsonpatch from 'fast-json-patch';
import { isPlainObject, project } from './compare.js';
import type { Desired } from '../manifest/types.js';
import type { Action, Json, LiveState, Plan, Summary } from './types.js';
import { profileSnapshot } from './plan-targeting.js';

/**
 * A saved plan is data, never authority (SECURITY.md, "Saved plans"). Before anything is written, apply
 * builds the plan afresh from the manifests of the plan's commit and the live state read now, and checks
 * the file against it:
 *
 * - every action of the file must be one the fresh plan contains, for the same object, with the same request;
 * - an action whose object changed in Xandr since the plan was made is refused on its own (the reviewed
 *   change no longer describes what it would do), as Terraform refuses a stale plan;
 * - anything else (an action no fresh plan contains for an object that has not changed, a changed request,
 *   a summary that does not count the file's own actions, guards that are not the project file's) means
 *   the file is not what `plan` wrote: the whole file is refused and nothing is written.
 *
 * What runs is the fresh plan's actions, never the file's.
 */
export interface SavedPlanVerdict {
  /** The fresh plan's actions that the file asked for, in the fresh plan's order and waves. */
  actions: Action[];
  /** Actions refused because their object changed since the plan was made, with the reason. */
  stale: Map<string, string>;
  /** Why the file as a whole is refused; empty when it may be applied. */
  tampered: string[];
}

export function checkSavedPlan(saved: Plan, fresh: Plan, live: LiveState, desired: Desired): SavedPlanVerdict {
  const tampered: string[] = [];
  const stale = new Map<string, string>();
  const freshByAddress = new Map(fresh.actions.map((a) => [a.address, a]));
  const wanted = new Set<string>();

  const counted = countActions(saved.actions);
  for (const key of ['create', 'update', 'adopt', 'rename', 'deactivate', 'delete', 'writes'] as const) {
    const said = saved.summary[key] ?? 0;
    if (said !== counted[key]) tampered.push(`summary.${key} says ${said}, but the file holds ${counted[key]} such action${counted[key] === 1 ? '' : 's'}`);
  }
  if (!sameJsonValue((saved.guards ?? {}) as Json, (fresh.guards ?? {}) as Json)) {
    tampered.push(`guards say ${JSON.stringify(saved.guards ?? {})}, but the project file at this commit says ${JSON.stringify(fresh.guards ?? {})}`);
  }

  // What the manifests at this commit can account for: an action for anything else is forged.
  const described = new Set([...desired.segments, ...desired.pixels, ...desired.bindings, ...desired.targeting].map((m) => m.address));
  const seen = new Set<string>();
  for (const action of saved.actions) {
    if (seen.has(action.address)) {
      tampered.push(`${action.address} appears twice`);
      continue;
    }
    seen.add(action.address);
    const match = freshByAddress.get(action.address);
    const pruning = fresh.options.prune !== 'none' && (action.action === 'delete' || action.action === 'deactivate');
    // A step of a manifest's change (`LineItemSegments/x#profile_id`) is accounted for by its manifest.
    if (!match && !described.has(action.address.replace(/#.*$/, '')) && !pruning) {
      tampered.push(`${action.address}: no manifest at this commit describes it and a fresh plan contains no change for it`);
      continue;
    }
    if (match && match.id !== null && action.id !== null && match.id !== action.id) {
      tampered.push(`${action.address}: it names ${action.kind} ${action.id}, but the manifests name ${match.kind} ${match.id}`);
      continue;
    }
    // Changed since the plan was made: refused on its own, whatever a fresh plan would now send.
    const changed = changeSincePlanned(action, live);
    if (changed !== null) {
      stale.set(action.address, `changed since the plan was made: ${changed}; plan again`);
      continue;
    }
    const difference = match ? differenceOf(action, match) : 'no fresh plan contains a change for it';
    if (difference === null) wanted.add(action.address);
    else tampered.push(`${action.address}: ${difference}, and its object has not changed since the plan was made`);
  }
  return { actions: fresh.actions.filter((a) => wanted.has(a.address)), stale, tampered };
}

function countActions(actions: readonly Action[]): Pick<Summary, 'create' | 'update' | 'adopt' | 'rename' | 'deactivate' | 'delete' | 'writes'> {
  const counts = { create: 0, update: 0, adopt: 0, rename: 0, deactivate: 0, delete: 0, writes: actions.length };
  for (const action of actions) if (action.action in counts) counts[action.action]++;
  return counts;
}

/** What differs between the file's action and the fresh one, or null when they would send the same request. */
function differenceOf(saved: Action, fresh: Action): string | null {
  if (saved.kind !== fresh.kind) return `its kind is ${saved.kind}, a fresh plan's is ${fresh.kind}`;
  if (saved.action !== fresh.action) return `it would ${saved.action}, a fresh plan would ${fresh.action}`;
  if ((saved.id ?? null) !== (fresh.id ?? null)) return `it names object ${saved.id}, a fresh plan ${fresh.id}`;
  const a = saved.request;
  const b = fresh.request;
  if (a.method !== b.method || a.path !== b.path) return `its request is ${a.method} ${a.path}, a fresh plan's is ${b.method} ${b.path}`;
  if (!sameJsonValue(a.query as unknown as Json, b.query as unknown as Json)) return `its request's query ${JSON.stringify(a.query)} is not a fresh plan's ${JSON.stringify(b.query)}`;
  if (!sameJsonValue(a.body, b.body)) return 'its request body is not the one a fresh plan sends';
  const deps = (list: string[]) => [...list].sort().join('\n');
  if (deps(saved.depends_on) !== deps(fresh.depends_on)) return `it depends on ${saved.depends_on.join(', ') || 'nothing'}, a fresh plan's on ${fresh.depends_on.join(', ') || 'nothing'}`;
  return null;
}

/** Strict equality of two JSON values: a saved request must be byte-for-byte the fresh one's, types included. */
function sameJsonValue(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: Json | undefined): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value ?? null;
}

/**
 * Why the object an action is about is not what the plan saw, or null when it is as planned: a create whose
 * code an object now carries, an object that is gone, or a field the plan read that has another value now.
 */
function changeSincePlanned(action: Action, live: LiveState): string | null {
  if (action.id === null) {
    const code = codeOf(action);
    if (code === null) return null;
    const lower = code.toLowerCase();
    const taken =
      action.kind === 'Segment'
        ? live.segments.find((s) => s.code?.toLowerCase() === lower)
        : action.kind === 'ConversionPixel'
          ? live.pixels.find((p) => p.code?.toLowerCase() === lower && p.advertiser_id === action.request.query.advertiser_id)
          : undefined;
    return taken ? `an object with this code now exists (id ${taken.id})` : null;
  }
  const current = currentObject(action, live);
  if (!current) return `${action.kind} ${action.id} no longer exists`;
  const field = changedSince(action.live, current);
  return field === null ? null : `${field} of ${action.kind} ${action.id} is no longer what the plan saw`;
}

function currentObject(action: Action, live: LiveState): Record<string, unknown> | undefined {
  if (action.kind === 'Segment') return live.segments.find((s) => s.id === action.id);
  if (action.kind === 'ConversionPixel') return live.pixels.find((p) => p.id === action.id);
  if (action.request.path === '/profile') {
    // What the targeting planner recorded of the profile, computed again from what Xandr holds now.
    const profile = live.profiles.find((p) => p.id === action.id);
    const lineItemId = isPlainObject(action.live) ? action.live.line_item_id : undefined;
    const lineItem = live.lineItems.find((li) => li.id === lineItemId && li.profile_id === action.id);
    return profile && lineItem ? (profileSnapshot(lineItem, profile) as Record<string, unknown>) : undefined;
  }
  return live.lineItems.find((li) => li.id === action.id);
}

function codeOf(action: Action): string | null {
  const body = action.request.body;
  if (!isPlainObject(body)) return null;
  const fields = Object.values(body)[0];
  return isPlainObject(fields) && typeof fields.code === 'string' ? fields.code : null;
}

/**
 * Has the object changed, in the fields a saved plan was computed from, since the plan was made?
 * Returns the first field that differs (for the message), or null when it is as planned. Line-item
 * pixel lists compare as sets keyed by pixel id: their order carries no meaning.
 */
function changedSince(saved: Json, current: Record<string, unknown>): string | null {
  if (!isPlainObject(saved)) return null;
  for (const key of Object.keys(saved)) {
    const before = saved[key]!;
    let after: unknown = current[key];
    if (key === 'pixels') {
      if (!samePixels(before, after)) return key;
      continue;
    }
    after = project(after, before);
    if (jsonpatch.compare({ v: after }, { v: before }).length > 0) return key;
  }
  return null;
}

function samePixels(before: Json, after: unknown): boolean {
  const normalize = (list: unknown) =>
    (Array.isArray(list) ? list : [])
      .filter(isPlainObject)
      .map((p) => ({ id: Number(p.id), state: p.state ?? null, post_click_revenue: num(p.post_click_revenue), post_view_revenue: num(p.post_view_revenue) }))
      .sort((a, b) => a.id - b.id);
  return jsonpatch.compare({ v: normalize(before) }, { v: normalize(after) }).length === 0;
}

function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

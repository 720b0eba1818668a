import type { LiveLineItem } from '../xandr/types.js';
import type { PlanContext } from './context.js';
import type { Draft } from './coded-object.js';
import type { Action, Json, LineItemImpact } from './types.js';

/**
 * What a line-item action is worth, for the reviewer: the line item's business facts (taken from the line
 * item already read: no extra reads), whether it is live (active and in flight), and whether the pixel the
 * action attaches, detaches or changes is one the line item optimises to (`goal_pixels`). Also the plan's
 * risk summary, which the text and markdown plans open with.
 *
 * Flights are compared with the time the live state was read, ignoring the advertiser's time zone (Xandr
 * gives dates in it): a flight that starts or ends within hours of now may show one state early or late.
 */

/** The pixels an action on a line item's `pixels` attaches, detaches and changes, by id. */
export interface PixelEffects {
  attached: number[];
  detached: number[];
  changed: number[];
}

const num = (value: unknown): number | null => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
};
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const time = (value: string | null): number | null => {
  if (value === null) return null;
  const ms = Date.parse(`${value.slice(0, 19).replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms;
};

type Interval = { start_date: string | null; end_date: string | null; lifetime_budget: number | null; daily_budget: number | null };

/** A seamless line item's flight and budget are its budget intervals': the current one, else the next, else the last. */
function currentInterval(lineItem: LiveLineItem, now: number | null): Interval | null {
  const raw = lineItem.budget_intervals;
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const intervals: Interval[] = raw
    .filter((i): i is { [key: string]: Json } => typeof i === 'object' && i !== null && !Array.isArray(i))
    .map((i) => ({ start_date: text(i.start_date), end_date: text(i.end_date), lifetime_budget: num(i.lifetime_budget), daily_budget: num(i.daily_budget) }));
  if (now === null) return intervals[0] ?? null;
  const starts = (i: Interval) => time(i.start_date) ?? -Infinity;
  const ends = (i: Interval) => time(i.end_date) ?? Infinity;
  return intervals.find((i) => starts(i) <= now && now <= ends(i)) ?? intervals.filter((i) => starts(i) > now).sort((a, b) => starts(a) - starts(b))[0] ?? intervals.at(-1) ?? null;
}

function goalPixelIds(lineItem: LiveLineItem): Set<number> {
  const raw = lineItem.goal_pixels;
  const ids = new Set<number>();
  if (Array.isArray(raw)) for (const p of raw) if (typeof p === 'object' && p !== null && !Array.isArray(p)) ids.add(num(p.id) ?? NaN);
  ids.delete(NaN);
  return ids;
}

function lineItemImpact(lineItem: LiveLineItem, effects: PixelEffects | null, now: number | null): LineItemImpact {
  const interval = text(lineItem.start_date) === null && text(lineItem.end_date) === null ? currentInterval(lineItem, now) : null;
  const goals = goalPixelIds(lineItem);
  const touched = effects ? [...effects.attached, ...effects.detached, ...effects.changed] : null;
  return {
    id: lineItem.id,
    name: lineItem.name,
    state: lineItem.state,
    line_item_type: lineItem.line_item_type,
    start_date: interval ? interval.start_date : text(lineItem.start_date),
    end_date: interval ? interval.end_date : text(lineItem.end_date),
    lifetime_budget: num(lineItem.lifetime_budget) ?? interval?.lifetime_budget ?? null,
    daily_budget: num(lineItem.daily_budget) ?? interval?.daily_budget ?? null,
    revenue_type: lineItem.revenue_type,
    goal_type: text(lineItem.goal_type),
    goal_pixel: touched === null ? null : touched.some((id) => goals.has(id)),
  };
}

/** Whether the flight includes `now`: true, false, or null when it cannot be told. */
export function inFlight(impact: Pick<LineItemImpact, 'start_date' | 'end_date'>, now: number | null): boolean | null {
  if (now === null) return null;
  const start = time(impact.start_date);
  const end = time(impact.end_date);
  if (start === null && end === null) return impact.start_date === null && impact.end_date === null ? true : null;
  return (start === null || start <= now) && (end === null || now <= end);
}

/** Active and in flight: spending now. */
function isLive(impact: LineItemImpact, now: number | null): boolean {
  return impact.state === 'active' && inFlight(impact, now) !== false;
}

/** The pixel ids an action's changes attach, detach and change, read from its `live` pixels array. */
function pixelEffects(action: Pick<Action, 'changes' | 'live'>): PixelEffects {
  const livePixels = (action.live as { pixels?: { id: number }[] } | null)?.pixels ?? [];
  const out: PixelEffects = { attached: [], detached: [], changed: [] };
  for (const change of action.changes) {
    const [, field, index] = change.path.split('/');
    if (field !== 'pixels') continue;
    if (index === '-') {
      const id = (change.value as { id?: Json } | undefined)?.id;
      if (typeof id === 'number') out.attached.push(id);
      continue;
    }
    const id = livePixels[Number(index)]?.id;
    if (id === undefined) continue;
    if (change.op === 'remove' && change.path.split('/').length === 3) out.detached.push(id);
    else if (!out.changed.includes(id)) out.changed.push(id);
  }
  return out;
}

/**
 * Adds each line-item action's impact, and the warnings no reviewer may miss: detaching a pixel the line item
 * optimises to, and changing revenue on a line item that is live.
 */
export function annotateImpact(ctx: PlanContext, drafts: Draft[], now: number | null): void {
  for (const draft of drafts) {
    const lineItemId = draft.kind === 'LineItemPixels' ? draft.id : draft.kind === 'LineItemSegments' ? ctx.lineItemOfAction.get(draft.address) : undefined;
    const lineItem = lineItemId === undefined || lineItemId === null ? undefined : ctx.lineItemById.get(lineItemId);
    if (!lineItem) continue;
    const effects = draft.kind === 'LineItemPixels' ? pixelEffects(draft) : null;
    const impact = lineItemImpact(lineItem, effects, now);
    draft.impact = { line_item: impact };
    if (!effects) continue;
    const goals = goalPixelIds(lineItem);
    const detachedGoals = effects.detached.filter((id) => goals.has(id));
    if (detachedGoals.length > 0) {
      draft.impact.detaches_goal_pixels = detachedGoals;
      // The louder warning below replaces the ordinary detach warning for these pixels.
      draft.warnings = draft.warnings.filter((w) => !detachedGoals.some((id) => w.startsWith(`detaches pixel ${id} `)));
      const live = isLive(impact, now) ? 'active, in-flight ' : '';
      for (const id of detachedGoals) {
        draft.warnings.unshift(
          `DETACHES GOAL PIXEL ${pixelLabel(ctx, id)} from ${live}line item ${lineItem.id}${lineItem.name ? ` (${lineItem.name})` : ''}, which optimises to it (${(impact.goal_type ?? 'goal').toUpperCase()} goal): its optimisation loses these conversions`,
        );
      }
    }
    const revenue = draft.changes.some((c) => /^\/pixels\/\d+\/post_(click|view)_revenue$/.test(c.path) || (c.path === '/pixels/-' && hasRevenue(c.value)));
    if (revenue && isLive(impact, now)) draft.warnings.unshift(`changes pixel revenue on line item ${lineItem.id}${lineItem.name ? ` (${lineItem.name})` : ''}, which is active and in flight: its reported revenue changes from now on`);
  }
}

function hasRevenue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return num(v.post_click_revenue) !== null || num(v.post_view_revenue) !== null;
}

function pixelLabel(ctx: PlanContext, id: number): string {
  const name = ctx.pixelById.get(id)?.name;
  return name ? `${JSON.stringify(name)} (${id})` : String(id);
}

/**
 * The plan's risk summary: what the change does to line items that spend, in a few sentences, most
 * serious first. Empty when no action touches a line item and nothing is deleted.
 */
export function riskSummary(ctx: PlanContext, actions: readonly Action[], now: number | null): string[] {
  const lines: string[] = [];
  const detaches = new Map<number, LineItemImpact[]>();
  let revenueLive = 0;
  const targeting = new Map<number, LineItemImpact>();
  for (const action of actions) {
    const impact = action.impact?.line_item;
    if (!impact) continue;
    if (action.kind === 'LineItemPixels') {
      const effects = pixelEffects(action);
      for (const id of effects.detached) detaches.set(id, [...(detaches.get(id) ?? []), impact]);
      if (action.changes.some((c) => /post_(click|view)_revenue$/.test(c.path)) && isLive(impact, now)) revenueLive++;
    } else if (action.kind === 'LineItemSegments') {
      targeting.set(impact.id, impact);
    }
  }
  for (const [pixelId, items] of [...detaches].sort((a, b) => b[1].length - a[1].length || a[0] - b[0])) {
    const live = items.filter((i) => isLive(i, now)).length;
    const goals = items.filter((i) => ctx.lineItemById.get(i.id) && goalPixelIds(ctx.lineItemById.get(i.id)!).has(pixelId));
    const goalTypes = [...new Set(goals.map((g) => (g.goal_type ?? 'goal').toUpperCase()))].join(', ');
    const inFlightWords = live === 0 ? '' : items.length === 1 ? ', active and in flight' : live === items.length ? ', all active and in flight' : `, ${live} of them active and in flight`;
    const what = `${items.length} line item${items.length === 1 ? '' : 's'}${inFlightWords}`;
    lines.push(`Detaches conversion pixel ${pixelLabel(ctx, pixelId)} from ${what}${goals.length ? `; ${goals.length} optimise${goals.length === 1 ? 's' : ''} to it (${goalTypes} goal)` : ''}`);
  }
  if (revenueLive) lines.push(`Changes pixel revenue on ${revenueLive} active line item${revenueLive === 1 ? '' : 's'} in flight`);
  if (targeting.size) {
    const live = [...targeting.values()].filter((i) => isLive(i, now)).length;
    lines.push(`Changes the segment targeting of ${targeting.size} line item${targeting.size === 1 ? '' : 's'}${live ? `, ${live} of them active and in flight: who they reach changes` : ''}`);
  }
  const deletes = actions.filter((a) => a.action === 'delete').length;
  if (deletes) lines.push(`Prune deletes ${deletes} object${deletes === 1 ? '' : 's'} that no manifest describes`);
  return lines;
}

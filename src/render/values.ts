import type { Action, Change, DriftAttribution, Json, LineItemImpact } from '../plan/types.js';
import { inFlight } from '../plan/impact.js';

const KNOWN_AFTER_APPLY = '(known after apply)';

/** A value as a person reads it: strings quoted, refs as "(known after apply)", objects inline. */
function formatValue(value: Json | undefined): string {
  if (value === undefined) return '(unset)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value.ref === 'string' && Object.keys(value).length === 1) return KNOWN_AFTER_APPLY;
  return `{${Object.entries(value)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ')}}`;
}

/** The value at a JSON pointer, or undefined. */
function valueAt(document: Json, pointer: string): Json | undefined {
  let current: Json | undefined = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(key)] : current[key];
  }
  return current;
}

interface ChangeLine {
  sign: '+' | '~' | '-';
  /** What changes, for people: `short_name`, `pixel 777 state`, `pixel (known after apply)`. */
  label: string;
  before?: string;
  after?: string;
}

/**
 * One line per change. Line-item pixel paths (`/pixels/2/state`) are named by the pixel's id rather
 * than its position, which means nothing to a reviewer.
 */
export function describeChanges(action: Action): ChangeLine[] {
  return action.changes.map((change) => describeChange(action, change));
}

function describeChange(action: Action, change: Change): ChangeLine {
  const live = action.live;
  const label = labelFor(action, change);
  const format = action.kind === 'LineItemSegments' ? formatTargeting : formatValue;
  if (change.op === 'remove') return { sign: '-', label, before: format(valueAt(live, change.path)) };
  if (change.op === 'add' && (action.action === 'create' || valueAt(live, change.path) === undefined || change.path.endsWith('/-'))) {
    return { sign: '+', label, after: format(change.value) };
  }
  return { sign: '~', label, before: format(valueAt(live, change.path)), after: format(change.value) };
}

/**
 * Targeting as a trader reads it: a segment as `include 11836 (expire_minutes 10080)`, one created in the
 * same apply by its address; a group as `or: include ..., exclude ...`; the groups as `[or: ...] [or: ...]`.
 */
function formatTargeting(value: Json | undefined): string {
  if (Array.isArray(value) && value.every(isGroup)) return value.map((g) => `[${formatGroup(g)}]`).join(' ') || '[]';
  if (isGroup(value)) return formatGroup(value);
  if (isElement(value)) return formatElement(value);
  return formatValue(value);
}

type JsonObject = { [key: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isGroup = (v: Json | undefined): v is JsonObject => isObject(v) && Array.isArray(v.segments);
const isElement = (v: Json | undefined): v is JsonObject => isObject(v) && 'id' in v && 'action' in v;

function formatGroup(group: JsonObject): string {
  const segments = (group.segments as Json[]).filter(isElement).map(formatElement);
  return `${String(group.boolean_operator ?? 'or')}: ${segments.join(', ') || '(no segments)'}`;
}

function formatElement(element: JsonObject): string {
  const id = element.id;
  const who = isObject(id) && typeof id.ref === 'string' ? `${id.ref} ${KNOWN_AFTER_APPLY}` : `segment ${String(id)}`;
  const extras = Object.entries(element)
    .filter(([k, v]) => k !== 'id' && k !== 'action' && v !== null && v !== undefined && !['code', 'name', 'deleted'].includes(k))
    .filter(([k, v]) => !(k === 'start_minutes' && v === 0) && !(k === 'expire_minutes' && v === -1))
    .map(([k, v]) => `${k} ${formatValue(v)}`);
  return `${String(element.action ?? 'include')} ${who}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

function labelFor(action: Action, change: Change): string {
  const parts = change.path.split('/').slice(1);
  if (action.kind === 'LineItemPixels' && parts[0] === 'pixels') {
    if (parts[1] === '-') {
      // A pixel being attached: name it by its id, or by the manifest that creates it.
      const id = (change.value as { id?: Json } | undefined)?.id;
      return `pixel ${typeof id === 'object' && id !== null && !Array.isArray(id) && typeof id.ref === 'string' ? id.ref : String(id)}`;
    }
    const id = valueAt(action.live, `/pixels/${parts[1]}/id`);
    return ['pixel', id === undefined ? `#${parts[1]}` : String(id), ...parts.slice(2)].join(' ');
  }
  if (action.kind === 'LineItemSegments' && parts[0] === 'segment_group_targets') return targetingLabel(action, parts);
  return parts.join('.');
}

/** `group 1 segment 11836 action`: groups by their position (1-based, as the console shows them), segments by id. */
function targetingLabel(action: Action, parts: string[]): string {
  const [, group, list, index, ...field] = parts;
  if (group === undefined) return 'segment_group_targets';
  if (group === '-') return 'group (new)';
  const name = `group ${Number(group) + 1}`;
  if (list !== 'segments' || index === undefined) return [name, list, index].filter((p) => p !== undefined).join(' ');
  if (index === '-') return `${name} segment`;
  const id = valueAt(action.live, `/segment_group_targets/${group}/segments/${index}/id`);
  return [name, 'segment', id === undefined ? `#${index}` : String(id), ...field].join(' ');
}

const money = (n: number | null) => (n === null ? null : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/**
 * The line item's facts in one line, for the reviewer: `line item 503 "Acme Brand": active, in flight
 * (2026-11-01 to 2026-12-31), budget 30,000 lifetime / 300 daily, revenue cpm, CPA goal (a goal pixel)`.
 */
export function impactText(impact: LineItemImpact, createdAt: string): string {
  const now = Number.isNaN(Date.parse(createdAt)) ? null : Date.parse(createdAt);
  const flight = inFlight(impact, now);
  const dates = impact.start_date || impact.end_date ? ` (${(impact.start_date ?? '…').slice(0, 10)} to ${(impact.end_date ?? 'no end').slice(0, 10)})` : '';
  const when = flight === true ? `in flight${dates}` : flight === false ? `not in flight${dates}` : `flight${dates || ' unknown'}`;
  const budget = [money(impact.lifetime_budget) && `${money(impact.lifetime_budget)} lifetime`, money(impact.daily_budget) && `${money(impact.daily_budget)} daily`].filter(Boolean).join(' / ');
  const parts = [
    `${impact.state ?? 'state unknown'}, ${when}`,
    budget ? `budget ${budget}` : null,
    impact.line_item_type === 'standard_v2' ? 'augmented' : null,
    impact.revenue_type ? `revenue ${impact.revenue_type}` : null,
    impact.goal_type && impact.goal_type !== 'none' ? `${impact.goal_type.toUpperCase()} goal${impact.goal_pixel ? ' on this pixel' : ''}` : null,
  ].filter((p): p is string => p !== null);
  return `line item ${impact.id}${impact.name ? ` ${JSON.stringify(impact.name)}` : ''}: ${parts.join(', ')}`;
}

/** How a change was made, in words: `hbui` is the console, `direct` the API, the rest console tools. */
function sourceWords(source: string | null): string {
  if (source === null) return 'in Xandr';
  if (source === 'hbui') return 'in the console';
  if (source === 'direct') return 'through the API';
  if (source === 'bmwBulkEdit') return "with the console's bulk edit";
  if (source === 'bmwInlineEdit') return "with the console's inline edit";
  if (source.startsWith('LIAA')) return `with a console line-item tool (${source})`;
  return `through ${source}`;
}

/** `changed in the console by Jane Trader, 2026-11-30 14:02 (short_name: "A" -> "B")`. */
export function driftText(drift: DriftAttribution): string {
  const who = drift.changed_by ? ` by ${drift.changed_by}` : '';
  const when = drift.changed_at ? `, ${drift.changed_at.slice(0, 16)}` : '';
  const what = drift.changes.slice(0, 5).map((c) => `${c.field}: ${formatValue(c.old)} -> ${formatValue(c.new)}`);
  const more = drift.changes.length > 5 ? `, and ${drift.changes.length - 5} more` : '';
  return `changed ${sourceWords(drift.request_source)}${who}${when}${what.length ? ` (${what.join(', ')}${more})` : ''}`;
}

/** `POST /segment?advertiser_id=1234`, refs shown as (known after apply). */
export function requestLine(action: Action): string {
  const query = Object.entries(action.request.query)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? KNOWN_AFTER_APPLY : v}`)
    .join('&');
  return `${action.request.method} ${action.request.path}${query ? `?${query}` : ''}`;
}

const NOUNS: Record<string, string> = { '/segment': 'segment', '/pixel': 'pixel', '/line-item': 'line item', '/profile': 'profile' };

/** What a live object is, for people: `segment 1000001`, `line item 205`. */
export function liveLabel(action: Action): string {
  if (action.id === null) return '';
  const noun = NOUNS[action.request.path] ?? 'object';
  return `${noun} ${action.id}`;
}

export const ACTION_SIGN: Record<Action['action'], string> = {
  create: '+',
  update: '~',
  adopt: '~',
  rename: '~',
  deactivate: '~',
  delete: '-',
};

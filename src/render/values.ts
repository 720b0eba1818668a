import type { Action, Change, Json } from '../plan/types.js';

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
  if (change.op === 'remove') return { sign: '-', label, before: formatValue(valueAt(live, change.path)) };
  if (change.op === 'add' && (action.action === 'create' || valueAt(live, change.path) === undefined || change.path.endsWith('/-'))) {
    return { sign: '+', label, after: formatValue(change.value) };
  }
  return { sign: '~', label, before: formatValue(valueAt(live, change.path)), after: formatValue(change.value) };
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
  return parts.join('.');
}

/** `POST /segment?advertiser_id=1234`, refs shown as (known after apply). */
export function requestLine(action: Action): string {
  const query = Object.entries(action.request.query)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? KNOWN_AFTER_APPLY : v}`)
    .join('&');
  return `${action.request.method} ${action.request.path}${query ? `?${query}` : ''}`;
}

/** What a live object is, for people: `segment 1000001`, `line item 205`. */
export function liveLabel(action: Action): string {
  if (action.id === null) return '';
  const noun = action.kind === 'Segment' ? 'segment' : action.kind === 'ConversionPixel' ? 'pixel' : 'line item';
  return `${noun} ${action.id}`;
}

export const ACTION_SIGN: Record<Action['action'], string> = {
  create: '+',
  update: '~',
  adopt: '~',
  deactivate: '~',
  delete: '-',
};

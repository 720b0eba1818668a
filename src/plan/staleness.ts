import { isPlainObject, project } from './compare.js';
import type { Json } from './types.js';
import jsonpatch from 'fast-json-patch';

/**
 * Has the object changed, in the fields a saved plan was computed from, since the plan was made?
 * Returns the first field that differs (for the message), or null when it is as planned. Line-item
 * pixel lists compare as sets keyed by pixel id: their order carries no meaning.
 */
export function changedSince(saved: Json, current: Record<string, unknown>): string | null {
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

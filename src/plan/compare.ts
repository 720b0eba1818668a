import jsonpatch from 'fast-json-patch';
import type { Change, Json } from './types.js';

/**
 * Field comparison under the plan's rules (DESIGN.md section 5): only what the manifest declares is
 * compared, and numbers compare by value whatever their JSON type (`"30.000000"` equals `30`).
 */

export function isPlainObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numeric(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/**
 * The live value reduced to the shape the desired value declares: keys the manifest does not mention
 * are dropped (at every depth), missing ones read as null, and a numeric string where the manifest has
 * a number becomes that number. Arrays are compared element by element.
 */
export function project(live: unknown, desired: Json): Json {
  if (live === undefined) return null;
  if (typeof desired === 'number') {
    const n = numeric(live);
    return n ?? (live as Json);
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return (live ?? null) as Json;
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(desired)) out[key] = project(live[key], desired[key]!);
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return (live ?? null) as Json;
    return live.map((item, i) => (i < desired.length ? project(item, desired[i]!) : (item as Json)));
  }
  return (live ?? null) as Json;
}

export function sameValue(live: unknown, desired: Json): boolean {
  const projected = project(live, desired);
  return sameJson(projected, desired) || jsonpatch.compare({ v: projected }, { v: desired }).length === 0;
}

/**
 * Strict structural equality of two JSON values. When it holds, jsonpatch.compare finds no operation, so the
 * planner can skip it: most objects in a large member are unchanged, and building patches for all of them
 * was most of the planner's time (20,000 segments: 70 ms of 130). Anything unusual (undefined, NaN) answers
 * false and takes the full comparison.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * The RFC 6902 operations that turn the projected live fields into the desired ones, sorted by path so
 * that renderers show them in a stable order.
 */
export function diffFields(live: Record<string, unknown>, desired: Record<string, Json>): { projected: { [key: string]: Json }; changes: Change[] } {
  const projected: { [key: string]: Json } = {};
  for (const key of Object.keys(desired)) projected[key] = project(live[key], desired[key]!);
  if (sameJson(projected, desired)) return { projected, changes: [] };
  const changes = (jsonpatch.compare(projected, desired) as Change[])
    .map((op) => ({ op: op.op, path: op.path, ...(op.op === 'remove' ? {} : { value: op.value as Json }) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { projected, changes };
}

/** A copy in which every change has been applied (used to show the result and in tests). */
export function applyChanges<T>(document: T, changes: Change[]): T {
  return jsonpatch.applyPatch(jsonpatch.deepClone(document), changes as jsonpatch.Operation[], false, false).newDocument;
}

/** Which fields of an object a write changed: the change log's `changes` and the upsert's "did anything change". */
import type { JsonObject } from './types.js';

export interface FieldChange {
  field_name: string;
  old_value: unknown;
  new_value: unknown;
  changed: boolean;
}

/** Equal as JSON values (the records are plain JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields whose value differs between `before` (null: the object is new) and `after`, old -> new, in
 * the order of `after`'s fields (then any that `after` lost). `last_modified` is the write's own stamp, not
 * a change. A field missing on one side counts as null.
 */
export function changedFields(before: JsonObject | null, after: JsonObject | null): FieldChange[] {
  const names = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
  const changes: FieldChange[] = [];
  for (const name of names) {
    if (name === 'last_modified') continue;
    const oldValue = before?.[name] ?? null;
    const newValue = after?.[name] ?? null;
    if (!sameValue(oldValue, newValue)) changes.push({ field_name: name, old_value: oldValue, new_value: newValue, changed: true });
  }
  return changes;
}

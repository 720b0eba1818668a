/** Which fields of an object a write changed: the change log's `changes` and the upsert's "did anything change". */
import type { FieldChange, JsonObject } from './types.js';

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

/**
 * The `changes` of an API write, as Xandr lists them: every field the request sent, changed or not, and any
 * other field that changed; a POST lists the new object's fields and a DELETE the deleted one's, from or to
 * null. `num_of_changes` counts the ones with `changed: true` (change-log-services.md).
 */
export function requestFieldChanges(before: JsonObject | null, after: JsonObject | null, sent: readonly string[]): FieldChange[] {
  const changed = new Map(changedFields(before, after).map((c) => [c.field_name, c]));
  const record = after ?? before ?? {};
  const names = before === null || after === null ? Object.keys(record) : [...new Set([...sent.filter((k) => k in record), ...changed.keys()])];
  return names
    .filter((name) => name !== 'last_modified')
    .map((name) => changed.get(name) ?? { field_name: name, old_value: before?.[name] ?? null, new_value: after?.[name] ?? null, changed: false });
}

import type { Entry } from './check-document.js';
import { locate } from './yaml-value.js';

/** Where a JSON pointer of an entry's document is written (the document's start when it is absent). */
export function offsetOf(entry: Entry, pointer: string): number {
  return locate(entry.root, pointer).node?.offset ?? entry.root.offset;
}

/** `file:line` of a pointer, for messages that name the other document of a conflict. */
export function where(entry: Entry, pointer: string): string {
  return `${entry.source.file}:${entry.source.line(offsetOf(entry, pointer))}`;
}

/** The document's spec.advertiser_id when it is a usable id (checks across documents skip the rest). */
export function advertiserOf(entry: Entry): number | undefined {
  const id = (entry.manifest.spec as { advertiser_id?: unknown }).advertiser_id;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : undefined;
}

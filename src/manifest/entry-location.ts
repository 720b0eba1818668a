import type { Entry } from './check-document.js';
import { readYaml } from './read-yaml.js';
import type { SourceText } from './source-text.js';
import type { ParsedYaml, YNode } from './yaml-tree.js';
import { locate } from './yaml-value.js';

/** Files read again for a position, once each: a file with many diagnostics is parsed a second time, not once per diagnostic. */
const reread = new WeakMap<SourceText, ParsedYaml>();

/**
 * The YAML tree of an entry's document. Entries do not keep their trees (check-document.ts); the text is
 * parsed again, which gives the same tree, only when a diagnostic across documents needs a position.
 */
export function treeOf(entry: Entry): YNode {
  let parsed = reread.get(entry.source);
  if (!parsed) {
    parsed = readYaml(entry.source.text);
    reread.set(entry.source, parsed);
  }
  const root = parsed.documents.find((d) => d.index === entry.manifest.source.document)?.root;
  if (!root) throw new Error(`internal: document ${entry.manifest.source.document} of ${entry.source.file} is gone from its text`);
  return root;
}

/** Where a JSON pointer of an entry's document is written (the document's start when it is absent). */
export function offsetOf(entry: Entry, pointer: string): number {
  const root = treeOf(entry);
  return locate(root, pointer).node?.offset ?? root.offset;
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

/** Which item of one list first named each key (a pixel's or a segment's name or id), to report repeats. */
export class FirstItems {
  private readonly first = new Map<string, number>();

  /** The earlier item that named one of `keys`; when there is none, item `index` is recorded for them. */
  repeatOf(keys: string[], index: number): number | undefined {
    const repeat = keys.map((k) => this.first.get(k)).find((n) => n !== undefined);
    if (repeat === undefined) for (const k of keys) this.first.set(k, index);
    return repeat;
  }
}

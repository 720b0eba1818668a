import { isKind, isObject } from './kinds.js';
import { readYaml } from './read-yaml.js';
import { SourceText } from './source-text.js';
import type { Json, Kind } from './types.js';
import { materialize } from './yaml-value.js';
import type { Problem } from './yaml-tree.js';

/** One manifest document of a text, as far as it names an object: for comparing two versions of a file. */
export interface DocumentValue {
  kind: Kind;
  name: string;
  /** `spec.advertiser_id` when it is a number (pixels are scoped by it). */
  advertiserId: number | null;
  /** The whole document as data (apiVersion, kind, metadata, spec), comments and layout gone. */
  value: Json;
}

/**
 * The manifest documents a YAML text holds, read leniently: a document that does not name a kind and a
 * name is left out rather than reported. `plan --changed-since` reads a file as it was at a ref with this, to
 * tell which documents a change touched; validation of what is planned is the loader's job.
 */
function documentValues(text: string): DocumentValue[] {
  const source = new SourceText('(at ref)', text);
  const out: DocumentValue[] = [];
  for (const document of readYaml(text).documents) {
    if (!document.root || document.root.type !== 'map') continue;
    const problems: Problem[] = [];
    const value = materialize(document.root, source, problems);
    if (!isObject(value) || !isKind(value.kind) || !isObject(value.metadata) || typeof value.metadata.name !== 'string') continue;
    const spec = isObject(value.spec) ? value.spec : {};
    out.push({
      kind: value.kind,
      name: value.metadata.name,
      advertiserId: typeof spec.advertiser_id === 'number' ? spec.advertiser_id : null,
      value: value as Json,
    });
  }
  return out;
}

/**
 * What identifies a manifest's object across versions of a file: its kind and name (ignoring case, as Xandr's
 * codes do), and for a pixel its advertiser (pixel names are unique per advertiser only).
 */
export function identityOf(kind: Kind, name: string, advertiserId: number | null): string {
  return `${kind}/${kind === 'ConversionPixel' ? `${advertiserId ?? '?'}/` : ''}${name.toLowerCase()}`;
}

/** One file in two versions (null: absent in that version). */
export interface FileVersions {
  previous: string | null;
  current: string | null;
}

/**
 * Which documents a change touched: those added or changed (by identity, compared as data, so comments and
 * layout do not count) and those removed (with their old value, to find the live object they described).
 * A document moved from one file to another is neither.
 */
export function changedDocuments(files: readonly FileVersions[]): { changed: DocumentValue[]; removed: DocumentValue[] } {
  const before = new Map<string, DocumentValue>();
  const after = new Map<string, DocumentValue>();
  for (const file of files) {
    for (const doc of file.previous === null ? [] : documentValues(file.previous)) before.set(identityOf(doc.kind, doc.name, doc.advertiserId), doc);
    for (const doc of file.current === null ? [] : documentValues(file.current)) after.set(identityOf(doc.kind, doc.name, doc.advertiserId), doc);
  }
  const changed: DocumentValue[] = [];
  for (const [identity, doc] of after) {
    const old = before.get(identity);
    if (!old || JSON.stringify(old.value) !== JSON.stringify(doc.value)) changed.push(doc);
  }
  const removed = [...before].filter(([identity]) => !after.has(identity)).map(([, doc]) => doc);
  return { changed, removed };
}

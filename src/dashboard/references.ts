import { lineItemIdOf, specOf } from './live-lookup.js';
import type { ObjectEntry, Reference, ReferenceIndex } from './types.js';

/**
 * Who refers to whom, for an object page's bindings: a line-item kind's spec names pixels (`pixel`,
 * `pixel_id`) or segments (`segment`, `segment_id`) anywhere in it (LineItemPixels' `pixels[]`,
 * LineItemSegments' `groups[].segments[]`), so the spec is walked for those keys rather than per kind.
 * Names are matched ignoring case, as the loader resolves them; pixel names within their advertiser.
 */
const REFERENCE_KEYS: Record<string, { kind: Reference['kind']; by: 'name' | 'id' }> = {
  pixel: { kind: 'ConversionPixel', by: 'name' },
  pixel_id: { kind: 'ConversionPixel', by: 'id' },
  segment: { kind: 'Segment', by: 'name' },
  segment_id: { kind: 'Segment', by: 'id' },
};

function referencesIn(value: unknown, out: Reference[] = []): Reference[] {
  if (Array.isArray(value)) for (const item of value) referencesIn(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const rule = REFERENCE_KEYS[key];
      if (rule?.by === 'name' && typeof inner === 'string') out.push({ kind: rule.kind, name: inner });
      else if (rule?.by === 'id' && typeof inner === 'number') out.push({ kind: rule.kind, id: inner });
      else referencesIn(inner, out);
    }
  }
  return out;
}

export function referenceIndex(entries: readonly ObjectEntry[]): ReferenceIndex {
  const byName = new Map<string, ObjectEntry>();
  const byId = new Map<string, ObjectEntry>();
  const referrers = new Map<ObjectEntry, ObjectEntry[]>();
  const targets = new Map<ObjectEntry, { reference: Reference; entry: ObjectEntry | null }[]>();
  const byLineItem = new Map<number, ObjectEntry[]>();

  for (const entry of entries) {
    if (entry.kind !== 'Segment' && entry.kind !== 'ConversionPixel') continue;
    if (entry.manifest) byName.set(nameKey(entry.kind, entry.advertiserId, entry.manifest.name), entry);
    if (entry.id !== null) byId.set(`${entry.kind}:${entry.id}`, entry);
  }
  for (const entry of entries) {
    if (!entry.manifest || entry.kind === 'Segment' || entry.kind === 'ConversionPixel') continue;
    const lineItem = lineItemIdOf(entry.manifest, entry.live);
    if (lineItem !== null) push(byLineItem, lineItem, entry);
    const resolved = referencesIn(specOf(entry.manifest)).map((reference) => {
      const target =
        reference.name !== undefined
          ? (byName.get(nameKey(reference.kind, entry.advertiserId, reference.name)) ?? byName.get(nameKey(reference.kind, null, reference.name)) ?? null)
          : (byId.get(`${reference.kind}:${reference.id}`) ?? null);
      if (target) push(referrers, target, entry);
      return { reference, entry: target };
    });
    targets.set(entry, resolved);
  }

  return {
    referrers: (entry) => unique(referrers.get(entry) ?? []),
    targets: (entry) => targets.get(entry) ?? [],
    sameLineItem: (entry) => {
      const id = entry.manifest ? lineItemIdOf(entry.manifest, entry.live) : null;
      return id === null ? [] : (byLineItem.get(id) ?? []).filter((e) => e !== entry);
    },
    byId: (kind, id) => byId.get(`${kind}:${id}`) ?? null,
  };
}

/** Segments are named per member (advertiser null), pixels per advertiser. */
function nameKey(kind: Reference['kind'], advertiserId: number | null, name: string): string {
  return `${kind}:${kind === 'Segment' ? '' : (advertiserId ?? '')}/${name.toLowerCase()}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}

import type { Kind, Manifest } from '../manifest/types.js';
import type { LiveState } from '../plan/types.js';
import type { LiveObject } from './types.js';

type Collection = 'segments' | 'pixels' | 'lineItems';

interface KindInfo {
  /** Plural, for headings and the filter. */
  title: string;
  /** Where its live object is in LiveState: a line-item kind owns part of a line item. */
  collection: Collection;
}

/**
 * What the dashboard knows of each kind. A kind missing here (a new one) still shows: its title is its name,
 * and its live object is the line item its spec names (`line_item_id` / `line_item_code`), as for every
 * line-item kind so far.
 */
const KIND_INFO: Partial<Record<Kind, KindInfo>> = {
  Segment: { title: 'Segments', collection: 'segments' },
  ConversionPixel: { title: 'Conversion pixels', collection: 'pixels' },
  LineItemPixels: { title: 'Line-item pixels', collection: 'lineItems' },
};

export function kindTitle(kind: Kind): string {
  return KIND_INFO[kind]?.title ?? kind;
}

function collectionOf(kind: Kind): Collection {
  return KIND_INFO[kind]?.collection ?? 'lineItems';
}

/** A manifest's spec as plain data, whatever its kind. */
export function specOf(manifest: Manifest): Record<string, unknown> {
  return manifest.spec as unknown as Record<string, unknown>;
}

/** The advertiser a manifest or live object belongs to; null for a member-level segment. */
export function advertiserOf(manifest: Manifest | null, live: LiveObject | null): number | null {
  const fromSpec = manifest ? specOf(manifest).advertiser_id : undefined;
  if (typeof fromSpec === 'number') return fromSpec;
  if (manifest?.kind === 'Segment') return null;
  return typeof live?.advertiser_id === 'number' ? live.advertiser_id : null;
}

/** The line item a line-item kind's manifest is about, by id (the manifest's, or the live object's). */
export function lineItemIdOf(manifest: Manifest, live: LiveObject | null): number | null {
  if (collectionOf(manifest.kind) !== 'lineItems') return null;
  const id = specOf(manifest).line_item_id;
  if (typeof id === 'number') return id;
  return live ? live.id : null;
}

/**
 * Finds live objects the way the planner matches them (plan/identity.ts): by `metadata.id` when pinned, else
 * by code = metadata.name ignoring case (segments per member, pixels per advertiser), and line items by the
 * id or code the spec gives. Built once per cycle.
 */
export class LiveLookup {
  private readonly byId: Record<Collection, Map<number, LiveObject>> = { segments: new Map(), pixels: new Map(), lineItems: new Map() };
  private readonly byCode: Record<Collection, Map<string, LiveObject>> = { segments: new Map(), pixels: new Map(), lineItems: new Map() };

  constructor(live: LiveState) {
    for (const segment of live.segments) this.add('segments', segment, segment.code ? segment.code.toLowerCase() : null);
    for (const pixel of live.pixels) this.add('pixels', pixel, pixel.code ? `${pixel.advertiser_id}/${pixel.code.toLowerCase()}` : null);
    for (const item of live.lineItems) this.add('lineItems', item, item.code ? `${item.advertiser_id}/${item.code.toLowerCase()}` : null);
  }

  forManifest(manifest: Manifest): LiveObject | null {
    const collection = collectionOf(manifest.kind);
    const spec = specOf(manifest);
    if (collection === 'lineItems') {
      if (typeof spec.line_item_id === 'number') return this.byId.lineItems.get(spec.line_item_id) ?? null;
      if (typeof spec.line_item_code === 'string') return this.byCode.lineItems.get(`${spec.advertiser_id}/${spec.line_item_code.toLowerCase()}`) ?? null;
      return null;
    }
    if (manifest.id !== undefined) return this.byId[collection].get(manifest.id) ?? null;
    const key = collection === 'segments' ? manifest.name.toLowerCase() : `${spec.advertiser_id}/${manifest.name.toLowerCase()}`;
    return this.byCode[collection].get(key) ?? null;
  }

  byKindAndId(kind: Kind, id: number | null): LiveObject | null {
    return id === null ? null : (this.byId[collectionOf(kind)].get(id) ?? null);
  }

  private add(collection: Collection, object: LiveObject, code: string | null): void {
    this.byId[collection].set(object.id, object);
    if (code && !this.byCode[collection].has(code)) this.byCode[collection].set(code, object);
  }
}

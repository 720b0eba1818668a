import type { XandrClient } from './client.js';
import { extractObjects } from './envelope.js';
import { XandrApiError, XandrResponseError } from './xandr-errors.js';
import { toNumber } from './normalize.js';
import type { Query } from './transport.js';

/** How one Xandr service names its objects and how to make them strict. */
export interface ServiceShape<T extends { id: number }> {
  service: string;
  singular: string;
  plural: string;
  normalize(raw: unknown): T;
}

/** Xandr caps a page at 100 objects (and an id list at 100 ids), silently. */
export const PAGE_SIZE = 100;

/**
 * Every object matching `query`: the first page tells the total (`count`), then the remaining pages go
 * out together and the rate budget paces them. A server that pages smaller than asked is followed at
 * its own page size, so no object is skipped.
 */
export async function readAll<T extends { id: number }>(client: XandrClient, shape: ServiceShape<T>, query: Query, signal?: AbortSignal): Promise<T[]> {
  const page = (start: number) =>
    client.call({ method: 'GET', service: shape.service, query: { ...query, start_element: start, num_elements: PAGE_SIZE }, signal });
  client.expect(shape.service, 1);
  const first = await page(0);
  const rows = extractObjects(first, shape.singular, shape.plural);
  const count = toNumber(first.count);
  const all = [rows];
  if (count !== null) {
    const step = rows.length > 0 && rows.length < PAGE_SIZE && rows.length < count ? rows.length : PAGE_SIZE;
    const starts: number[] = [];
    for (let start = rows.length; start < count; start += step) starts.push(start);
    client.expect(shape.service, starts.length);
    const pages = await Promise.all(starts.map((start) => page(start)));
    for (const body of pages) all.push(extractObjects(body, shape.singular, shape.plural));
  } else if (rows.length >= PAGE_SIZE) {
    // No count: keep reading until a short page.
    for (let start = rows.length; ; ) {
      const more = extractObjects(await page(start), shape.singular, shape.plural);
      all.push(more);
      start += more.length;
      if (more.length < PAGE_SIZE) break;
    }
  }
  const objects = dedupe(all.flat().map((raw) => shape.normalize(raw)));
  // A plan made from an incomplete listing would take missing objects for absent ones and create them
  // again. Fewer objects than Xandr counted means pages shifted under us (objects deleted mid-read) or a
  // page came back without its data: refuse, and let the next run read a settled listing.
  if (count !== null && objects.length < count) {
    throw new XandrResponseError(
      `GET /${shape.service}: Xandr counted ${count} ${shape.plural} but the pages held ${objects.length}; refusing to plan on an incomplete listing (objects may have changed while they were read; run again)`,
      { service: shape.service, method: 'GET' },
    );
  }
  return objects;
}

/**
 * Xandr's timestamp filters take `YYYY-MM-DD HH:MM:SS` in UTC (api-semantics.md, "Filter by min and max
 * values"; the docs write the space as `+`, which a query string decodes to the same).
 */
export function xandrTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A timestamp Xandr sent (`last_modified`), in ms; null when it is not one. */
export function parseXandrTimestamp(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(value)) return null;
  const ms = Date.parse(`${value.slice(0, 19).replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * How many objects a listing would return, for one read (`num_elements=1`): what a listing costs in reads is
 * then known, and a reader can choose between it and one lookup per object.
 */
export async function countAll<T extends { id: number }>(client: XandrClient, shape: ServiceShape<T>, query: Query, signal?: AbortSignal): Promise<number> {
  client.expect(shape.service, 1);
  const body = await client.call({ method: 'GET', service: shape.service, query: { ...query, start_element: 0, num_elements: 1 }, signal });
  const count = toNumber(body.count);
  if (count === null || count < 0) throw new XandrResponseError(`GET /${shape.service}: Xandr sent no count`, { service: shape.service, method: 'GET' });
  return count;
}

/** The objects with these ids, 100 ids per call; ids that do not exist are simply absent. */
export async function readByIds<T extends { id: number }>(
  client: XandrClient,
  shape: ServiceShape<T>,
  ids: readonly number[],
  query: Query = {},
  signal?: AbortSignal,
): Promise<T[]> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const batches: number[][] = [];
  for (let i = 0; i < unique.length; i += PAGE_SIZE) batches.push(unique.slice(i, i + PAGE_SIZE));
  client.expect(shape.service, batches.length);
  const results = await Promise.all(
    batches.map(async (batch) => {
      try {
        const body = await client.call({
          method: 'GET',
          service: shape.service,
          query: { ...query, id: batch.join(','), num_elements: PAGE_SIZE },
          object: batch.length === 1 ? `${shape.singular} ${batch[0]}` : `${batch.length} ${shape.plural}`,
          signal,
        });
        return extractObjects(body, shape.singular, shape.plural).map((raw) => shape.normalize(raw));
      } catch (error) {
        if (error instanceof XandrApiError && error.notFound) return [];
        throw error;
      }
    }),
  );
  const wanted = new Set(unique);
  return dedupe(results.flat().filter((o) => wanted.has(o.id)));
}

/** The first object a selector query returns (e.g. `?code=`), or null when there is none. */
export async function readOne<T extends { id: number }>(
  client: XandrClient,
  shape: ServiceShape<T>,
  query: Query,
  accept: (object: T) => boolean,
  signal?: AbortSignal,
): Promise<T | null> {
  client.expect(shape.service, 1);
  try {
    const body = await client.call({ method: 'GET', service: shape.service, query, signal });
    // Filters may be ignored by the API (xandr-api.md B.3), so the caller's predicate has the last word.
    return extractObjects(body, shape.singular, shape.plural).map((raw) => shape.normalize(raw)).find(accept) ?? null;
  } catch (error) {
    if (error instanceof XandrApiError && error.notFound) return null;
    throw error;
  }
}

/**
 * The object of an advertiser-owned kind (pixel, line item) with this code, or null. Codes are unique per
 * advertiser and compared ignoring case; the query filters, and the predicate decides (filters may be ignored).
 */
export function readOneByAdvertiserCode<T extends { id: number; advertiser_id: number; code?: string | null }>(
  client: XandrClient,
  shape: ServiceShape<T>,
  advertiserId: number,
  code: string,
  signal?: AbortSignal,
): Promise<T | null> {
  const wanted = code.toLowerCase();
  return readOne(client, shape, { advertiser_id: advertiserId, code }, (o) => o.advertiser_id === advertiserId && o.code?.toLowerCase() === wanted, signal);
}

function dedupe<T extends { id: number }>(objects: T[]): T[] {
  const seen = new Map<number, T>();
  for (const object of objects) seen.set(object.id, object);
  return [...seen.values()];
}

/**
 * GET mechanics shared by every service: `?id=1,2,3`, paging (`start_element`, `num_elements` capped at 100
 * silently), `?search=`, `?state=`, ordering by id, and the plural response key.
 */
import { ApiError } from './api-error.js';
import { readId, toInteger } from './fields.js';
import type { ListingCache } from './listing-cache.js';
import type { ServiceRequest, ServiceResponse } from './service-handler.js';
import type { JsonObject } from './types.js';

const MAX_PAGE = 100;

/** The ids of `?id=1,2,3` ascending and without duplicates, or undefined when absent. */
export function readIdList(query: Record<string, string>, key = 'id'): number[] | undefined {
  const text = query[key];
  if (text === undefined) return undefined;
  const ids = text.split(',').map((part) => readId(part.trim(), key));
  return [...new Set(ids)].sort((a, b) => a - b);
}

export interface Paging {
  start: number;
  size: number;
}

export function readPaging(query: Record<string, string>): Paging {
  const read = (key: string, fallback: number): number => {
    const text = query[key];
    if (text === undefined || text === '') return fallback;
    const n = toInteger(text);
    if (n === undefined || n < 0) throw ApiError.syntax(`'${key}' must be a non-negative integer (got "${text}")`);
    return n;
  };
  return { start: read('start_element', 0), size: Math.min(read('num_elements', MAX_PAGE), MAX_PAGE) };
}

export interface ListOptions<T> {
  /** The plural key: "segments", "line-items", ... */
  key: string;
  /** Candidates by id ascending. */
  rows: Iterable<T>;
  keep: (row: T) => boolean;
  render: (row: T) => JsonObject;
  paging: Paging;
  /** Remember the matching rows across the pages of one listing (see listingMemo). */
  memo?: ListingMemo;
}

/** One page of the matching rows; `count` is the total number of matches. */
export function listResponse<T>(options: ListOptions<T>): ServiceResponse {
  const { start, size } = options.paging;
  let page: JsonObject[] = [];
  let count = 0;
  if (options.memo) {
    const { cache, key, version } = options.memo;
    const matching = cache.rows(key, version, () => {
      const rows: T[] = [];
      for (const row of options.rows) if (options.keep(row)) rows.push(row);
      return rows;
    });
    page = matching.slice(start, start + size).map(options.render);
    count = matching.length;
  } else {
    for (const row of options.rows) {
      if (!options.keep(row)) continue;
      if (count >= start && page.length < size) page.push(options.render(row));
      count++;
    }
  }
  return {
    payload: { count, start_element: start, num_elements: size, [options.key]: page },
    outputTerm: options.key,
    wrote: false,
  };
}

export interface ListingMemo {
  cache: ListingCache;
  key: string;
  version: number;
}

/**
 * The memo for a GET that lists a whole collection: keyed by service, member, every filter but the paging
 * and the settings that change what a filter means, valid for the store's current version (any write
 * changes it). An `?id=` list is not memoised.
 */
export function listingMemo(request: ServiceRequest, service: string): ListingMemo | undefined {
  const { query } = request;
  if (query.id !== undefined) return undefined;
  const filters = Object.entries(query)
    .filter(([name]) => name !== 'start_element' && name !== 'num_elements')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ignoring = request.settings.ignoreModifiedFilter ? 'ignore-modified' : '';
  return {
    cache: request.listings,
    key: `${service}\u0000${request.user.memberId}\u0000${ignoring}\u0000${JSON.stringify(filters)}`,
    version: request.store.version,
  };
}

/** Candidates for a read: the listed ids, or the whole collection (an array: the hot path of a listing). */
export function candidates<T>(ids: number[] | undefined, get: (id: number) => T | undefined, all: () => Iterable<T>): Iterable<T> {
  if (!ids) return all();
  const rows: T[] = [];
  for (const id of ids) {
    const row = get(id);
    if (row) rows.push(row);
  }
  return rows;
}

/** `?search=`: the id, or a name or code containing the term (ignoring case). */
export function matchesSearch(term: string | undefined, id: number, ...texts: unknown[]): boolean {
  if (term === undefined || term === '') return true;
  if (String(id) === term.trim()) return true;
  const needle = term.toLowerCase();
  return texts.some((t) => typeof t === 'string' && t.toLowerCase().includes(needle));
}

/** `?state=active` (or a comma list). */
export function matchesState(filter: string | undefined, state: unknown): boolean {
  return filter === undefined || filter.split(',').includes(String(state));
}

/** A single `?id=X` that matches nothing is the not-found error; an id list returns whatever exists. */
export function requireFoundIfSingle(query: Record<string, string>, response: ServiceResponse, service: string): ServiceResponse {
  const ids = query.id;
  if (ids !== undefined && !ids.includes(',') && response.payload.count === 0) throw ApiError.notFound(service);
  return response;
}

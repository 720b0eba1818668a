/** What a service handler receives and returns. Handlers are synchronous: all state is in memory. */
import { ApiError } from './api-error.js';
import type { SessionUser } from './auth.js';
import { has, isObject } from './fields.js';
import type { ListingCache } from './listing-cache.js';
import type { Store } from './store.js';
import type { JsonObject, LoggedService, SandboxConfig } from './types.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ServiceRequest {
  method: Method;
  query: Record<string, string>;
  /** The parsed JSON body (null when there was none). */
  body: unknown;
  user: SessionUser;
  store: Store;
  /** Recent listings' matching rows, shared by the pages of one listing. */
  listings: ListingCache;
  /** The live settings (read only). */
  settings: SandboxConfig;
  now: number;
}

export interface ServiceResponse {
  /** The fields of `response` besides `status` and `dbg_info`. */
  payload: JsonObject;
  /** `dbg_info.output_term`: the key that carries the data, or "not_found". */
  outputTerm: string;
  /** State changed: the state file must be written before answering. */
  wrote: boolean;
  /** Answer only `{"response": {"status": "OK", ...payload}}` (the pixel POST). */
  bare?: boolean;
  /** What a write did, for the change log. */
  change?: WriteChange;
}

/** One object a write created, changed or deleted: the stored records before and after, and the object sent. */
export interface WriteChange {
  service: LoggedService;
  resourceId: number;
  /** Null when the write created the object. */
  before: JsonObject | null;
  /** Null when the write deleted the object. */
  after: JsonObject | null;
  /** The object under the body's service key; null for a DELETE. */
  sent: JsonObject | null;
}

export type Handler = (request: ServiceRequest) => ServiceResponse;

export interface Service {
  /** The URL name, e.g. "line-item"; also the `service` of error bodies. */
  name: string;
  GET?: Handler;
  POST?: Handler;
  PUT?: Handler;
  DELETE?: Handler;
}

export function created(service: LoggedService, record: JsonObject & { id: number }, sent: JsonObject): WriteChange {
  return { service, resourceId: record.id, before: null, after: record, sent };
}

export function updated(service: LoggedService, before: JsonObject & { id: number }, after: JsonObject, sent: JsonObject): WriteChange {
  return { service, resourceId: before.id, before, after, sent };
}

export function deleted(service: LoggedService, before: JsonObject & { id: number }): WriteChange {
  return { service, resourceId: before.id, before, after: null, sent: null };
}

/** The DELETE answer recorded from real traffic: no object, null paging, output_term "not_found". */
export function deletedResponse(change: WriteChange): ServiceResponse {
  return { payload: { count: 1, start_element: null, num_elements: null }, outputTerm: 'not_found', wrote: true, change };
}

/** POST and PUT answers: the singular key with the full object; PUT gives the id as a string. */
export function writtenResponse(key: string, id: number, object: JsonObject, method: Method, change: WriteChange): ServiceResponse {
  return {
    payload: { count: 1, start_element: 0, num_elements: 100, id: method === 'PUT' ? String(id) : id, [key]: object },
    outputTerm: key,
    wrote: true,
    change,
  };
}

/**
 * The object under the service key of a POST/PUT body (`{"segment": {...}}`); `keys` lists accepted keys,
 * the first being the documented one.
 */
export function bodyObject(request: ServiceRequest, keys: string[]): JsonObject {
  const body = request.body;
  const main = keys[0] ?? '';
  if (!isObject(body)) throw ApiError.syntax(`request body must be a JSON object like {"${main}": {...}}`);
  for (const key of keys) {
    if (!has(body, key)) continue;
    const value = body[key];
    if (!isObject(value)) throw ApiError.syntax(`'${key}' in the request body must be an object`);
    return value;
  }
  throw ApiError.syntax(`request body must contain a '${main}' object (found ${Object.keys(body).map((k) => `'${k}'`).join(', ') || 'no keys'})`);
}

/** What a service handler receives and returns. Handlers are synchronous: all state is in memory. */
import { ApiError } from './api-error.js';
import type { SessionUser } from './auth.js';
import { has, isObject } from './fields.js';
import type { ListingCache } from './listing-cache.js';
import type { Store } from './store.js';
import type { JsonObject, SandboxConfig } from './types.js';

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

/** The DELETE answer recorded from real traffic: no object, null paging, output_term "not_found". */
export function deletedResponse(): ServiceResponse {
  return { payload: { count: 1, start_element: null, num_elements: null }, outputTerm: 'not_found', wrote: true };
}

/** POST and PUT answers: the singular key with the full object; PUT gives the id as a string. */
export function writtenResponse(key: string, id: number, object: JsonObject, method: Method): ServiceResponse {
  return {
    payload: { count: 1, start_element: 0, num_elements: 100, id: method === 'PUT' ? String(id) : id, [key]: object },
    outputTerm: key,
    wrote: true,
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

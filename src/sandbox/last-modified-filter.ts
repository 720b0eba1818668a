/**
 * `min_last_modified`, `max_last_modified`, `nmin_last_modified` and `nmax_last_modified` on GET
 * (api-semantics.md "Filter by min and max values": `YYYY-MM-DD+HH:MM:SS`; the `n` forms also match a null
 * date). Bounds are inclusive. With the `ignoreModifiedFilter` setting they are not even read, as a service
 * that does not support the filter would ignore them (xandr-api.md 12: clients must detect that).
 */
import { readQueryTimestamp } from './fields.js';
import type { ServiceRequest } from './service-handler.js';
import type { JsonObject } from './types.js';

const MODIFIED_FILTER_KEYS = ['min_last_modified', 'max_last_modified', 'nmin_last_modified', 'nmax_last_modified'] as const;

/** The predicate the query's last_modified bounds ask for; undefined when there are none (or they are ignored). */
export function modifiedFilter(request: ServiceRequest): ((record: JsonObject) => boolean) | undefined {
  if (request.settings.ignoreModifiedFilter) return undefined;
  const bound = (key: (typeof MODIFIED_FILTER_KEYS)[number]): string | undefined => {
    const text = request.query[key];
    return text === undefined ? undefined : readQueryTimestamp(text, key);
  };
  const min = bound('min_last_modified');
  const max = bound('max_last_modified');
  const nmin = bound('nmin_last_modified');
  const nmax = bound('nmax_last_modified');
  if (min === undefined && max === undefined && nmin === undefined && nmax === undefined) return undefined;
  return (record) => {
    const at = typeof record.last_modified === 'string' && record.last_modified !== '' ? record.last_modified : null;
    if (min !== undefined && (at === null || at < min)) return false;
    if (max !== undefined && (at === null || at > max)) return false;
    if (nmin !== undefined && at !== null && at < nmin) return false;
    if (nmax !== undefined && at !== null && at > nmax) return false;
    return true;
  };
}

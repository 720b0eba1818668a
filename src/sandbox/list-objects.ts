/**
 * The GET every object service answers alike (segment-service.md, conversion-pixel-service.md,
 * line-item-service.md, profile-service.md): by `id` lists or as a listing of the member's objects, narrowed
 * by advertiser, `code`, `search`, `state` and the `min_/max_last_modified` filters, in pages, memoized per
 * store version. What differs per service is passed in.
 */
import { modifiedFilter } from './last-modified-filter.js';
import { candidates, listingMemo, listResponse, matchesSearch, matchesState, readIdList, readPaging, requireFoundIfSingle } from './listing.js';
import { advertiserFilter } from './scope.js';
import type { ServiceRequest, ServiceResponse } from './service-handler.js';
import type { JsonObject } from './types.js';

interface Listed {
  id: number;
  member_id: unknown;
  code?: unknown;
  state?: unknown;
  advertiser_id?: unknown;
}

export interface ListSpec<T extends Listed> {
  /** The service, for its not-found answer and the listing memo. */
  service: string;
  /** The plural envelope key (`segments`, `line-items`). */
  key: string;
  collection: { get(id: number): T | undefined; values(): Iterable<T> };
  render: (object: T) => JsonObject;
  /** The fields `search=` matches, besides the id. */
  searched: (object: T) => unknown[];
  /** `code=` ignores case (line items, profiles, advertisers) or not (segments, pixels). */
  codeIgnoresCase: boolean;
  /** Whether `state=` narrows the listing (profiles have no state). */
  state: boolean;
  /** Whether the advertiser filters and `min_/max_last_modified` apply (not to advertisers). */
  scoped: boolean;
}

export function listObjects<T extends Listed>(request: ServiceRequest, spec: ListSpec<T>): ServiceResponse {
  const { query, user } = request;
  const byAdvertiser = spec.scoped ? advertiserFilter(request) : null;
  const modified = spec.scoped ? modifiedFilter(request) : null;
  const code = query.code === undefined ? undefined : spec.codeIgnoresCase ? query.code.toLowerCase() : query.code;
  const sameCode = (value: unknown) => typeof value === 'string' && (spec.codeIgnoresCase ? value.toLowerCase() : value) === code;
  const response = listResponse({
    key: spec.key,
    rows: candidates(readIdList(query), (id) => spec.collection.get(id), () => spec.collection.values()),
    keep: (o: T) =>
      o.member_id === user.memberId &&
      (!byAdvertiser || byAdvertiser(o.advertiser_id as number)) &&
      (code === undefined || sameCode(o.code)) &&
      matchesSearch(query.search, o.id, ...(spec.searched(o) as [unknown, unknown])) &&
      (!spec.state || matchesState(query.state, o.state)) &&
      (!modified || modified(o as unknown as JsonObject)),
    render: spec.render,
    paging: readPaging(query),
    memo: listingMemo(request, spec.service),
  });
  return requireFoundIfSingle(query, response, spec.service);
}

/**
 * Owner scopes in query strings: `member_id`, `advertiser_id`, `advertiser_code`; and finding the object a
 * PUT or DELETE is about (`?id=`, `?code=`, or the body's `id`).
 */
import { ApiError } from './api-error.js';
import type { Collection } from './collection.js';
import { readId } from './fields.js';
import type { ServiceRequest } from './service-handler.js';
import type { AdvertiserRecord } from './types.js';

/** `?member_id=` must be the user's own member: anything else is not allowed. */
export function checkMemberQuery(request: ServiceRequest): void {
  const text = request.query.member_id;
  if (text === undefined) return;
  const memberId = readId(text, 'member_id');
  if (memberId !== request.user.memberId) {
    throw ApiError.unauth(`You do not have access to member ${memberId}; this user belongs to member ${request.user.memberId}`);
  }
}

/** An advertiser of the user's member, by id (number or numeric string) or by code; not found otherwise. */
export function findAdvertiser(request: ServiceRequest, by: { id?: unknown; code?: string }): AdvertiserRecord {
  let advertiser: AdvertiserRecord | undefined;
  let label: string;
  if (by.id !== undefined) {
    const id = readId(by.id, 'advertiser_id');
    advertiser = request.store.advertisers.get(id);
    label = `advertiser id not found: ${id}`;
  } else {
    advertiser = request.store.advertisers.findByCode(request.user.memberId, by.code ?? '');
    label = `advertiser code not found: ${by.code}`;
  }
  if (!advertiser || advertiser.member_id !== request.user.memberId) throw ApiError.notFound('advertiser', label);
  return advertiser;
}

/** The advertiser named by `?advertiser_id=` or `?advertiser_code=`, or undefined when neither is given. */
export function advertiserFromQuery(request: ServiceRequest): AdvertiserRecord | undefined {
  const { advertiser_id: id, advertiser_code: code } = request.query;
  if (id !== undefined) return findAdvertiser(request, { id });
  if (code !== undefined) return findAdvertiser(request, { code });
  return undefined;
}

/**
 * The advertiser a POST creates its object for: `?advertiser_id=`/`?advertiser_code=`, or `advertiser_id` in
 * the body (as the seed article sends it); both must agree. Undefined when neither names one.
 */
export function advertiserForCreate(request: ServiceRequest, input: Record<string, unknown>): AdvertiserRecord | undefined {
  const fromQuery = advertiserFromQuery(request);
  if (input.advertiser_id === undefined || input.advertiser_id === null) return fromQuery;
  const fromBody = findAdvertiser(request, { id: input.advertiser_id });
  if (fromQuery && fromQuery.id !== fromBody.id) {
    throw ApiError.syntax(`'advertiser_id' ${fromBody.id} in the body does not match advertiser ${fromQuery.id} of the query string`);
  }
  return fromBody;
}

export interface TargetOptions<T> {
  service: string;
  collection: Collection<T & { id: number; code?: unknown }>;
  /** Is the object visible to this user (member, and any advertiser scope in the query)? */
  visible: (record: T) => boolean;
  /** The scope in which `?code=` is looked up (member or advertiser id). */
  codeScope: () => number;
  /** PUT only: the body's `id`, used when the query string names no object (as the seed article does). */
  bodyId?: unknown;
  /** Line-item codes are "not case-sensitive" (line-item-service.md); segment codes select case-sensitively. */
  codeIgnoresCase?: boolean;
}

export function findTarget<T extends { id: number; code?: unknown }>(request: ServiceRequest, options: TargetOptions<T>): T {
  const { id: idText, code } = request.query;
  let record: T | undefined;
  if (idText !== undefined) {
    if (idText.includes(',')) throw ApiError.syntax(`${request.method} takes one 'id' in the query string, not a list`);
    record = options.collection.get(readId(idText, 'id')) as T | undefined;
  } else if (code !== undefined) {
    const found = options.collection.findByCode(options.codeScope(), code) as T | undefined;
    // Targeting a segment by code in the query string is case-sensitive (segment-service.md).
    record = found && (options.codeIgnoresCase || found.code === code) ? found : undefined;
  } else if (options.bodyId !== undefined && options.bodyId !== null) {
    record = options.collection.get(readId(options.bodyId, 'id')) as T | undefined;
  } else {
    throw ApiError.syntax(`'id' or 'code' is required in the query string to ${request.method} a ${options.service}`);
  }
  if (!record || !options.visible(record)) throw ApiError.notFound(options.service);
  return record;
}

/**
 * The object of a kind an advertiser owns (pixel, line item, profile) that a PUT or DELETE names: by id, or by
 * code within the advertiser the query string names; only the user's member's, and the named advertiser's.
 */
export function findAdvertiserTarget<T extends { id: number; code?: unknown; member_id: number; advertiser_id: number }>(
  request: ServiceRequest,
  options: Pick<TargetOptions<T>, 'service' | 'collection' | 'bodyId' | 'codeIgnoresCase'> & { whyScoped: string },
): T {
  const scope = advertiserFromQuery(request);
  return findTarget<T>(request, {
    ...options,
    visible: (record) => record.member_id === request.user.memberId && (!scope || record.advertiser_id === scope.id),
    codeScope: () => {
      if (!scope) throw ApiError.syntax(`'advertiser_id' or 'advertiser_code' is required with 'code': ${options.whyScoped}`);
      return scope.id;
    },
  });
}

/**
 * A GET filter on `advertiser_id` (one id, which must exist, or a comma list, which need not) or
 * `advertiser_code`; undefined when the query names no advertiser.
 */
export function advertiserFilter(request: ServiceRequest): ((advertiserId: unknown) => boolean) | undefined {
  const text = request.query.advertiser_id;
  if (text !== undefined && text.includes(',')) {
    const ids = new Set(text.split(',').map((part) => readId(part.trim(), 'advertiser_id')));
    return (advertiserId) => ids.has(Number(advertiserId));
  }
  const advertiser = advertiserFromQuery(request);
  return advertiser ? (advertiserId) => Number(advertiserId) === advertiser.id : undefined;
}

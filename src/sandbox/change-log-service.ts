/**
 * `/change-log` and `/change-log-detail` (change-log-services.md), read only. `/change-log` lists a resource's
 * transactions newest first, 100 per page, with `additional_fields` and `min_timestamp`/`max_timestamp`;
 * `/change-log-detail` shows one transaction with its field changes. Both answer as the docs show them, with
 * no `last_modified` filters (the change log has `min_timestamp` instead). The `refuseChangeLog` setting
 * answers UNAUTH, as Xandr does for user types other than member, advertiser and member_advertiser.
 */
import { ApiError } from './api-error.js';
import { readId, readQueryTimestamp, show } from './fields.js';
import { readPaging } from './listing.js';
import type { ServiceRequest, Service, ServiceResponse } from './service-handler.js';
import type { ChangeLogTransaction, JsonObject } from './types.js';

const ADDITIONAL_FIELDS = ['request_source', 'user_id', 'object_json'] as const;

function checkAccess(request: ServiceRequest): void {
  if (request.settings.refuseChangeLog) {
    throw ApiError.unauth('This user may not use the change log service: only member, advertiser and member_advertiser users may');
  }
}

function required(request: ServiceRequest, key: string): string {
  const value = request.query[key];
  if (value === undefined || value.trim() === '') throw ApiError.syntax(`'${key}' is required in the query string`);
  return value.trim();
}

function readService(request: ServiceRequest): string {
  const service = required(request, 'service');
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw ApiError.syntax(`'service' must be a service name such as line-item (got ${show(service)})`);
  return service;
}

function readAdditionalFields(request: ServiceRequest): Set<string> {
  const text = request.query.additional_fields;
  if (text === undefined || text.trim() === '') return new Set();
  const fields = text.split(',').map((f) => f.trim());
  for (const field of fields) {
    if (!(ADDITIONAL_FIELDS as readonly string[]).includes(field)) {
      throw ApiError.syntax(`'additional_fields' may name ${ADDITIONAL_FIELDS.join(', ')} (got ${show(field)})`);
    }
  }
  return new Set(fields);
}

function readBoolean(request: ServiceRequest, key: string): boolean {
  const text = request.query[key];
  if (text === undefined) return false;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw ApiError.syntax(`'${key}' must be true or false (got ${show(text)})`);
}

/** Newest first unless `sort=created_on.asc`; the docs allow sorting on created_on only. */
function readOrder(request: ServiceRequest): 'asc' | 'desc' {
  const sort = request.query.sort;
  if (sort === undefined || sort === 'created_on.desc') return 'desc';
  if (sort === 'created_on.asc') return 'asc';
  throw ApiError.syntax(`'sort' must be created_on.asc or created_on.desc: the change log sorts on created_on only (got ${show(sort)})`);
}

function visible(request: ServiceRequest, t: ChangeLogTransaction, service: string): boolean {
  return t.member_id === request.user.memberId && t.service === service;
}

/** One row of `change_logs`, in the key order of the docs' example. */
function renderEntry(t: ChangeLogTransaction, extra: Set<string>): JsonObject {
  return {
    transaction_id: t.transaction_id,
    ...(extra.has('object_json') && { object_json: t.object_json }),
    created_on: t.created_on,
    ...(extra.has('user_id') && { user_id: t.user_id }),
    resource_id: t.resource_id,
    ...(extra.has('request_source') && { request_source: t.request_source }),
  };
}

/** One row of `change_log_details`, in the key order of the docs' example. */
function renderDetail(t: ChangeLogTransaction): JsonObject {
  return {
    transaction_id: t.transaction_id,
    member_id: t.member_id,
    raw_json: t.raw_json,
    plugin_id: null,
    method: t.method,
    changes: structuredClone(t.changes),
    session_id: t.session_id,
    internal_txn: false,
    url: t.url,
    request_source: t.request_source,
    num_of_changes: t.num_of_changes,
    created_on: t.created_on,
    user_id: t.user_id,
    modified_by_admin: false,
    admin_id: null,
    user_full_name: t.user_full_name,
    resource_id: t.resource_id,
    client_ip: t.client_ip,
    ip_info: t.ip_info,
  };
}

function page(key: string, rows: JsonObject[], request: ServiceRequest): ServiceResponse {
  const { start, size } = readPaging(request.query);
  return {
    payload: { [key]: rows.slice(start, start + size), start_element: start, num_elements: size, count: rows.length },
    outputTerm: key,
    wrote: false,
  };
}

export const changeLogService: Service = {
  name: 'change-log',
  GET(request) {
    checkAccess(request);
    const service = readService(request);
    const resourceId = readId(required(request, 'resource_id'), 'resource_id');
    const extra = readAdditionalFields(request);
    const { min_timestamp: minText, max_timestamp: maxText } = request.query;
    const min = minText === undefined ? undefined : readQueryTimestamp(minText, 'min_timestamp');
    const max = maxText === undefined ? undefined : readQueryTimestamp(maxText, 'max_timestamp');
    const withChanges = readBoolean(request, 'transactions_with_changes');
    const order = readOrder(request);
    const matching = request.store.changeLog
      .all()
      .filter(
        (t) =>
          visible(request, t, service) &&
          t.resource_id === resourceId &&
          (min === undefined || t.created_on >= min) &&
          (max === undefined || t.created_on <= max) &&
          (!withChanges || t.num_of_changes > 0),
      );
    // Stored oldest first, so newest first is the reverse (ties keep the order they were made in, reversed).
    if (order === 'desc') matching.reverse();
    return page('change_logs', matching.map((t) => renderEntry(t, extra)), request);
  },
};

export const changeLogDetailService: Service = {
  name: 'change-log-detail',
  GET(request) {
    checkAccess(request);
    const service = readService(request);
    const transactionId = required(request, 'transaction_id');
    const resourceText = request.query.resource_id;
    const resourceId = resourceText === undefined ? undefined : readId(resourceText, 'resource_id');
    const found = request.store.changeLog.find(transactionId);
    if (!found || !visible(request, found, service) || (resourceId !== undefined && found.resource_id !== resourceId)) {
      throw ApiError.notFound('change-log-detail', `transaction not found: ${show(transactionId)} for service ${service}`);
    }
    return page('change_log_details', [renderDetail(found)], request);
  },
};

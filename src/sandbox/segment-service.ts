/**
 * `/segment` (segment-service.md). Segments belong to the user's member, optionally to one of its
 * advertisers. `code` is unique per member ignoring case; selecting by `?code=` is case-sensitive.
 */
import { ApiError } from './api-error.js';
import { listObjects } from './list-objects.js';
import { has, isObject, readBoolean, readEnum, readInteger, readNullableId, readNumber, readPiggybackPixels, readString, rejectUnknownFields, formatTimestamp } from './fields.js';
import { newSegment } from './records.js';
import { advertiserForCreate, advertiserFromQuery, checkMemberQuery, findAdvertiser, findTarget } from './scope.js';
import { bodyObject, created, deleted, deletedResponse, updated, writtenResponse, type Service, type ServiceRequest } from './service-handler.js';
import type { JsonObject, SegmentRecord } from './types.js';

const WRITABLE = new Set([
  'code', 'state', 'short_name', 'description', 'advertiser_id', 'price', 'expire_minutes', 'enable_rm_piggyback',
  'max_usersync_pixels', 'parent_segment_id', 'piggyback_pixels', 'querystring_mapping', 'querystring_mapping_key_value',
]);
/** Accepted and ignored: the server owns them (a body's member_id is ignored too, as in the docs' POST example). */
const READ_ONLY = new Set(['id', 'member_id', 'last_modified', 'provider', 'provider_id', 'category', 'object_type']);

function render(segment: SegmentRecord): JsonObject {
  // The docs show price as the string "0".
  return { ...segment, price: String(segment.price ?? 0) };
}

function applyFields(request: ServiceRequest, target: SegmentRecord, input: JsonObject, creating: boolean): void {
  rejectUnknownFields(input, WRITABLE, READ_ONLY, 'segment');
  if (creating && !has(input, 'short_name')) throw ApiError.syntax(`'short_name' is required to create a segment`);
  if (has(input, 'short_name')) target.short_name = readString(input, 'short_name', { max: 255 }) as string;
  if (has(input, 'code')) target.code = readString(input, 'code', { max: 50, nullable: true });
  if (has(input, 'state')) target.state = readEnum(input, 'state', ['active', 'inactive'] as const);
  if (has(input, 'description')) {
    const description = readString(input, 'description', { max: 500, nullable: true, empty: true });
    if (description !== null && /['\\]/.test(description)) {
      throw ApiError.syntax(`'description' must not contain the characters ' or \\`);
    }
    target.description = description;
  }
  if (has(input, 'price')) target.price = readNumber(input, 'price', { min: 0 });
  if (has(input, 'expire_minutes')) target.expire_minutes = readInteger(input, 'expire_minutes', { min: 0, nullable: true });
  if (has(input, 'enable_rm_piggyback')) target.enable_rm_piggyback = readBoolean(input, 'enable_rm_piggyback');
  if (has(input, 'max_usersync_pixels')) {
    target.max_usersync_pixels = readInteger(input, 'max_usersync_pixels', { min: 0, nullable: true });
  }
  if (has(input, 'piggyback_pixels')) target.piggyback_pixels = readPiggybackPixels(input, 'piggyback_pixels');
  if (has(input, 'parent_segment_id')) {
    const parentId = readNullableId(input, 'parent_segment_id');
    const parent = parentId === null ? undefined : request.store.segments.get(parentId);
    if (parentId !== null && (!parent || parent.member_id !== target.member_id || parentId === target.id)) {
      throw ApiError.syntax(`'parent_segment_id' ${parentId} is not another segment of member ${target.member_id}`);
    }
    target.parent_segment_id = parentId;
  }
  if (has(input, 'querystring_mapping')) target.querystring_mapping = readQuerystringMapping(input.querystring_mapping);
  if (has(input, 'querystring_mapping_key_value')) {
    target.querystring_mapping_key_value = readKeyValueMapping(input.querystring_mapping_key_value);
  }
  checkMappings(target, input);
  if (typeof target.code === 'string') {
    const other = request.store.segments.findByCode(target.member_id, target.code);
    if (other && other.id !== target.id) {
      throw ApiError.integrity(`code '${target.code}' is already used by segment ${other.id} (codes are unique per member, ignoring case)`);
    }
  }
}

function readQuerystringMapping(value: unknown): JsonObject | null {
  if (value === null) return null;
  if (!isObject(value)) throw ApiError.syntax(`'querystring_mapping' must be an object or null`);
  readString(value, 'param', { max: 255 });
  if (has(value, 'value_type')) readEnum(value, 'value_type', ['text', 'numeric', 'none'] as const);
  return structuredClone(value);
}

function readKeyValueMapping(value: unknown): JsonObject | null {
  if (value === null) return null;
  if (!isObject(value)) throw ApiError.syntax(`'querystring_mapping_key_value' must be an object or null`);
  readString(value, 'qs_key');
  if (!has(value, 'qs_value')) throw ApiError.syntax(`'querystring_mapping_key_value.qs_value' is required when qs_key is set`);
  readString(value, 'qs_value', { nullable: true, empty: true });
  return structuredClone(value);
}

function checkMappings(target: SegmentRecord, input: JsonObject): void {
  if (target.querystring_mapping != null && target.querystring_mapping_key_value != null) {
    throw ApiError.syntax(`'querystring_mapping' and 'querystring_mapping_key_value' cannot be used together`);
  }
  const keyValue = target.querystring_mapping_key_value != null;
  const setsMax = has(input, 'max_usersync_pixels') && input.max_usersync_pixels !== null;
  const setsKeyValue = has(input, 'querystring_mapping_key_value') && input.querystring_mapping_key_value !== null;
  if ((keyValue && setsMax) || (setsKeyValue && Number(target.max_usersync_pixels ?? 0) > 0)) {
    throw ApiError.syntax(`'max_usersync_pixels' cannot be used together with 'querystring_mapping_key_value'`);
  }
}

function rejectBulk(request: ServiceRequest): void {
  if (isObject(request.body) && has(request.body, 'segments') && !has(request.body, 'segment')) {
    throw ApiError.syntax(`the bulk form {"segments": [...]} is not emulated by the sandbox; send one {"segment": {...}} per request`);
  }
}

/** The segment a PUT or DELETE names (by id or code; codes are unique per member), of an advertiser the query names. */
function targetOf(request: ServiceRequest, bodyId?: unknown): SegmentRecord {
  const scope = advertiserFromQuery(request);
  return findTarget<SegmentRecord>(request, {
    service: 'segment',
    collection: request.store.segments,
    visible: (s) => s.member_id === request.user.memberId && (!scope || s.advertiser_id === scope.id),
    codeScope: () => request.user.memberId,
    bodyId,
  });
}

export const segmentService: Service = {
  name: 'segment',

  GET(request) {
    checkMemberQuery(request);
    return listObjects(request, {
      service: 'segment',
      key: 'segments',
      collection: request.store.segments,
      render,
      searched: (s) => [s.short_name, s.code],
      codeIgnoresCase: false,
      state: true,
      scoped: true,
    });
  },

  POST(request) {
    checkMemberQuery(request);
    rejectBulk(request);
    const input = bodyObject(request, ['segment']);
    const advertiserId = advertiserForCreate(request, input)?.id ?? null;
    const segment = newSegment(0, request.user.memberId, request.now);
    applyFields(request, segment, input, true);
    segment.advertiser_id = advertiserId;
    segment.id = request.store.nextId('segment');
    request.store.segments.set(segment);
    return writtenResponse('segment', segment.id, render(segment), 'POST', created('segment', segment, input));
  },

  PUT(request) {
    checkMemberQuery(request);
    rejectBulk(request);
    const input = bodyObject(request, ['segment']);
    const current = targetOf(request, input.id);
    const next = structuredClone(current);
    applyFields(request, next, input, false);
    if (has(input, 'advertiser_id')) {
      // null turns an advertiser segment into a network (member-level) one (segment-service.md).
      next.advertiser_id = input.advertiser_id === null ? null : findAdvertiser(request, { id: input.advertiser_id }).id;
    }
    next.last_modified = formatTimestamp(request.now);
    request.store.segments.set(next);
    return writtenResponse('segment', next.id, render(next), 'PUT', updated('segment', current, next, input));
  },

  DELETE(request) {
    checkMemberQuery(request);
    const current = targetOf(request);
    request.store.segments.delete(current.id);
    return deletedResponse(deleted('segment', current));
  },
};

/**
 * A profile's segment targeting (profile-service.md "Segment targets", "Segment group targets"): the flat
 * `segment_targets` and the grouped `segment_group_targets`, which one request may not both send. Null
 * segments cannot be added; every segment must exist and be usable by the profile's advertiser (a member-level
 * segment or one of the same advertiser); at most 400 segments and 400 groups per profile
 * (object-limit-service.md). `code`, `name` and `deleted` are read-only: filled from the segment on output.
 * Every error names the element it is about, e.g. `segment_group_targets[1].segments[0].id`.
 */
import { ApiError } from './api-error.js';
import { has, isObject, readEnum, readId, readInteger, show } from './fields.js';
import type { Store } from './store.js';
import type { JsonObject, ProfileRecord, ProfileSegment, ProfileSegmentGroup } from './types.js';

export const MAX_PROFILE_SEGMENTS = 400;
export const MAX_SEGMENT_GROUPS = 400;

const SEGMENT_FIELDS = new Set(['id', 'action', 'start_minutes', 'expire_minutes', 'other_equals', 'other_less', 'other_greater', 'other_in_list']);
const SEGMENT_READ_ONLY = new Set(['code', 'name', 'deleted']);
const GROUP_FIELDS = new Set(['boolean_operator', 'segments']);

/** One element as sent: only the fields present change an element when appending. */
type SegmentInput = Partial<ProfileSegment> & { id: number };

function readSegment(value: unknown, where: string): SegmentInput {
  if (value === null) throw ApiError.syntax(`'${where}' is null: null segments cannot be added to a profile`);
  if (!isObject(value)) throw ApiError.syntax(`'${where}' must be an object like {"id": 123, "action": "include"} (got ${show(value)})`);
  for (const key of Object.keys(value)) {
    if (!SEGMENT_FIELDS.has(key) && !SEGMENT_READ_ONLY.has(key)) throw ApiError.syntax(`field '${key}' is not valid in '${where}'`);
  }
  if (!has(value, 'id') || value.id === null) throw ApiError.syntax(`'${where}.id' is required: every targeted segment needs its id`);
  const input: SegmentInput = { id: readId(value.id, `${where}.id`) };
  if (has(value, 'action')) input.action = readEnum(value, 'action', ['include', 'exclude'] as const, false, where) as 'include' | 'exclude';
  for (const key of ['start_minutes', 'expire_minutes', 'other_less', 'other_greater'] as const) {
    if (has(value, key)) input[key] = readInteger(value, key, { nullable: true, where });
  }
  if (has(value, 'other_equals')) {
    const equals = value.other_equals;
    if (equals !== null && typeof equals !== 'string' && typeof equals !== 'number') {
      throw ApiError.syntax(`'${where}.other_equals' must be a string, a number or null (got ${show(equals)})`);
    }
    input.other_equals = equals as string | number | null;
  }
  if (has(value, 'other_in_list')) {
    const list = value.other_in_list;
    if (list !== null && (!Array.isArray(list) || !list.every((v) => typeof v === 'string' || typeof v === 'number'))) {
      throw ApiError.syntax(`'${where}.other_in_list' must be an array of values or null (got ${show(list)})`);
    }
    input.other_in_list = list === null ? null : [...(list as (string | number)[])];
  }
  if (input.other_equals != null && input.other_in_list != null) {
    throw ApiError.syntax(`'${where}': other_equals and other_in_list cannot be used together`);
  }
  return input;
}

function readSegmentList(value: unknown, where: string): SegmentInput[] {
  if (!Array.isArray(value)) throw ApiError.syntax(`'${where}' must be an array (got ${show(value)})`);
  const seen = new Set<number>();
  return value.map((element, index) => {
    const input = readSegment(element, `${where}[${index}]`);
    if (seen.has(input.id)) throw ApiError.syntax(`segment ${input.id} appears more than once in '${where}'`);
    seen.add(input.id);
    return input;
  });
}

/** Defaults from the field tables: action include, start_minutes 0, expire_minutes -1. */
function complete(input: SegmentInput): ProfileSegment {
  return {
    id: input.id,
    action: input.action ?? 'include',
    start_minutes: input.start_minutes === undefined ? 0 : input.start_minutes,
    expire_minutes: input.expire_minutes === undefined ? -1 : input.expire_minutes,
    other_equals: input.other_equals ?? null,
    other_less: input.other_less ?? null,
    other_greater: input.other_greater ?? null,
    other_in_list: input.other_in_list ?? null,
  };
}

/** Without append the array replaces; with append, elements are merged by id (api-semantics.md "Append on PUT"). */
function mergeSegments(current: ProfileSegment[] | null, inputs: SegmentInput[], append: boolean): ProfileSegment[] {
  if (!append) return inputs.map(complete);
  const result = (current ?? []).map((s) => ({ ...s }));
  for (const input of inputs) {
    const existing = result.find((s) => s.id === input.id);
    if (existing) Object.assign(existing, input);
    else result.push(complete(input));
  }
  return result;
}

/**
 * Applies the request's `segment_targets` / `segment_group_targets` to `target`. Groups have no id, so with
 * `append=true` the groups sent are added after the stored ones (the docs show no grouped append).
 */
export function applySegmentTargeting(input: JsonObject, target: ProfileRecord, append: boolean): void {
  if (has(input, 'segment_targets') && has(input, 'segment_group_targets')) {
    throw ApiError.syntax(`'segment_targets' and 'segment_group_targets' cannot both be sent in one request; send one of them`);
  }
  if (has(input, 'segment_boolean_operator')) {
    target.segment_boolean_operator = readEnum(input, 'segment_boolean_operator', ['and', 'or'] as const) as 'and' | 'or';
  }
  if (has(input, 'segment_targets')) {
    const value = input.segment_targets;
    target.segment_targets = value === null ? (append ? target.segment_targets : null) : mergeSegments(target.segment_targets, readSegmentList(value, 'segment_targets'), append);
  }
  if (has(input, 'segment_group_targets')) {
    const value = input.segment_group_targets;
    if (value === null) {
      if (!append) target.segment_group_targets = null;
    } else {
      if (!Array.isArray(value)) throw ApiError.syntax(`'segment_group_targets' must be an array or null (got ${show(value)})`);
      const groups = value.map((group, index) => readGroup(group, `segment_group_targets[${index}]`));
      target.segment_group_targets = append ? [...(target.segment_group_targets ?? []), ...groups] : groups;
    }
  }
}

function readGroup(value: unknown, where: string): ProfileSegmentGroup {
  if (!isObject(value)) throw ApiError.syntax(`'${where}' must be an object like {"boolean_operator": "or", "segments": [...]} (got ${show(value)})`);
  for (const key of Object.keys(value)) if (!GROUP_FIELDS.has(key)) throw ApiError.syntax(`field '${key}' is not valid in '${where}'`);
  const operator = has(value, 'boolean_operator') ? readEnum(value, 'boolean_operator', ['and', 'or'] as const, false, where) : 'or';
  if (!has(value, 'segments')) throw ApiError.syntax(`'${where}.segments' is required`);
  return { boolean_operator: operator as 'and' | 'or', segments: readSegmentList(value.segments, `${where}.segments`).map(complete) };
}

/**
 * The checks on the profile as it would be after the write: the limits, and every segment the request names
 * usable by its advertiser. Segments stored before are not checked again, so that a segment deleted since
 * does not block an unrelated edit (it shows as `deleted: true`).
 */
export function checkSegmentTargeting(store: Store, profile: ProfileRecord, input: JsonObject): void {
  const groups = profile.segment_group_targets ?? [];
  if (groups.length > MAX_SEGMENT_GROUPS) {
    throw ApiError.limit(`a profile can have at most ${MAX_SEGMENT_GROUPS} segment groups; this request would give profile ${profile.id || '(new)'} ${groups.length}`);
  }
  const targeted: [ProfileSegment, string][] = [
    ...(profile.segment_targets ?? []).map((s, i): [ProfileSegment, string] => [s, `segment_targets[${i}]`]),
    ...groups.flatMap((g, gi) => g.segments.map((s, i): [ProfileSegment, string] => [s, `segment_group_targets[${gi}].segments[${i}]`])),
  ];
  if (targeted.length > MAX_PROFILE_SEGMENTS) {
    throw ApiError.limit(`a profile can target at most ${MAX_PROFILE_SEGMENTS} segments; this request would give profile ${profile.id || '(new)'} ${targeted.length}`);
  }
  const sent = sentSegmentIds(input);
  for (const [segment, where] of targeted) {
    if (!sent.has(segment.id)) continue;
    const found = store.segments.get(segment.id);
    if (!found || found.member_id !== profile.member_id) {
      throw ApiError.notFound('segment', `'${where}.id': segment id not found: ${segment.id}`);
    }
    if (found.advertiser_id !== null && found.advertiser_id !== undefined && Number(found.advertiser_id) !== profile.advertiser_id) {
      throw ApiError.syntax(
        `'${where}.id': segment ${segment.id} belongs to advertiser ${found.advertiser_id} and cannot be targeted by a profile of advertiser ${profile.advertiser_id}; use a member-level segment or one of the same advertiser`,
      );
    }
  }
}

function sentSegmentIds(input: JsonObject): Set<number> {
  const ids = new Set<number>();
  const add = (list: unknown) => {
    if (Array.isArray(list)) for (const s of list) if (isObject(s)) ids.add(readId(s.id, 'id'));
  };
  add(input.segment_targets);
  if (Array.isArray(input.segment_group_targets)) for (const g of input.segment_group_targets) if (isObject(g)) add(g.segments);
  return ids;
}

/** Output order of profile-service.md's GET example, with the read-only fields filled from the segment. */
function renderSegment(store: Store, segment: ProfileSegment): JsonObject {
  const found = store.segments.get(segment.id);
  return {
    id: segment.id,
    action: segment.action,
    start_minutes: segment.start_minutes,
    expire_minutes: segment.expire_minutes,
    other_less: segment.other_less,
    other_greater: segment.other_greater,
    other_equals: segment.other_equals,
    code: found?.code ?? null,
    name: found?.short_name ?? null,
    deleted: !found,
    other_in_list: segment.other_in_list,
  };
}

export function renderSegmentTargeting(store: Store, profile: ProfileRecord): JsonObject {
  return {
    segment_targets: profile.segment_targets ? profile.segment_targets.map((s) => renderSegment(store, s)) : null,
    segment_group_targets: profile.segment_group_targets
      ? profile.segment_group_targets.map((g) => ({ boolean_operator: g.boolean_operator, segments: g.segments.map((s) => renderSegment(store, s)) }))
      : null,
  };
}

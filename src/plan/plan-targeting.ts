import type { BooleanOperator, TargetingManifest, TargetingSegment } from '../manifest/types.js';
import type { LiveLineItem, LiveProfile, LiveProfileSegment, LiveSegmentGroup } from '../xandr/types.js';
import { checkAdvertiser, fail, findBoundLineItem, isRef, type PlanContext } from './context.js';
import type { Draft } from './coded-object.js';
import type { Change, Json, Ref } from './types.js';

/**
 * LineItemSegments: the segment targeting of a line item's profile (profile-service.md). The line item
 * exists; the repository owns its profile's `segment_group_targets` and `segment_boolean_operator`.
 *
 * - Compared by segment id, order-free within a group, and groups order-free too (and/or commute). A
 *   recency field (`start_minutes`, `expire_minutes`) the manifest leaves out is not managed: the live value
 *   is carried over, as are the `other_*` fields xandr-sync does not manage, because a PUT replaces arrays.
 * - One `PUT /profile` per changed profile with both fields whole. A line item without a profile gets one:
 *   `POST /profile`, then `PUT /line-item` setting `profile_id` (`<address>#profile_id`).
 * - A live profile that uses the flat `segment_targets` is converted to groups, as the console does: the PUT
 *   writes the groups, then `<address>#segment_targets` empties the flat list. Xandr refuses both fields in
 *   one request; groups first means the profile never has less targeting than either form.
 */

/** object-limit-service.md: at most 400 segments (and 400 groups) per profile. */
export const MAX_PROFILE_SEGMENTS = 400;

interface Element {
  id: number | Ref;
  action: 'include' | 'exclude';
  start_minutes?: number | null;
  expire_minutes?: number | null;
  other_equals?: string | number | null;
  other_less?: number | null;
  other_greater?: number | null;
  other_in_list?: (string | number)[] | null;
}

interface Group {
  boolean_operator: BooleanOperator;
  segments: Element[];
}

const RECENCY = ['start_minutes', 'expire_minutes'] as const;
const OTHER = ['other_equals', 'other_less', 'other_greater', 'other_in_list'] as const;

export function planTargeting(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  for (const manifest of ctx.desired.targeting) {
    const planned = planOne(ctx, manifest);
    if (planned === null) continue;
    if (planned.length === 0) unchanged++;
    drafts.push(...planned);
  }
  return { drafts, unchanged };
}

function planOne(ctx: PlanContext, manifest: TargetingManifest): Draft[] | null {
  const spec = manifest.spec;
  if (!checkAdvertiser(ctx, manifest, spec.advertiser_id)) return null;
  const lineItem = findBoundLineItem(ctx, manifest);
  if (!lineItem) return null;
  const errorsBefore = ctx.errors.length;
  const profile = liveProfile(ctx, manifest, lineItem);
  if (profile === undefined) return null;

  const dependsOn = new Set<string>();
  const groups: Group[] = spec.groups.map((group, i) => {
    const seen = new Map<string, number>();
    const segments: Element[] = [];
    group.segments.forEach((entry, j) => {
      const id = resolveSegment(ctx, manifest, lineItem, entry, `/groups/${i}/segments/${j}`);
      if (id === undefined) return;
      const key = isRef(id) ? id.ref : String(id);
      if (seen.has(key)) {
        fail(ctx, manifest, 'duplicate-segment', `spec.groups[${i}].segments[${j}] is segment ${isRef(id) ? id.ref : id}, as segments[${seen.get(key)}] of the group is: list each segment once per group`, `/groups/${i}/segments/${j}`);
        return;
      }
      seen.set(key, j);
      if (isRef(id)) dependsOn.add(id.ref);
      segments.push(element(entry, id, liveElement(profile, id)));
    });
    return { boolean_operator: group.boolean_operator, segments };
  });
  const total = groups.reduce((n, g) => n + g.segments.length, 0);
  if (total > MAX_PROFILE_SEGMENTS) {
    fail(ctx, manifest, 'too-many-segments', `line item ${lineItem.id}'s profile would target ${total} segments; Xandr allows at most ${MAX_PROFILE_SEGMENTS} per profile`, '/groups');
  }
  if (ctx.errors.length > errorsBefore) return null;

  const idsOf = (list: readonly Group[]) => new Set(list.flatMap((g) => g.segments.flatMap((s) => (isRef(s.id) ? [] : [s.id]))));
  const before = profile ? liveSegmentIds(profile) : new Set<number>();
  const outcome = { address: null as string | null, manifest, lineItemId: lineItem.id, before, after: idsOf(groups) };
  ctx.targetingOutcomes.push(outcome);
  const drafts = profile ? updateProfile(ctx, manifest, lineItem, profile, groups, [...dependsOn]) : createProfile(manifest, lineItem, groups, [...dependsOn]);
  outcome.address = drafts[0]?.address ?? null;
  for (const draft of drafts) ctx.lineItemOfAction.set(draft.address, lineItem.id);
  return drafts;
}

/** The line item's profile; null when it has none; undefined (an error) when it names one Xandr cannot give. */
function liveProfile(ctx: PlanContext, manifest: TargetingManifest, lineItem: LiveLineItem): LiveProfile | null | undefined {
  const id = lineItem.profile_id;
  if (typeof id !== 'number') return null;
  const profile = ctx.profileById.get(id);
  const where = manifest.spec.line_item_id !== undefined ? '/line_item_id' : '/line_item_code';
  if (!profile) {
    fail(ctx, manifest, 'unknown-profile', `line item ${lineItem.id} points at profile ${id}, which Xandr did not return (deleted, or not visible to this user)`, where);
    return undefined;
  }
  if (profile.is_archived) {
    fail(ctx, manifest, 'archived-profile', `profile ${id} of line item ${lineItem.id} is archived: Xandr accepts only GET and DELETE on an archived profile, so its targeting cannot change`, where);
    return undefined;
  }
  return profile;
}

/** A segment's id (or a Ref to the create of a segment this run makes); undefined when it cannot be targeted (reported). */
function resolveSegment(ctx: PlanContext, manifest: TargetingManifest, lineItem: LiveLineItem, entry: TargetingSegment, pointer: string): number | Ref | undefined {
  if (entry.segment !== undefined) {
    // The loader resolved the name (unknown-segment, segment-advertiser-mismatch); a segment whose own plan
    // failed has no id here and its error is reported with it.
    const segment = ctx.desiredSegmentByName.get(entry.segment.toLowerCase());
    return segment ? ctx.segmentIds.get(segment) : undefined;
  }
  const id = entry.segment_id!;
  const live = ctx.targetableSegmentById.get(id);
  if (!live) {
    fail(ctx, manifest, 'unknown-segment-id', `segment ${id} does not exist in member ${ctx.live.memberId} (or this user cannot see it)`, `${pointer}/segment_id`);
    return undefined;
  }
  if (live.advertiser_id !== null && live.advertiser_id !== lineItem.advertiser_id) {
    fail(
      ctx,
      manifest,
      'segment-advertiser-mismatch',
      `segment ${id} belongs to advertiser ${live.advertiser_id}, but line item ${lineItem.id} is advertiser ${lineItem.advertiser_id}'s: a line item can target member-level segments and its own advertiser's`,
      `${pointer}/segment_id`,
    );
    return undefined;
  }
  return id;
}

/** The live element for a segment the profile already targets (the first, wherever it is). */
function liveElement(profile: LiveProfile | null, id: number | Ref): LiveProfileSegment | undefined {
  if (!profile || isRef(id)) return undefined;
  for (const s of allLiveSegments(profile)) if (s.id === id) return s;
  return undefined;
}

function element(entry: TargetingSegment, id: number | Ref, live: LiveProfileSegment | undefined): Element {
  const out: Element = { id, action: entry.action };
  for (const field of RECENCY) {
    const value = entry[field] !== undefined ? entry[field] : live?.[field];
    if (value !== undefined && (value !== null || entry[field] === null)) out[field] = value;
  }
  for (const field of OTHER) {
    const value = live?.[field];
    if (value !== undefined && value !== null) (out as unknown as Record<string, Json>)[field] = value as Json;
  }
  return out;
}

function allLiveSegments(profile: LiveProfile): LiveProfileSegment[] {
  return [...(profile.segment_targets ?? []), ...(profile.segment_group_targets ?? []).flatMap((g) => g.segments)];
}

function liveSegmentIds(profile: LiveProfile): Set<number> {
  return new Set(allLiveSegments(profile).map((s) => s.id));
}

function body(operator: BooleanOperator, groups: Group[]): Json {
  return { segment_boolean_operator: operator, segment_group_targets: groups as unknown as Json };
}

function createProfile(manifest: TargetingManifest, lineItem: LiveLineItem, groups: Group[], dependsOn: string[]): Draft[] {
  // No profile means no segment targeting: nothing to write for a manifest that targets nothing either.
  if (groups.every((g) => g.segments.length === 0)) return [];
  const address = manifest.address;
  const label = lineItemLabel(lineItem);
  return [
    {
      address,
      kind: 'LineItemSegments',
      action: 'create',
      request: { method: 'POST', path: '/profile', query: { advertiser_id: lineItem.advertiser_id }, body: { profile: body(manifest.spec.segment_boolean_operator, groups) } },
      changes: [
        { op: 'add', path: '/segment_boolean_operator', value: manifest.spec.segment_boolean_operator },
        { op: 'add', path: '/segment_group_targets', value: groups as unknown as Json },
      ],
      depends_on: dependsOn,
      live: null,
      warnings: [`${label} has no profile: this creates one with the targeting, then ${address}#profile_id points the line item at it (2 writes, in order)`],
      id: null,
      source: manifest.source,
    },
    {
      address: `${address}#profile_id`,
      kind: 'LineItemSegments',
      action: 'update',
      request: { method: 'PUT', path: '/line-item', query: { id: lineItem.id, advertiser_id: lineItem.advertiser_id }, body: { 'line-item': { profile_id: { ref: address } } } },
      changes: [{ op: 'add', path: '/profile_id', value: { ref: address } }],
      depends_on: [address],
      live: { id: lineItem.id, advertiser_id: lineItem.advertiser_id, profile_id: null },
      warnings: [],
      id: lineItem.id,
      source: manifest.source,
    },
  ];
}

function updateProfile(ctx: PlanContext, manifest: TargetingManifest, lineItem: LiveLineItem, profile: LiveProfile, groups: Group[], dependsOn: string[]): Draft[] {
  const operator = manifest.spec.segment_boolean_operator;
  const liveGroups = profile.segment_group_targets ?? [];
  const changes = describeChanges(profile, liveGroups, operator, groups);
  const flat = profile.segment_targets ?? [];
  const drafts: Draft[] = [];
  const snapshot = profileSnapshot(lineItem, profile);
  const label = lineItemLabel(lineItem);
  if (changes.length > 0) {
    const warnings = removalWarnings(ctx, lineItem, profile, groups);
    if (flat.length > 0) {
      warnings.unshift(
        `profile ${profile.id} of ${label} uses the flat segment_targets (${flat.length} segment${flat.length === 1 ? '' : 's'}); it is converted to segment_group_targets, as the console does: this PUT writes the groups, then ${manifest.address}#segment_targets empties the flat list`,
      );
    }
    drafts.push({
      address: manifest.address,
      kind: 'LineItemSegments',
      action: 'update',
      request: { method: 'PUT', path: '/profile', query: { id: profile.id, advertiser_id: lineItem.advertiser_id }, body: { profile: body(operator, groups) } },
      changes,
      depends_on: dependsOn,
      live: snapshot,
      warnings,
      id: profile.id,
      source: manifest.source,
    });
  }
  if (flat.length > 0) {
    drafts.push({
      address: `${manifest.address}#segment_targets`,
      kind: 'LineItemSegments',
      action: 'update',
      request: { method: 'PUT', path: '/profile', query: { id: profile.id, advertiser_id: lineItem.advertiser_id }, body: { profile: { segment_targets: [] } } },
      changes: [{ op: 'replace', path: '/segment_targets', value: [] }],
      depends_on: drafts.length > 0 ? [manifest.address] : dependsOn,
      live: snapshot,
      warnings:
        drafts.length > 0
          ? []
          : [`profile ${profile.id} of ${label} also uses the flat segment_targets (${flat.length} segment${flat.length === 1 ? '' : 's'}), which the manifest's groups replace: the flat list is emptied, as the console does when it converts it`],
      id: profile.id,
      source: manifest.source,
    });
  }
  return drafts;
}

function lineItemLabel(lineItem: LiveLineItem): string {
  return `line item ${lineItem.id}${lineItem.name ? ` (${lineItem.name})` : ''}`;
}

/** Segments the plan stops including: a line item that loses an include may reach more users, not fewer. */
function removalWarnings(ctx: PlanContext, lineItem: LiveLineItem, profile: LiveProfile, groups: Group[]): string[] {
  const kept = new Set(groups.flatMap((g) => g.segments.map((s) => (isRef(s.id) ? s.id.ref : s.id))));
  const dropped = allLiveSegments(profile).filter((s) => s.action !== 'exclude' && !kept.has(s.id));
  if (dropped.length === 0) return [];
  const names = dropped.slice(0, 5).map((s) => segmentLabel(ctx, s.id, s.name)).join(', ');
  const more = dropped.length > 5 ? ` and ${dropped.length - 5} more` : '';
  return [`stops including ${names}${more} in ${lineItemLabel(lineItem)}'s targeting`];
}

function segmentLabel(ctx: PlanContext, id: number, name?: string | null): string {
  const known = name ?? ctx.targetableSegmentById.get(id)?.short_name ?? null;
  return known ? `segment ${id} (${known})` : `segment ${id}`;
}

/** What the plan records of the profile: a saved plan is stale when any of it has changed since. */
export function profileSnapshot(lineItem: LiveLineItem, profile: LiveProfile): Json {
  const element = (s: LiveProfileSegment): Json => ({ id: s.id, action: s.action, start_minutes: s.start_minutes, expire_minutes: s.expire_minutes });
  return {
    id: profile.id,
    line_item_id: lineItem.id,
    advertiser_id: lineItem.advertiser_id,
    segment_boolean_operator: profile.segment_boolean_operator,
    segment_targets: (profile.segment_targets ?? []).map(element),
    segment_group_targets: (profile.segment_group_targets ?? []).map((g) => ({ boolean_operator: g.boolean_operator, segments: g.segments.map(element) })),
  };
}

// ---- comparing -------------------------------------------------------------------------------------

const liveOperator = (value: string | null, fallback: BooleanOperator): string => value ?? fallback;

/** Whether a desired element asks for what the live one has: action, and the recency fields it declares. */
function sameElement(want: Element, live: LiveProfileSegment): boolean {
  if (want.action !== (live.action ?? 'include')) return false;
  return RECENCY.every((field) => !(field in want) || (want[field] ?? null) === (live[field] ?? null));
}

function groupKey(id: number | Ref): string {
  return isRef(id) ? `ref:${id.ref}` : `id:${id}`;
}

/**
 * Pairs each desired group with the live group it most likely is (the most segments in common), then the
 * leftovers in order; what is left unpaired is added or removed whole.
 */
function pairGroups(desired: Group[], live: LiveSegmentGroup[]): { pairs: [number, number][]; added: number[]; removed: number[] } {
  const free = new Set(live.map((_, i) => i));
  const pairs: [number, number][] = [];
  const unpaired: number[] = [];
  desired.forEach((group, d) => {
    const ids = new Set(group.segments.map((s) => groupKey(s.id)));
    let best = -1;
    let bestOverlap = 0;
    for (const l of free) {
      const overlap = live[l]!.segments.filter((s) => ids.has(groupKey(s.id))).length;
      if (overlap > bestOverlap) [best, bestOverlap] = [l, overlap];
    }
    if (best < 0) return unpaired.push(d);
    free.delete(best);
    pairs.push([d, best]);
  });
  const rest = [...free].sort((a, b) => a - b);
  const added: number[] = [];
  for (const d of unpaired) {
    const l = rest.shift();
    if (l === undefined) added.push(d);
    else pairs.push([d, l]);
  }
  return { pairs, added, removed: rest };
}

/**
 * RFC 6902 operations from the live profile to the result, in an order that applies cleanly: replacements,
 * then segment removals (highest index first), segment additions, group removals, group additions.
 */
function describeChanges(profile: LiveProfile, live: LiveSegmentGroup[], operator: BooleanOperator, desired: Group[]): Change[] {
  const replaces: Change[] = [];
  const segmentRemoves: Change[] = [];
  const segmentAdds: Change[] = [];
  const groupRemoves: Change[] = [];
  const groupAdds: Change[] = [];
  if (liveOperator(profile.segment_boolean_operator, 'and') !== operator) replaces.push({ op: 'replace', path: '/segment_boolean_operator', value: operator });
  const { pairs, added, removed } = pairGroups(desired, live);
  for (const [d, l] of pairs.sort((a, b) => a[1] - b[1])) {
    const want = desired[d]!;
    const have = live[l]!;
    const base = `/segment_group_targets/${l}`;
    if (liveOperator(have.boolean_operator, 'or') !== want.boolean_operator) replaces.push({ op: 'replace', path: `${base}/boolean_operator`, value: want.boolean_operator });
    const wanted = new Map(want.segments.map((s) => [groupKey(s.id), s]));
    const present = new Set<string>();
    const removes: Change[] = [];
    have.segments.forEach((current, j) => {
      const next = wanted.get(groupKey(current.id));
      present.add(groupKey(current.id));
      if (!next) return removes.unshift({ op: 'remove', path: `${base}/segments/${j}` });
      if (sameElement(next, current)) return;
      if (next.action !== (current.action ?? 'include')) replaces.push({ op: 'replace', path: `${base}/segments/${j}/action`, value: next.action });
      for (const field of RECENCY) {
        if (field in next && (next[field] ?? null) !== (current[field] ?? null)) replaces.push({ op: 'replace', path: `${base}/segments/${j}/${field}`, value: next[field] ?? null });
      }
    });
    segmentRemoves.push(...removes);
    for (const s of want.segments) if (!present.has(groupKey(s.id))) segmentAdds.push({ op: 'add', path: `${base}/segments/-`, value: s as unknown as Json });
  }
  for (const l of [...removed].sort((a, b) => b - a)) groupRemoves.push({ op: 'remove', path: `/segment_group_targets/${l}` });
  for (const d of added) groupAdds.push({ op: 'add', path: '/segment_group_targets/-', value: desired[d] as unknown as Json });
  return [...replaces, ...segmentRemoves, ...segmentAdds, ...groupRemoves, ...groupAdds];
}

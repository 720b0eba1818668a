import type { Desired, PruneMode } from '../manifest/types.js';
import type { LiveState } from '../plan/types.js';
import { TargetMismatchError } from './read-errors.js';
import type { ScopeDocument } from '../plan/change-scope.js';
import {
  countPixels,
  countSegments,
  findPixelByCode,
  findSegmentByCode,
  getPixels,
  getSegments,
  PAGE_SIZE,
  findLineItemByCode,
  getAdvertisers,
  getLineItems,
  getMember,
  getProfiles,
  listLineItems,
  listPixels,
  listSegments,
  type LiveLineItem,
  type LivePixel,
  type LiveProfile,
  type LiveSegment,
  type XandrClient,
} from '../xandr/index.js';

export interface ReadOptions {
  /** From xandr-sync.yaml; checked against the logged-in user's member. */
  memberId?: number;
  /** A shard: read (and plan) only these advertisers' objects. */
  advertisers?: number[];
  /**
   * Prune reads more: the pixels of every advertiser in its reach (not only those with pixel manifests),
   * and, to delete, the line items that use the pixels it would delete (to detach them first).
   */
  prune?: PruneMode;
  signal?: AbortSignal;
  /**
   * A plan scoped to a change (`--changed-since`): `desired` holds only the change's manifests and what
   * they refer to; the objects they name are looked up (or listed, when that costs fewer reads) instead of
   * every segment and pixel of the member. `documents` are all of the change's, those it deletes included
   * (prune looks their objects up too).
   */
  scope?: { documents: readonly ScopeDocument[] };
}

/** Up to this many objects of a kind are looked up one by one without asking first what a listing costs. */
const FEW_LOOKUPS = 3;

/**
 * Everything the planner needs, in as few reads as Xandr allows: one page of 100 per service and scope,
 * id lists of 100, all of it issued together and paced by the rate budget.
 */
export async function readLive(client: XandrClient, desired: Desired, options: ReadOptions = {}): Promise<LiveState> {
  const { signal } = options;
  const member = await getMember(client, signal);
  if (options.memberId !== undefined && options.memberId !== member.id) {
    throw new TargetMismatchError(
      `xandr-sync.yaml says member_id ${options.memberId}, but these credentials belong to member ${member.id}; refusing to plan against the wrong member`,
    );
  }

  const advertiserIds = new Set<number>();
  for (const s of desired.segments) if (typeof s.spec.advertiser_id === 'number') advertiserIds.add(s.spec.advertiser_id);
  for (const d of options.scope?.documents ?? []) if (d.advertiserId !== null) advertiserIds.add(d.advertiserId);
  const pixelAdvertisers = new Set<number>();
  for (const p of desired.pixels) pixelAdvertisers.add(p.spec.advertiser_id);
  for (const b of desired.bindings) pixelAdvertisers.add(b.spec.advertiser_id);
  for (const id of pixelAdvertisers) advertiserIds.add(id);
  for (const t of desired.targeting) advertiserIds.add(t.spec.advertiser_id);
  const shard = options.advertisers;
  if (shard) for (const id of shard) advertiserIds.add(id);
  const pruning = options.prune !== undefined && options.prune !== 'none';
  if (pruning) for (const id of shard ?? advertiserIds) pixelAdvertisers.add(id);

  // Line items named by both a LineItemPixels and a LineItemSegments manifest are read once.
  const bound = [...desired.bindings, ...desired.targeting];
  const lineItemIds = bound.map((b) => b.spec.line_item_id).filter((id): id is number => id !== undefined);
  const codesByAdvertiser = new Map<number, string[]>();
  for (const b of bound) {
    if (b.spec.line_item_code === undefined) continue;
    const codes = codesByAdvertiser.get(b.spec.advertiser_id) ?? [];
    codes.push(b.spec.line_item_code);
    codesByAdvertiser.set(b.spec.advertiser_id, codes);
  }

  // The advertisers first (one read): a manifest naming one that does not exist gets a positioned plan
  // error (unknown-advertiser), not the raw 404 that listing its pixels or segments would answer.
  const advertisers = await getAdvertisers(client, [...advertiserIds], signal);
  const exists = new Set(advertisers.map((a) => a.id));
  const segmentsRead: Promise<LiveSegment[]> = options.scope
    ? scopedSegments(client, desired, options.scope.documents, member.id, shard, signal)
    : shard
      ? Promise.all(shard.filter((id) => exists.has(id)).map((advertiserId) => listSegments(client, { advertiserId }, signal))).then((lists) => lists.flat())
      : listSegments(client, { memberId: member.id }, signal);
  const pixelsRead: Promise<LivePixel[][]> = options.scope
    ? scopedPixels(client, desired, options.scope.documents, exists, signal)
    : Promise.all([...pixelAdvertisers].filter((id) => exists.has(id)).map((id) => listPixels(client, id, signal)));
  const [segments, pixelLists, byId, byCode] = await Promise.all([
    segmentsRead,
    pixelsRead,
    getLineItems(client, lineItemIds, signal),
    Promise.all([...codesByAdvertiser].filter(([id]) => exists.has(id)).map(([advertiserId, codes]) => lineItemsByCode(client, advertiserId, codes, signal))),
  ]);

  const lineItems = new Map<number, LiveLineItem>();
  for (const li of [...byId, ...byCode.flat()]) lineItems.set(li.id, li);
  const pixels = pixelLists.flat();
  // A second round: the targeted line items' profiles, the segments their manifests name by id that the
  // listings above did not hold, and, when prune may delete pixels that line items still use, those line items.
  const users = options.prune === 'delete' ? pruneUsers(desired, pixels).filter((id) => !lineItems.has(id)) : [];
  const [targetingState, pruneLineItems] = await Promise.all([readTargeting(client, desired, [...lineItems.values()], segments, signal), getLineItems(client, users, signal)]);
  for (const li of pruneLineItems) lineItems.set(li.id, li);
  return {
    memberId: member.id,
    segments,
    pixels,
    pixelAdvertisers: [...pixelAdvertisers].filter((id) => exists.has(id)),
    lineItems: [...lineItems.values()],
    advertisers,
    segmentAdvertisers: shard ?? null,
    ...targetingState,
  };
}

/**
 * What planning the LineItemSegments manifests needs beyond the line items: the profiles the targeted line
 * items point at (100 per read), and the segments targeted by `segment_id` that `segments` lacks. What
 * `known` already holds (an incremental read's snapshot, brought up to date) is not read again.
 */
export async function readTargeting(
  client: XandrClient,
  desired: Desired,
  lineItems: readonly LiveLineItem[],
  segments: readonly LiveSegment[],
  signal?: AbortSignal,
  known: { profiles: readonly LiveProfile[]; referencedSegments: readonly LiveSegment[] } = { profiles: [], referencedSegments: [] },
): Promise<{ profiles: LiveProfile[]; referencedSegments: LiveSegment[] }> {
  if (desired.targeting.length === 0) return { profiles: [], referencedSegments: [] };
  const byId = new Map(lineItems.map((li) => [li.id, li]));
  const byCode = new Map(lineItems.flatMap((li) => (li.code ? [[`${li.advertiser_id}/${li.code.toLowerCase()}`, li] as const] : [])));
  const profileIds = new Set<number>();
  for (const t of desired.targeting) {
    const li = t.spec.line_item_id !== undefined ? byId.get(t.spec.line_item_id) : byCode.get(`${t.spec.advertiser_id}/${t.spec.line_item_code?.toLowerCase()}`);
    const profileId = li?.profile_id;
    if (typeof profileId === 'number') profileIds.add(profileId);
  }
  const haveProfiles = known.profiles.filter((p) => profileIds.has(p.id));
  const listed = new Set(segments.map((s) => s.id));
  const wantedSegments = new Set(desired.targeting.flatMap((t) => t.spec.groups.flatMap((g) => g.segments.flatMap((s) => (s.segment_id !== undefined && !listed.has(s.segment_id) ? [s.segment_id] : [])))));
  const haveSegments = known.referencedSegments.filter((s) => wantedSegments.has(s.id));
  const [profiles, referenced] = await Promise.all([
    getProfiles(client, [...profileIds].filter((id) => !haveProfiles.some((p) => p.id === id)), signal),
    getSegments(client, [...wantedSegments].filter((id) => !haveSegments.some((s) => s.id === id)), signal),
  ]);
  return { profiles: [...haveProfiles, ...profiles], referencedSegments: [...haveSegments, ...referenced] };
}

/**
 * `n` lookups, or the listing when it costs fewer reads: its count costs one read to learn, so a change of
 * a few objects is looked up, and a change that touches most of a large member reads the listing.
 */
async function lookupsOrListing<T>(n: number, count: () => Promise<number>, list: () => Promise<T[]>, lookups: () => Promise<T[]>): Promise<T[]> {
  if (n === 0) return [];
  if (n <= FEW_LOOKUPS) return lookups();
  const pages = Math.max(1, Math.ceil((await count()) / PAGE_SIZE));
  return pages < n ? list() : lookups();
}

/** The segments a scoped plan names: pinned ones by id, the others (and removed ones, for prune) by code. */
async function scopedSegments(
  client: XandrClient,
  desired: Desired,
  removed: readonly ScopeDocument[],
  memberId: number,
  shard: number[] | undefined,
  signal?: AbortSignal,
): Promise<LiveSegment[]> {
  const ids = desired.segments.flatMap((s) => (s.id === undefined ? [] : [s.id]));
  const codes = [...new Set([...desired.segments.filter((s) => s.id === undefined).flatMap((s) => [s.name, ...s.previousNames]), ...removed.filter((d) => d.kind === 'Segment').map((d) => d.name)])];
  const wanted = new Set(codes.map((c) => c.toLowerCase()));
  const inShard = (s: LiveSegment) => !shard || (s.advertiser_id !== null && shard.includes(s.advertiser_id));
  const [byId, byCode] = await Promise.all([
    getSegments(client, ids, signal),
    lookupsOrListing(
      codes.length,
      () => countSegments(client, { memberId }, signal),
      async () => (await listSegments(client, { memberId }, signal)).filter((s) => s.code !== null && wanted.has(s.code.toLowerCase())),
      async () => (await Promise.all(codes.map((code) => findSegmentByCode(client, code, signal)))).filter((s): s is LiveSegment => s !== null),
    ),
  ]);
  return dedupeById([...byId, ...byCode]).filter(inShard);
}

/**
 * The pixels a scoped plan names, per advertiser: by code (pixel manifests of the change and the pixels its
 * bindings attach by name, removed ones for prune), and by id (pinned pixels, and those bindings attach by id).
 */
async function scopedPixels(client: XandrClient, desired: Desired, removed: readonly ScopeDocument[], exists: Set<number>, signal?: AbortSignal): Promise<LivePixel[][]> {
  const codes = new Map<number, Set<string>>();
  const add = (advertiserId: number, code: string) => codes.set(advertiserId, (codes.get(advertiserId) ?? new Set()).add(code));
  for (const p of desired.pixels) if (p.id === undefined) for (const name of [p.name, ...p.previousNames]) add(p.spec.advertiser_id, name);
  for (const d of removed) if (d.kind === 'ConversionPixel' && d.advertiserId !== null) add(d.advertiserId, d.name);
  const ids = [...desired.pixels.flatMap((p) => (p.id === undefined ? [] : [p.id])), ...desired.bindings.flatMap((b) => b.spec.pixels.flatMap((p) => (p.pixel_id === undefined ? [] : [p.pixel_id])))];
  const perAdvertiser = [...codes].filter(([advertiserId]) => exists.has(advertiserId)).map(([advertiserId, set]) => {
    const list = [...set];
    const wanted = new Set(list.map((c) => c.toLowerCase()));
    return lookupsOrListing(
      list.length,
      () => countPixels(client, advertiserId, signal),
      async () => (await listPixels(client, advertiserId, signal)).filter((p) => p.code !== null && wanted.has(p.code.toLowerCase())),
      async () => (await Promise.all(list.map((code) => findPixelByCode(client, advertiserId, code, signal)))).filter((p): p is LivePixel => p !== null),
    );
  });
  const lists = await Promise.all([getPixels(client, ids, signal), ...perAdvertiser]);
  return [dedupeById(lists.flat())];
}

function dedupeById<T extends { id: number }>(objects: T[]): T[] {
  return [...new Map(objects.map((o) => [o.id, o])).values()];
}

/** The line items using pixels that no manifest describes: prune (delete) detaches them first, so it reads them. */
export function pruneUsers(desired: Desired, pixels: readonly LivePixel[]): number[] {
  const described = describedBy(desired);
  return [...new Set(pixels.filter((p) => p.code && !described(p)).flatMap((p) => (p.line_items ?? []).map((li) => li.id)))];
}

/** Whether a manifest describes a pixel (by code or pinned id): then prune leaves it alone. */
function describedBy(desired: Desired): (pixel: LivePixel) => boolean {
  const ids = new Set(desired.pixels.flatMap((m) => (m.id === undefined ? [] : [m.id])));
  const codes = new Set(desired.pixels.map((m) => `${m.spec.advertiser_id}/${m.name.toLowerCase()}`));
  return (pixel) => ids.has(pixel.id) || codes.has(`${pixel.advertiser_id}/${pixel.code?.toLowerCase()}`);
}

/** A few codes are cheaper looked up one by one; many are cheaper as one listing of the advertiser. */
export async function lineItemsByCode(client: XandrClient, advertiserId: number, codes: string[], signal?: AbortSignal): Promise<LiveLineItem[]> {
  if (codes.length <= 3) {
    const found = await Promise.all(codes.map((code) => findLineItemByCode(client, advertiserId, code, signal)));
    return found.filter((li): li is LiveLineItem => li !== null);
  }
  const wanted = new Set(codes.map((c) => c.toLowerCase()));
  return (await listLineItems(client, advertiserId, signal)).filter((li) => li.code !== null && wanted.has(li.code.toLowerCase()));
}

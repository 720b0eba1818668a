import type { Desired, PruneMode } from '../manifest/types.js';
import type { LiveState } from '../plan/types.js';
import { TargetMismatchError } from './read-errors.js';
import {
  findLineItemByCode,
  getAdvertisers,
  getLineItems,
  getMember,
  listLineItems,
  listPixels,
  listSegments,
  type LiveLineItem,
  type LivePixel,
  type LiveSegment,
  type XandrClient,
} from '../xandr/index.js';

interface ReadOptions {
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
}

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
  const pixelAdvertisers = new Set<number>();
  for (const p of desired.pixels) pixelAdvertisers.add(p.spec.advertiser_id);
  for (const b of desired.bindings) pixelAdvertisers.add(b.spec.advertiser_id);
  for (const id of pixelAdvertisers) advertiserIds.add(id);
  const shard = options.advertisers;
  if (shard) for (const id of shard) advertiserIds.add(id);
  const pruning = options.prune !== undefined && options.prune !== 'none';
  if (pruning) for (const id of shard ?? advertiserIds) pixelAdvertisers.add(id);

  const lineItemIds = desired.bindings.map((b) => b.spec.line_item_id).filter((id): id is number => id !== undefined);
  const codesByAdvertiser = new Map<number, string[]>();
  for (const b of desired.bindings) {
    if (b.spec.line_item_code === undefined) continue;
    const codes = codesByAdvertiser.get(b.spec.advertiser_id) ?? [];
    codes.push(b.spec.line_item_code);
    codesByAdvertiser.set(b.spec.advertiser_id, codes);
  }

  // The advertisers first (one read): a manifest naming one that does not exist gets a positioned plan
  // error (unknown-advertiser), not the raw 404 that listing its pixels or segments would answer.
  const advertisers = await getAdvertisers(client, [...advertiserIds], signal);
  const exists = new Set(advertisers.map((a) => a.id));
  const segmentsRead: Promise<LiveSegment[]> = shard
    ? Promise.all(shard.filter((id) => exists.has(id)).map((advertiserId) => listSegments(client, { advertiserId }, signal))).then((lists) => lists.flat())
    : listSegments(client, { memberId: member.id }, signal);
  const [segments, pixelLists, byId, byCode] = await Promise.all([
    segmentsRead,
    Promise.all([...pixelAdvertisers].filter((id) => exists.has(id)).map((id) => listPixels(client, id, signal))),
    getLineItems(client, lineItemIds, signal),
    Promise.all([...codesByAdvertiser].filter(([id]) => exists.has(id)).map(([advertiserId, codes]) => lineItemsByCode(client, advertiserId, codes, signal))),
  ]);

  const lineItems = new Map<number, LiveLineItem>();
  for (const li of [...byId, ...byCode.flat()]) lineItems.set(li.id, li);
  const pixels = pixelLists.flat();
  if (options.prune === 'delete') {
    // A second round, only when prune may delete pixels that line items still use: those line items.
    const described = describedBy(desired);
    const users = new Set(pixels.filter((p) => p.code && !described(p)).flatMap((p) => (p.line_items ?? []).map((li) => li.id)));
    for (const li of await getLineItems(client, [...users].filter((id) => !lineItems.has(id)), signal)) lineItems.set(li.id, li);
  }
  return {
    memberId: member.id,
    segments,
    pixels,
    pixelAdvertisers: [...pixelAdvertisers].filter((id) => exists.has(id)),
    lineItems: [...lineItems.values()],
    advertisers,
    segmentAdvertisers: shard ?? null,
  };
}

/** Whether a manifest describes a pixel (by code or pinned id): then prune leaves it alone. */
function describedBy(desired: Desired): (pixel: LivePixel) => boolean {
  const ids = new Set(desired.pixels.flatMap((m) => (m.id === undefined ? [] : [m.id])));
  const codes = new Set(desired.pixels.map((m) => `${m.spec.advertiser_id}/${m.name.toLowerCase()}`));
  return (pixel) => ids.has(pixel.id) || codes.has(`${pixel.advertiser_id}/${pixel.code?.toLowerCase()}`);
}

/** A few codes are cheaper looked up one by one; many are cheaper as one listing of the advertiser. */
async function lineItemsByCode(client: XandrClient, advertiserId: number, codes: string[], signal?: AbortSignal): Promise<LiveLineItem[]> {
  if (codes.length <= 3) {
    const found = await Promise.all(codes.map((code) => findLineItemByCode(client, advertiserId, code, signal)));
    return found.filter((li): li is LiveLineItem => li !== null);
  }
  const wanted = new Set(codes.map((c) => c.toLowerCase()));
  return (await listLineItems(client, advertiserId, signal)).filter((li) => li.code !== null && wanted.has(li.code.toLowerCase()));
}

import type { Desired } from '../manifest/types.js';
import type { LiveState } from '../plan/types.js';
import {
  getAdvertisers,
  getLineItems,
  listLineItemsModifiedSince,
  listPixelsModifiedSince,
  listProfilesModifiedSince,
  listSegments,
  parseXandrTimestamp,
  type LiveLineItem,
  type LivePixel,
  type LiveProfile,
  type XandrClient,
} from '../xandr/index.js';
import { lineItemsByCode, pruneUsers, readLive, readTargeting, type ReadOptions } from './live-state.js';

/**
 * Drift cycles that read only what moved. The sync job keeps the live state of its last read (a snapshot);
 * each cycle lists, per kind, only the objects modified since that read (Xandr's `min_last_modified`
 * filter, one read when little moved), merges them in, and plans against the result. A full read happens
 * on the first cycle, on the job's cadence, after a failed write, and whenever Xandr's answer shows the
 * filter was not applied (api-semantics.md says a filter "may" be ignored): the cycle then reads in full.
 *
 * What an incremental read cannot see is an object deleted in the console: it stays in the snapshot until
 * the next full read (docs/sync.md, "Incremental cycles").
 */

/** Changes a moment before the last read began are read again: Xandr's clock and ours are not the same. */
const OVERLAP_MS = 10 * 60_000;

export interface LiveSnapshot {
  format: 'xandr-sync-snapshot';
  /** 2 added the profiles of targeted line items; a snapshot of another version is read again in full. */
  version: 2;
  /** What it was read from; a snapshot of another target, member or shard is never used. */
  target: { api_url: string; member_id: number; advertisers: number[] | null };
  /** When the read that made it began (the next incremental read lists what changed since, minus the overlap). */
  read_at: number;
  /** When the last full read began. */
  full_at: number;
  live: LiveState;
}

export type ReadMode = 'full' | 'incremental';

export interface IncrementalRead {
  live: LiveState;
  mode: ReadMode;
  /** Why a full read was made (first cycle, cadence, a filter Xandr ignored, ...). */
  reason: string | null;
  snapshot: LiveSnapshot;
}

export interface IncrementalOptions extends ReadOptions {
  apiUrl: string;
  /** The snapshot of the last read, when there is one for this target. */
  previous: LiveSnapshot | null;
  /** A full read is due whatever the snapshot (the cadence, `--full`, a failed write). */
  fullReason: string | null;
  now: () => number;
}

/** The live state for a cycle: an incremental read against the snapshot when it can be, a full read otherwise. */
export async function readIncremental(client: XandrClient, desired: Desired, options: IncrementalOptions): Promise<IncrementalRead> {
  const startedAt = options.now();
  const full = async (reason: string): Promise<IncrementalRead> => {
    const live = await readLive(client, desired, options);
    return { live, mode: 'full', reason, snapshot: snapshotOf(live, options, startedAt, startedAt) };
  };
  const previous = options.previous;
  if (!previous) return full('no snapshot of an earlier read');
  if (options.fullReason) return full(options.fullReason);
  const unusable = snapshotProblem(previous, options, desired);
  if (unusable) return full(unusable);

  const since = previous.read_at - OVERLAP_MS;
  const shard = options.advertisers;
  const targetingAdvertisers = [...new Set(desired.targeting.map((t) => t.spec.advertiser_id))];
  const [segmentLists, pixels, lineItems, profiles] = await Promise.all([
    shard
      ? Promise.all(shard.map((advertiserId) => listSegments(client, { advertiserId }, options.signal, since)))
      : listSegments(client, { memberId: previous.live.memberId }, options.signal, since).then((list) => [list]),
    listPixelsModifiedSince(client, since, options.signal),
    listLineItemsModifiedSince(client, since, options.signal),
    targetingAdvertisers.length ? listProfilesModifiedSince(client, since, targetingAdvertisers, options.signal) : Promise.resolve([]),
  ]);
  const segments = segmentLists.flat();
  // A row older than the watermark means the filter was not applied: what came back is not "what moved".
  const stale = [...segments, ...pixels, ...lineItems, ...profiles].find((o) => {
    const modified = parseXandrTimestamp(o.last_modified);
    return modified !== null && modified < since;
  });
  if (stale) return full(`Xandr answered rows older than the min_last_modified filter (it was not applied)`);
  // Rows without a timestamp cannot show it; then a filtered listing as long as the whole one, when the
  // snapshot knows segments older than the watermark, does.
  const olderKnown = previous.live.segments.some((s) => (parseXandrTimestamp(s.last_modified) ?? Infinity) < since);
  if (segments.length > 0 && segments.every((s) => parseXandrTimestamp(s.last_modified) === null) && segments.length >= previous.live.segments.length && olderKnown) {
    return full('the filtered segment listing is as long as the whole one (the filter was not applied)');
  }

  const live = merge(previous.live, { segments, pixels, lineItems, profiles });
  await readWhatIsNew(client, desired, live, options);
  Object.assign(live, await readTargeting(client, desired, live.lineItems, live.segments, options.signal, live));
  return { live, mode: 'incremental', reason: null, snapshot: snapshotOf(live, options, startedAt, previous.full_at) };
}

/** Why the snapshot cannot stand for this read, or null: another target, another shard, an unknown advertiser. */
function snapshotProblem(snapshot: LiveSnapshot, options: IncrementalOptions, desired: Desired): string | null {
  const advertisers = options.advertisers ? [...options.advertisers].sort((a, b) => a - b) : null;
  if (snapshot.target.api_url !== options.apiUrl) return 'the snapshot was made for another API';
  if (options.memberId !== undefined && snapshot.target.member_id !== options.memberId) return 'the snapshot was made for another member';
  if (JSON.stringify(snapshot.target.advertisers) !== JSON.stringify(advertisers)) return 'the snapshot was made for another shard';
  // The pixels of an advertiser the snapshot never listed would look absent: that needs its full listing.
  const listed = new Set(snapshot.live.pixelAdvertisers);
  const known = new Set(snapshot.live.advertisers.map((a) => a.id));
  const needed = [...desired.pixels.map((p) => p.spec.advertiser_id), ...desired.bindings.map((b) => b.spec.advertiser_id), ...desired.targeting.map((t) => t.spec.advertiser_id)];
  const missing = needed.find((id) => known.has(id) && !listed.has(id));
  if (missing !== undefined) return `advertiser ${missing} is new to the manifests`;
  if (options.prune !== undefined && options.prune !== 'none') {
    // Prune reads every pixel of the advertisers in its reach; a snapshot of a plan without prune did not.
    const segmentAdvertisers = desired.segments.flatMap((s) => (typeof s.spec.advertiser_id === 'number' ? [s.spec.advertiser_id] : []));
    const out = segmentAdvertisers.find((id) => known.has(id) && !listed.has(id));
    if (out !== undefined) return `prune needs every pixel of advertiser ${out}`;
  }
  return null;
}

/**
 * The snapshot with what moved: changed objects replace their old selves, new ones join. A line item's
 * `pixels` is the truth about which pixels it uses, so the pixels' read-only `line_items` are brought in
 * line with every line item that moved, bound or not.
 */
function merge(previous: LiveState, moved: { segments: LiveState['segments']; pixels: LivePixel[]; lineItems: LiveLineItem[]; profiles: LiveProfile[] }): LiveState {
  const listed = new Set(previous.pixelAdvertisers);
  const segments = new Map(previous.segments.map((s) => [s.id, s]));
  for (const s of moved.segments) segments.set(s.id, s);
  const pixels = new Map(previous.pixels.map((p) => [p.id, { ...p, line_items: p.line_items ? [...p.line_items] : null }]));
  for (const p of moved.pixels) if (listed.has(p.advertiser_id)) pixels.set(p.id, { ...p, line_items: p.line_items ? [...p.line_items] : null });
  const lineItems = new Map(previous.lineItems.map((li) => [li.id, li]));
  for (const li of moved.lineItems) {
    if (lineItems.has(li.id)) lineItems.set(li.id, li);
    const uses = new Set((li.pixels ?? []).map((p) => p.id));
    for (const pixel of pixels.values()) {
      const entries = pixel.line_items ?? [];
      const has = entries.some((e) => e.id === li.id);
      if (uses.has(pixel.id) && !has) pixel.line_items = [...entries, { id: li.id, name: li.name, state: li.state }];
      else if (!uses.has(pixel.id) && has) pixel.line_items = entries.filter((e) => e.id !== li.id);
    }
  }
  // Moved profiles replace their old selves; which ones a plan needs is settled once the line items are (readTargeting).
  const profiles = new Map(previous.profiles.map((p) => [p.id, p]));
  for (const p of moved.profiles) profiles.set(p.id, p);
  return { ...previous, segments: [...segments.values()], pixels: [...pixels.values()], lineItems: [...lineItems.values()], profiles: [...profiles.values()] };
}

/** Objects the manifests name now that the snapshot never read: line items newly bound, advertisers newly named. */
async function readWhatIsNew(client: XandrClient, desired: Desired, live: LiveState, options: IncrementalOptions): Promise<void> {
  const { signal } = options;
  const haveLineItems = new Set(live.lineItems.map((li) => li.id));
  const bound = [...desired.bindings, ...desired.targeting];
  const wantedIds = bound.flatMap((b) => (b.spec.line_item_id !== undefined && !haveLineItems.has(b.spec.line_item_id) ? [b.spec.line_item_id] : []));
  const haveCodes = new Set(live.lineItems.flatMap((li) => (li.code ? [`${li.advertiser_id}/${li.code.toLowerCase()}`] : [])));
  const byCode = bound.filter((b) => b.spec.line_item_code !== undefined && !haveCodes.has(`${b.spec.advertiser_id}/${b.spec.line_item_code.toLowerCase()}`));
  const haveAdvertisers = new Set(live.advertisers.map((a) => a.id));
  const advertiserIds = [
    ...new Set(
      [...desired.segments.flatMap((s) => (typeof s.spec.advertiser_id === 'number' ? [s.spec.advertiser_id] : [])), ...desired.pixels.map((p) => p.spec.advertiser_id), ...bound.map((b) => b.spec.advertiser_id)].filter(
        (id) => !haveAdvertisers.has(id),
      ),
    ),
  ];
  if (options.prune === 'delete') wantedIds.push(...pruneUsers(desired, live.pixels).filter((id) => !haveLineItems.has(id)));
  const codes = new Map<number, string[]>();
  for (const b of byCode) codes.set(b.spec.advertiser_id, [...(codes.get(b.spec.advertiser_id) ?? []), b.spec.line_item_code!]);
  const [lineItems, advertisers, found] = await Promise.all([
    getLineItems(client, [...new Set(wantedIds)], signal),
    getAdvertisers(client, advertiserIds, signal),
    Promise.all([...codes].map(([advertiserId, list]) => lineItemsByCode(client, advertiserId, list, signal))),
  ]);
  live.advertisers.push(...advertisers);
  const all = new Map(live.lineItems.map((li) => [li.id, li]));
  for (const li of [...lineItems, ...found.flat()]) all.set(li.id, li);
  live.lineItems = [...all.values()];
}

function snapshotOf(live: LiveState, options: IncrementalOptions, readAt: number, fullAt: number): LiveSnapshot {
  return {
    format: 'xandr-sync-snapshot',
    version: 2,
    target: { api_url: options.apiUrl, member_id: live.memberId, advertisers: options.advertisers ? [...options.advertisers].sort((a, b) => a - b) : null },
    read_at: readAt,
    full_at: fullAt,
    live,
  };
}

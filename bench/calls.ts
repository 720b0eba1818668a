/**
 * Call counts: the fewest calls a plan (and an apply) of a workload can make, and the calls a sandbox's
 * request log shows were made, in the same shape so they can be compared field by field.
 */
import type { RequestLogEntry } from '../src/sandbox/index.js';
import { MEMBER_ID, type Workload } from './workload.js';

/** Xandr pages (and id lists) hold at most 100 objects. */
export const PAGE = 100;

export type ReadService = 'member' | 'advertiser' | 'segment' | 'pixel' | 'line-item' | 'profile';
export const READ_SERVICES: readonly ReadService[] = ['member', 'advertiser', 'segment', 'pixel', 'line-item', 'profile'];

export interface CallCounts {
  logins: number;
  reads: Record<ReadService, number>;
  /** `METHOD /service` -> count, e.g. `PUT /line-item`. */
  writes: Record<string, number>;
  /** Writes per object (`PUT /line-item?id=…`): the largest count; 1 means no object was written twice. */
  maxWritesPerObject: number;
}

export const totalReads = (c: CallCounts) => Object.values(c.reads).reduce((a, b) => a + b, 0);
export const totalWrites = (c: CallCounts) => Object.values(c.writes).reduce((a, b) => a + b, 0);

const pages = (objects: number) => Math.max(1, Math.ceil(objects / PAGE));

/**
 * The lower bound for a plan: one login; the member; the advertisers named, 100 ids per call; every
 * segment of the member, 100 per page; every pixel of each advertiser that has pixels or bindings, 100 per
 * page and advertiser (pixels are listed per advertiser); the bound line items, 100 ids per call; their
 * profiles, 100 ids per call. Writes: one per changed object (a POST per missing object, a PUT per edited
 * one, one PUT per line item's pixels, one PUT per profile).
 */
export function lowerBound(workload: Workload): CallCounts {
  const memberSegments = workload.live.segments.filter((s) => s.member_id === MEMBER_ID).length;
  const pixelsByAdvertiser = new Map<number, number>();
  for (const p of workload.live.pixels) pixelsByAdvertiser.set(Number(p.advertiser_id), (pixelsByAdvertiser.get(Number(p.advertiser_id)) ?? 0) + 1);
  let pixelPages = 0;
  for (const advertiser of workload.pixelAdvertisers) pixelPages += pages(pixelsByAdvertiser.get(advertiser) ?? 0);

  const writes: Record<string, number> = {};
  const service = { Segment: '/segment', ConversionPixel: '/pixel', LineItemPixels: '/line-item', LineItemSegments: '/profile' } as const;
  for (const change of workload.changes.values()) {
    const key = `${change.action === 'create' ? 'POST' : 'PUT'} ${service[change.kind]}`;
    writes[key] = (writes[key] ?? 0) + 1;
  }
  return {
    logins: 1,
    reads: {
      member: 1,
      advertiser: pages(workload.live.advertisers.length),
      segment: pages(memberSegments),
      pixel: pixelPages,
      'line-item': pages(new Set(workload.boundLineItems).size),
      profile: workload.live.profiles.length ? pages(workload.live.profiles.length) : 0,
    },
    writes,
    maxWritesPerObject: workload.changes.size > 0 ? 1 : 0,
  };
}

/** What a request log shows. Requests refused before reaching a service (429, in-flight cap) are not counted. */
export function countCalls(log: RequestLogEntry[]): CallCounts {
  const counts: CallCounts = { logins: 0, reads: { member: 0, advertiser: 0, segment: 0, pixel: 0, 'line-item': 0, profile: 0 }, writes: {}, maxWritesPerObject: 0 };
  const perObject = new Map<string, number>();
  for (const entry of log) {
    if (entry.path === '/auth') {
      // The legacy dialect refuses a login with a 200 too: only a token counts.
      if (entry.status === 200 && entry.error_id === undefined) counts.logins++;
      continue;
    }
    if (!entry.processed) continue;
    const service = entry.path.replace(/^\//, '');
    if (entry.method === 'GET') {
      if (service in counts.reads) counts.reads[service as ReadService]++;
      continue;
    }
    const key = `${entry.method} ${entry.path}`;
    counts.writes[key] = (counts.writes[key] ?? 0) + 1;
    const object = entry.method === 'POST' ? `${key} ${JSON.stringify(entry.body)}` : `${key} ${entry.query.id ?? entry.query.code}`;
    const n = (perObject.get(object) ?? 0) + 1;
    perObject.set(object, n);
    counts.maxWritesPerObject = Math.max(counts.maxWritesPerObject, n);
  }
  return counts;
}

/** 429 answers in a log. */
export function throttledIn(log: RequestLogEntry[]): number {
  return log.filter((e) => e.status === 429).length;
}

import type { XandrClient } from './client.js';
import { normalizeSegment } from './normalize.js';
import { countAll, readAll, readByIds, readOne, xandrTimestamp, type ServiceShape } from './service.js';
import type { LiveSegment } from './types.js';

const segmentShape: ServiceShape<LiveSegment> = { service: 'segment', singular: 'segment', plural: 'segments', normalize: normalizeSegment };

interface SegmentScope {
  memberId?: number;
  advertiserId?: number;
}

/**
 * All segments of the member (or of one advertiser), every page. `include_shared=0` leaves out segments
 * other members share with this one (xandr-api.md B.3): they are not ours to plan, and one with a code
 * like ours would be taken for it.
 */
export function listSegments(client: XandrClient, scope: SegmentScope = {}, signal?: AbortSignal, since?: number): Promise<LiveSegment[]> {
  const filter = since === undefined ? {} : { min_last_modified: xandrTimestamp(since) };
  return readAll(client, segmentShape, { member_id: scope.memberId, advertiser_id: scope.advertiserId, include_shared: 0, ...filter }, signal);
}

export function getSegments(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LiveSegment[]> {
  return readByIds(client, segmentShape, ids, {}, signal);
}

/** Segment codes are unique per member ignoring case; the `?code=` selector itself is case-sensitive. */
export function findSegmentByCode(client: XandrClient, code: string, signal?: AbortSignal): Promise<LiveSegment | null> {
  const wanted = code.toLowerCase();
  return readOne(client, segmentShape, { code, include_shared: 0 }, (s) => s.code?.toLowerCase() === wanted, signal);
}

/** How many segments `listSegments` would return (one read). */
export function countSegments(client: XandrClient, scope: SegmentScope = {}, signal?: AbortSignal): Promise<number> {
  return countAll(client, segmentShape, { member_id: scope.memberId, advertiser_id: scope.advertiserId, include_shared: 0 }, signal);
}

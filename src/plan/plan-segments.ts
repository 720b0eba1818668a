import { createDraft, SEGMENT, updateDraft, type Draft } from './coded-object.js';
import { checkAdvertiser, type PlanContext } from './context.js';
import { comparedFields, matchLive } from './identity.js';
import type { Json } from './types.js';

/** Segments: create what is missing, update what differs, adopt pinned objects without a code. */
export function planSegments(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  for (const manifest of ctx.desired.segments) {
    const advertiserId = manifest.spec.advertiser_id;
    if (!checkAdvertiser(ctx, manifest, advertiserId)) continue;
    const live = matchLive(ctx, manifest, ctx.segmentById, ctx.segmentByCode.get(manifest.name.toLowerCase()), 'segment');
    if (live === undefined) continue;
    if (live === null) {
      // The scope goes in the query string: an advertiser's segment, or a member-level one.
      const query: Record<string, number> = typeof advertiserId === 'number' ? { advertiser_id: advertiserId } : { member_id: ctx.live.memberId };
      drafts.push(createDraft(manifest, SEGMENT, query, comparedFields(manifest.spec, [], ['advertiser_id'])));
      continue;
    }
    const draft = updateDraft(manifest, SEGMENT, live, comparedFields(manifest.spec, manifest.ignoreChanges), { id: live.id }, segmentWarnings);
    if (draft) drafts.push(draft);
    else unchanged++;
  }
  return { drafts, unchanged };
}

/** Xandr: a null expiry is the system maximum, so any number shortens it. */
function segmentWarnings(live: Record<string, Json>, desired: Record<string, Json>): string[] {
  if (!('expire_minutes' in desired)) return [];
  const before = live.expire_minutes;
  const after = desired.expire_minutes;
  if (typeof after !== 'number') return [];
  if (before === null || (typeof before === 'number' && after < before)) {
    return [`shortens expire_minutes from ${before === null ? 'the maximum (null)' : before} to ${after}: users added from now on leave the segment sooner`];
  }
  return [];
}

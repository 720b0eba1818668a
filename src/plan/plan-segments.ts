import { createDraft, SEGMENT, updateDraft, type Draft } from './coded-object.js';
import { checkAdvertiser, type PlanContext } from './context.js';
import { comparedFields, likelyDuplicate, matchLive, nameKey, uncodedByName } from './identity.js';
import type { Json } from './types.js';

/** Segments: create what is missing, update what differs, adopt pinned objects without a code. */
export function planSegments(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  const uncoded = uncodedByName(ctx.live.segments, (s) => s.advertiser_id, (s) => s.short_name);
  for (const manifest of ctx.desired.segments) {
    const advertiserId = manifest.spec.advertiser_id;
    if (!checkAdvertiser(ctx, manifest, advertiserId)) continue;
    const live = matchLive(ctx, manifest, ctx.segmentById, ctx.segmentByCode.get(manifest.name.toLowerCase()), 'segment', (name) => ctx.segmentByCode.get(name.toLowerCase()));
    if (live === undefined) continue;
    ctx.segmentIds.set(manifest, live === null ? { ref: manifest.address } : live.id);
    if (live === null) {
      // The scope goes in the query string: an advertiser's segment, or a member-level one.
      const query: Record<string, number> = typeof advertiserId === 'number' ? { advertiser_id: advertiserId } : { member_id: ctx.live.memberId };
      const draft = createDraft(manifest, SEGMENT, query, comparedFields(manifest.spec, [], ['advertiser_id']));
      const twin = manifest.id === undefined ? uncoded.get(nameKey(advertiserId ?? null, manifest.spec.short_name)) : undefined;
      if (twin) draft.warnings.push(likelyDuplicate('segment', twin.id, twin.short_name));
      drafts.push(draft);
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

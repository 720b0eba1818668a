import type { SegmentManifest } from '../manifest/types.js';
import { diffFields } from './compare.js';
import { checkAdvertiser, type PlanContext } from './context.js';
import { codeChange, comparedFields, matchLive } from './identity.js';
import type { Action, Change, Json } from './types.js';

export type Draft = Omit<Action, 'wave'>;

/** Segments: create what is missing, update what differs, adopt pinned objects without a code. */
export function planSegments(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  for (const manifest of ctx.desired.segments) {
    if (!checkAdvertiser(ctx, manifest, manifest.spec.advertiser_id)) continue;
    const live = matchLive(ctx, manifest, ctx.segmentById, ctx.segmentByCode.get(manifest.name.toLowerCase()), 'segment');
    if (live === undefined) continue;
    if (live === null) {
      drafts.push(createSegment(ctx, manifest));
      continue;
    }
    const fields = comparedFields(manifest.spec, manifest.ignoreChanges);
    const { projected, changes } = diffFields(live, fields);
    const code = codeChange(live, manifest.name);
    if (!code && changes.length === 0) {
      unchanged++;
      continue;
    }
    const body: Record<string, Json> = {};
    if (code) body.code = manifest.name;
    for (const change of changes) {
      const field = change.path.split('/')[1]!;
      body[field] = fields[field]!;
    }
    drafts.push({
      address: manifest.address,
      kind: 'Segment',
      action: code && !live.code ? 'adopt' : 'update',
      request: { method: 'PUT', path: '/segment', query: { id: live.id }, body: { segment: body } },
      changes: code ? [code as Change, ...changes] : changes,
      depends_on: [],
      live: { id: live.id, code: live.code, ...projected },
      warnings: segmentWarnings(projected, fields),
      id: live.id,
      source: manifest.source,
    });
  }
  return { drafts, unchanged };
}

function createSegment(ctx: PlanContext, manifest: SegmentManifest): Draft {
  const { advertiser_id: advertiserId, ...rest } = manifest.spec;
  const body: Record<string, Json> = { code: manifest.name, ...comparedFields(rest, []) };
  const query: Record<string, number> =
    advertiserId !== undefined && advertiserId !== null ? { advertiser_id: advertiserId } : { member_id: ctx.live.memberId };
  return {
    address: manifest.address,
    kind: 'Segment',
    action: 'create',
    request: { method: 'POST', path: '/segment', query, body: { segment: body } },
    changes: Object.entries(body).map(([key, value]) => ({ op: 'add' as const, path: `/${key}`, value })),
    depends_on: [],
    live: null,
    warnings: [],
    id: null,
    source: manifest.source,
  };
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

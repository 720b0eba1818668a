import { createDraft, PIXEL, updateDraft, type Draft } from './coded-object.js';
import { checkAdvertiser, pixelKey, type PlanContext } from './context.js';
import { comparedFields, likelyDuplicate, matchLive, nameKey, uncodedByName } from './identity.js';

const SCOPE = ['advertiser_id'];

/** Conversion pixels, per advertiser. Also records each desired pixel's id (or a Ref) for the bindings. */
export function planPixels(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  const uncoded = uncodedByName(ctx.live.pixels, (p) => p.advertiser_id, (p) => p.name);
  for (const manifest of ctx.desired.pixels) {
    const advertiserId = manifest.spec.advertiser_id;
    if (!checkAdvertiser(ctx, manifest, advertiserId)) continue;
    const byCode = ctx.pixelByCode.get(pixelKey(advertiserId, manifest.name));
    const live = matchLive(ctx, manifest, ctx.pixelById, byCode, 'pixel', (name) => ctx.pixelByCode.get(pixelKey(advertiserId, name)));
    if (live === undefined) continue;
    if (live !== null && live.advertiser_id !== advertiserId) {
      ctx.errors.push({
        code: 'advertiser-mismatch',
        message: `metadata.id ${live.id} is a pixel of advertiser ${live.advertiser_id}, not ${advertiserId}`,
        address: manifest.address,
        ...manifest.source,
      });
      continue;
    }
    if (live === null) {
      ctx.pixelIds.set(manifest, { ref: manifest.address });
      const draft = createDraft(manifest, PIXEL, { advertiser_id: advertiserId }, comparedFields(manifest.spec, [], SCOPE));
      const twin = manifest.id === undefined ? uncoded.get(nameKey(advertiserId, manifest.spec.name)) : undefined;
      if (twin) draft.warnings.push(likelyDuplicate('pixel', twin.id, twin.name));
      drafts.push(draft);
      continue;
    }
    ctx.pixelIds.set(manifest, live.id);
    const fields = comparedFields(manifest.spec, manifest.ignoreChanges, SCOPE);
    const draft = updateDraft(manifest, PIXEL, live, fields, { id: live.id, advertiser_id: advertiserId }, (before, after) =>
      before.state === 'active' && after.state === 'inactive' && (live.line_items?.length ?? 0) > 0
        ? [`deactivates a pixel that ${live.line_items!.length} line item(s) use for conversions`]
        : [],
    );
    if (draft) drafts.push(draft);
    else unchanged++;
  }
  return { drafts, unchanged };
}

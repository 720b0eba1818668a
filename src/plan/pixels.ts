import { diffFields } from './compare.js';
import { checkAdvertiser, pixelKey, type PlanContext } from './context.js';
import { codeChange, comparedFields, matchLive } from './identity.js';
import type { Draft } from './segments.js';
import type { Change, Json } from './types.js';

const SCOPE = ['advertiser_id'];

/** Conversion pixels, per advertiser. Also records each desired pixel's id (or a Ref) for the bindings. */
export function planPixels(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  for (const manifest of ctx.desired.pixels) {
    const advertiserId = manifest.spec.advertiser_id;
    if (!checkAdvertiser(ctx, manifest, advertiserId)) continue;
    const byCode = ctx.pixelByCode.get(pixelKey(advertiserId, manifest.name));
    const live = matchLive(ctx, manifest, ctx.pixelById, byCode, 'pixel');
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
      const body: Record<string, Json> = { code: manifest.name, ...comparedFields(manifest.spec, [], SCOPE) };
      drafts.push({
        address: manifest.address,
        kind: 'ConversionPixel',
        action: 'create',
        request: { method: 'POST', path: '/pixel', query: { advertiser_id: advertiserId }, body: { pixel: body } },
        changes: Object.entries(body).map(([key, value]) => ({ op: 'add' as const, path: `/${key}`, value })),
        depends_on: [],
        live: null,
        warnings: [],
        id: null,
        source: manifest.source,
      });
      continue;
    }
    ctx.pixelIds.set(manifest, live.id);
    const fields = comparedFields(manifest.spec, manifest.ignoreChanges, SCOPE);
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
    const warnings: string[] = [];
    if (projected.state === 'active' && fields.state === 'inactive' && (live.line_items?.length ?? 0) > 0) {
      warnings.push(`deactivates a pixel that ${live.line_items!.length} line item(s) use for conversions`);
    }
    drafts.push({
      address: manifest.address,
      kind: 'ConversionPixel',
      action: code && !live.code ? 'adopt' : 'update',
      request: { method: 'PUT', path: '/pixel', query: { id: live.id, advertiser_id: advertiserId }, body: { pixel: body } },
      changes: code ? [code as Change, ...changes] : changes,
      depends_on: [],
      live: { id: live.id, code: live.code, ...projected },
      warnings,
      id: live.id,
      source: manifest.source,
    });
  }
  return { drafts, unchanged };
}

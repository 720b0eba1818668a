import type { BindingManifest, BindingPixel } from '../manifest/types.js';
import type { LiveLineItem, LiveLineItemPixel } from '../xandr/types.js';
import { sameValue } from './compare.js';
import { checkAdvertiser, fail, findBoundLineItem, isRef, pixelKey, type PlanContext } from './context.js';
import type { Draft } from './coded-object.js';
import type { Change, Json, PlannedRequest, Ref } from './types.js';

/** Xandr allows at most 20 pixels on a line item (xandr-api.md B.9). */
export const MAX_LINE_ITEM_PIXELS = 20;

const REVENUE = ['post_click_revenue', 'post_view_revenue'] as const;

interface Element {
  id: number | Ref;
  state: string;
  post_click_revenue?: number | null;
  post_view_revenue?: number | null;
}

/**
 * Line-item pixel bindings. Whatever the policy, the PUT carries the whole resulting array, because a PUT
 * replaces arrays (xandr-api.md A.8): `authoritative` sends exactly the listed pixels, `additive` sends the
 * live ones with the listed ones merged in. No PUT when the result equals what is live.
 */
export function planBindings(ctx: PlanContext): { drafts: Draft[]; unchanged: number } {
  const drafts: Draft[] = [];
  let unchanged = 0;
  for (const manifest of ctx.desired.bindings) {
    const draft = planBinding(ctx, manifest);
    if (draft === 'unchanged') unchanged++;
    else if (draft) drafts.push(draft);
  }
  return { drafts, unchanged };
}

/** Why Xandr would refuse pixel revenue on this line item, or null when it accepts it. */
export function revenueRefusal(lineItem: LiveLineItem): string | null {
  if (lineItem.line_item_type === 'standard_v2') {
    return `line item ${lineItem.id} is an augmented line item (standard_v2), which cannot use revenue type cpa, so Xandr accepts no pixel revenue on it; remove the revenue fields`;
  }
  if (lineItem.revenue_type !== 'cpa') {
    return `line item ${lineItem.id} has revenue_type '${lineItem.revenue_type ?? 'none'}'; Xandr accepts pixel revenue only on cpa line items`;
  }
  return null;
}

function planBinding(ctx: PlanContext, manifest: BindingManifest): Draft | 'unchanged' | null {
  const spec = manifest.spec;
  if (!checkAdvertiser(ctx, manifest, spec.advertiser_id)) return null;
  const lineItem = findBoundLineItem(ctx, manifest);
  if (!lineItem) return null;
  const errorsBefore = ctx.errors.length;
  const refusal = revenueRefusal(lineItem);
  const livePixels = lineItem.pixels ?? [];
  const liveById = new Map(livePixels.map((p) => [p.id, p]));

  const wanted: { entry: BindingPixel; id: number | Ref; index: number }[] = [];
  const dependsOn = new Set<string>();
  const seen = new Set<string>();
  spec.pixels.forEach((entry, index) => {
    const id = resolvePixel(ctx, manifest, entry, index);
    if (id === undefined) return;
    if (isRef(id)) dependsOn.add(id.ref);
    const key = isRef(id) ? id.ref : String(id);
    if (seen.has(key)) {
      fail(ctx, manifest, 'duplicate-pixel', `pixel ${isRef(id) ? id.ref : id} is listed twice for line item ${lineItem.id}`, `/pixels/${index}`);
      return;
    }
    seen.add(key);
    for (const field of REVENUE) {
      const value = entry[field];
      if (refusal && value !== undefined && value !== null) fail(ctx, manifest, 'revenue-not-allowed', refusal, `/pixels/${index}/${field}`);
    }
    wanted.push({ entry, id, index });
  });

  const element = (entry: BindingPixel | undefined, id: number | Ref, live: LiveLineItemPixel | undefined): Element => {
    const out: Element = { id, state: entry?.state ?? live?.state ?? 'active' };
    // Revenue is sent only where Xandr takes it (standard cpa line items), and then always, so that the
    // replaced array does not silently reset it to null.
    if (!refusal) {
      for (const field of REVENUE) {
        const value = entry?.[field] !== undefined ? entry[field] : live?.[field];
        if (value !== undefined && value !== null) out[field] = value;
        else if (entry?.[field] === null) out[field] = null;
      }
    }
    return out;
  };

  let result: Element[];
  if (spec.policy === 'additive') {
    const listed = new Map(wanted.filter((w) => !isRef(w.id)).map((w) => [w.id as number, w.entry]));
    // A pixel that prune deletes (prune.ts) leaves every line item first, also the ones `additive` keeps.
    result = livePixels.filter((live) => !ctx.prunedPixels.has(live.id)).map((live) => element(listed.get(live.id), live.id, live));
    for (const w of wanted) if (isRef(w.id) || !liveById.has(w.id)) result.push(element(w.entry, w.id, undefined));
  } else {
    result = wanted.map((w) => element(w.entry, w.id, isRef(w.id) ? undefined : liveById.get(w.id)));
  }
  if (result.length > MAX_LINE_ITEM_PIXELS) {
    const why = spec.policy === 'additive' ? ` (${livePixels.length} already attached plus the ones listed here)` : '';
    fail(ctx, manifest, 'too-many-pixels', `line item ${lineItem.id} would have ${result.length} pixels${why}; Xandr allows at most ${MAX_LINE_ITEM_PIXELS}`, '/pixels');
  }
  if (ctx.errors.length > errorsBefore) return null;

  const { changes, warnings } = describe(ctx, lineItem, livePixels, result);
  if (changes.length === 0) return 'unchanged';
  return {
    address: manifest.address,
    kind: 'LineItemPixels',
    action: 'update',
    request: pixelsPut(lineItem, result as unknown as Json),
    changes,
    depends_on: [...dependsOn],
    live: lineItemSnapshot(lineItem),
    warnings,
    id: lineItem.id,
    source: manifest.source,
  };
}

function resolvePixel(ctx: PlanContext, manifest: BindingManifest, entry: BindingPixel, index: number): number | Ref | undefined {
  const advertiserId = manifest.spec.advertiser_id;
  if (entry.pixel !== undefined) {
    const pixel = ctx.desiredPixelByName.get(pixelKey(advertiserId, entry.pixel));
    // The loader reports a name that matches no pixel; a pixel whose own plan failed is reported there.
    return pixel ? ctx.pixelIds.get(pixel) : undefined;
  }
  const id = entry.pixel_id!;
  const live = ctx.pixelById.get(id);
  if (!live || live.advertiser_id !== advertiserId) {
    fail(ctx, manifest, 'unknown-pixel-id', `pixel ${id} does not exist in advertiser ${advertiserId}`, `/pixels/${index}/pixel_id`);
    return undefined;
  }
  return id;
}

/**
 * RFC 6902 operations from the live array to the result, in an order that applies cleanly: replacements
 * at live indexes, then removals from the highest index down, then additions at the end.
 */
function describe(ctx: PlanContext, lineItem: LiveLineItem, live: LiveLineItemPixel[], result: Element[]): { changes: Change[]; warnings: string[] } {
  const replaces: Change[] = [];
  const removes: Change[] = [];
  const adds: Change[] = [];
  const warnings: string[] = [];
  const byId = new Map(result.filter((e) => !isRef(e.id)).map((e) => [e.id as number, e]));
  const label = (id: number) => {
    const name = ctx.pixelById.get(id)?.name;
    return name ? `pixel ${id} (${name})` : `pixel ${id}`;
  };
  live.forEach((current, index) => {
    const next = byId.get(current.id);
    if (!next) {
      removes.unshift({ op: 'remove', path: `/pixels/${index}` });
      if (lineItem.state === 'active' && current.state !== 'inactive') {
        warnings.push(`detaches ${label(current.id)} from active line item ${lineItem.id}${lineItem.name ? ` (${lineItem.name})` : ''}: its conversions stop counting there`);
      }
      return;
    }
    if (next.state !== current.state) replaces.push({ op: 'replace', path: `/pixels/${index}/state`, value: next.state });
    for (const field of REVENUE) {
      if (!(field in next)) continue;
      const value = next[field] ?? null;
      if (sameValue(current[field], value)) continue;
      replaces.push({ op: 'replace', path: `/pixels/${index}/${field}`, value });
      warnings.push(`changes ${field} of ${label(current.id)} on line item ${lineItem.id} from ${current[field] ?? 'none'} to ${value ?? 'none'}`);
    }
  });
  for (const element of result) {
    if (isRef(element.id) || !live.some((p) => p.id === element.id)) adds.push({ op: 'add', path: '/pixels/-', value: element as unknown as Json });
  }
  return { changes: [...replaces, ...removes, ...adds], warnings };
}

/** The PUT that replaces a line item's whole `pixels` array (no `append`: the array sent is the result). */
export function pixelsPut(lineItem: LiveLineItem, pixels: Json): PlannedRequest {
  return { method: 'PUT', path: '/line-item', query: { id: lineItem.id, advertiser_id: lineItem.advertiser_id }, body: { 'line-item': { pixels } } };
}

/** What a line-item action owns and depends on, as planned: a saved plan is checked against it. */
export function lineItemSnapshot(lineItem: LiveLineItem): Json {
  return {
    id: lineItem.id,
    advertiser_id: lineItem.advertiser_id,
    state: lineItem.state,
    line_item_type: lineItem.line_item_type,
    revenue_type: lineItem.revenue_type,
    pixels: (lineItem.pixels ?? []).map((p) => ({ id: p.id, state: p.state, post_click_revenue: p.post_click_revenue, post_view_revenue: p.post_view_revenue })),
  };
}

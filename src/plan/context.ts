import type { Desired, Manifest, PixelManifest, ProjectConfig } from '../manifest/types.js';
import type { LiveAdvertiser, LiveLineItem, LivePixel, LiveSegment } from '../xandr/types.js';
import type { PlanErrorCode } from './plan-codes.js';
import type { LiveState, PlanError, Ref } from './types.js';

/** Lookups over the live state, built once per plan; codes are keyed lower-case (Xandr ignores case). */
export interface PlanContext {
  desired: Desired;
  live: LiveState;
  config: ProjectConfig;
  errors: PlanError[];
  segmentById: Map<number, LiveSegment>;
  segmentByCode: Map<string, LiveSegment>;
  pixelById: Map<number, LivePixel>;
  /** `${advertiserId}/${lower-case code}` */
  pixelByCode: Map<string, LivePixel>;
  lineItemById: Map<number, LiveLineItem>;
  /** `${advertiserId}/${lower-case code}`, the first line item with that code: bindings that name one by code. */
  lineItemByCode: Map<string, LiveLineItem>;
  /** `${advertiserId}/${lower-case name}`, the first such pixel manifest: bindings resolve `pixel:` names here. */
  desiredPixelByName: Map<string, PixelManifest>;
  advertiserById: Map<number, LiveAdvertiser>;
  /** The id each desired pixel has, or will have after apply (a Ref). Filled by the pixel planner. */
  pixelIds: Map<PixelManifest, number | Ref>;
  /** Pixels that prune deletes: bindings detach them (filled by prune.ts before bindings are planned). */
  prunedPixels: Set<number>;
}

export function createContext(desired: Desired, live: LiveState, config: ProjectConfig): PlanContext {
  const segmentByCode = new Map<string, LiveSegment>();
  for (const segment of live.segments) if (segment.code) segmentByCode.set(segment.code.toLowerCase(), segment);
  const pixelByCode = new Map<string, LivePixel>();
  for (const pixel of live.pixels) if (pixel.code) pixelByCode.set(pixelKey(pixel.advertiser_id, pixel.code), pixel);
  // Maps, not find(): 3,000 bindings naming pixels among 5,000 took 0.3 s as linear scans.
  const lineItemByCode = new Map<string, LiveLineItem>();
  for (const li of live.lineItems) if (li.code) setFirst(lineItemByCode, pixelKey(li.advertiser_id, li.code), li);
  const desiredPixelByName = new Map<string, PixelManifest>();
  for (const pixel of desired.pixels) setFirst(desiredPixelByName, pixelKey(pixel.spec.advertiser_id, pixel.name), pixel);
  return {
    desired,
    live,
    config,
    errors: [],
    segmentById: new Map(live.segments.map((s) => [s.id, s])),
    segmentByCode,
    pixelById: new Map(live.pixels.map((p) => [p.id, p])),
    pixelByCode,
    lineItemById: new Map(live.lineItems.map((li) => [li.id, li])),
    lineItemByCode,
    desiredPixelByName,
    advertiserById: new Map(live.advertisers.map((a) => [a.id, a])),
    pixelIds: new Map(),
    prunedPixels: new Set(),
  };
}

function setFirst<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

export function pixelKey(advertiserId: number, code: string): string {
  return `${advertiserId}/${code.toLowerCase()}`;
}

/** Records a plan error positioned at a manifest field (or at the document when the field has no position). */
export function fail(ctx: PlanContext, manifest: Manifest, code: PlanErrorCode, message: string, field?: string): void {
  const at = (field && manifest.source.fields?.[field]) || manifest.source;
  ctx.errors.push({ code, message, address: manifest.address, file: at.file, line: at.line, column: at.column });
}

/** The advertiser exists (and was read); otherwise an error on the manifest that names it. */
export function checkAdvertiser(ctx: PlanContext, manifest: Manifest, advertiserId: number | null | undefined): boolean {
  if (advertiserId === undefined || advertiserId === null) return true;
  if (ctx.advertiserById.has(advertiserId)) return true;
  fail(ctx, manifest, 'unknown-advertiser', `advertiser ${advertiserId} does not exist in member ${ctx.live.memberId} (or this user cannot see it)`, '/advertiser_id');
  return false;
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && typeof (value as Ref).ref === 'string';
}

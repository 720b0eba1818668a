import type { BindingManifest, Desired, Manifest, PixelManifest, ProjectConfig, SegmentManifest, TargetingManifest } from '../manifest/types.js';
import type { LiveAdvertiser, LiveLineItem, LivePixel, LiveProfile, LiveSegment } from '../xandr/types.js';
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
  /** Lower-case name -> the Segment manifest: targeting resolves `segment:` names here. */
  desiredSegmentByName: Map<string, SegmentManifest>;
  /** The id each desired segment has, or will have after apply (a Ref). Filled by the segment planner. */
  segmentIds: Map<SegmentManifest, number | Ref>;
  profileById: Map<number, LiveProfile>;
  /** Segments a targeting may name by id: the listed ones and those read by id for it. */
  targetableSegmentById: Map<number, LiveSegment>;
  /** What each targeted profile holds before and after the plan (filled by the targeting planner, read by prune). */
  targetingOutcomes: TargetingOutcome[];
  /** The line item a LineItemSegments action is about (its own id is the profile's), for its impact. */
  lineItemOfAction: Map<string, number>;
}

/** The segment ids a managed line item's profile targets now and once the plan is applied. */
export interface TargetingOutcome {
  /** The action that changes the targeting; null when it stays as it is. */
  address: string | null;
  manifest: TargetingManifest;
  lineItemId: number;
  before: Set<number>;
  after: Set<number>;
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
    desiredSegmentByName: new Map(desired.segments.map((s) => [s.name.toLowerCase(), s])),
    segmentIds: new Map(),
    profileById: new Map(live.profiles.map((p) => [p.id, p])),
    targetableSegmentById: new Map([...live.referencedSegments, ...live.segments].map((s) => [s.id, s])),
    targetingOutcomes: [],
    lineItemOfAction: new Map(),
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

/** The live line item a LineItemPixels or LineItemSegments manifest names, by id or code; an error when there is none. */
export function findBoundLineItem(ctx: PlanContext, manifest: BindingManifest | TargetingManifest): LiveLineItem | undefined {
  const { advertiser_id: advertiserId, line_item_id: id, line_item_code: code } = manifest.spec;
  const lineItem = id !== undefined ? ctx.lineItemById.get(id) : code !== undefined ? ctx.lineItemByCode.get(pixelKey(advertiserId, code)) : undefined;
  if (!lineItem) {
    const what = id !== undefined ? `line item ${id}` : `line item with code '${code}'`;
    fail(
      ctx,
      manifest,
      'unknown-line-item',
      `${what} does not exist in advertiser ${advertiserId}; line items are created by traders, xandr-sync manages only their pixels and segment targeting`,
      id !== undefined ? '/line_item_id' : '/line_item_code',
    );
    return undefined;
  }
  if (lineItem.advertiser_id !== advertiserId) {
    fail(ctx, manifest, 'advertiser-mismatch', `line item ${lineItem.id} belongs to advertiser ${lineItem.advertiser_id}, not ${advertiserId}`, '/advertiser_id');
    return undefined;
  }
  return lineItem;
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && typeof (value as Ref).ref === 'string';
}

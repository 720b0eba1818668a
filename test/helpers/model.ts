import type { BindingManifest, BindingSpec, Desired, PixelManifest, PixelSpec, ProjectConfig, SegmentManifest, SegmentSpec, TargetingManifest, TargetingSpec } from '../../src/manifest/types.js';
import type { LiveState, PlanSource, Target } from '../../src/plan/types.js';
import type { LiveAdvertiser, LiveLineItem, LivePixel, LiveProfile, LiveProfileSegment, LiveSegment } from '../../src/xandr/types.js';

/** Builders for desired and live objects, so planner tests state only what matters to them. */

type Meta = { id?: number; protect?: boolean; ignoreChanges?: string[] };
const source = (name: string) => ({ file: `${name}.yaml`, line: 1, column: 1, document: 0 });

export const segment = (name: string, spec: Partial<SegmentSpec> = {}, meta: Meta = {}): SegmentManifest => ({
  kind: 'Segment',
  name,
  address: `Segment/${name}`,
  protect: meta.protect ?? false,
  ignoreChanges: meta.ignoreChanges ?? [],
  previousNames: [],
  ...(meta.id !== undefined ? { id: meta.id } : {}),
  spec: { short_name: name, ...spec },
  source: source(name),
});

export const pixel = (name: string, spec: Partial<PixelSpec> = {}, meta: Meta = {}): PixelManifest => ({
  kind: 'ConversionPixel',
  name,
  address: `ConversionPixel/${name}`,
  protect: meta.protect ?? false,
  ignoreChanges: meta.ignoreChanges ?? [],
  previousNames: [],
  ...(meta.id !== undefined ? { id: meta.id } : {}),
  spec: { advertiser_id: 1234, name, ...spec },
  source: source(name),
});

export const binding = (name: string, spec: Partial<BindingSpec> = {}): BindingManifest => ({
  kind: 'LineItemPixels',
  name,
  address: `LineItemPixels/${name}`,
  protect: false,
  ignoreChanges: [],
  previousNames: [],
  spec: { advertiser_id: 1234, line_item_id: 205, policy: 'authoritative', pixels: [], ...spec },
  source: source(name),
});

export const targeting = (name: string, spec: Partial<TargetingSpec> = {}): TargetingManifest => ({
  kind: 'LineItemSegments',
  name,
  address: `LineItemSegments/${name}`,
  protect: false,
  ignoreChanges: [],
  previousNames: [],
  spec: { advertiser_id: 1234, line_item_id: 205, segment_boolean_operator: 'and', groups: [], ...spec },
  source: source(name),
});

/** A profile segment as Xandr returns it, with the field table's defaults. */
export const profileSegment = (id: number, fields: Partial<LiveProfileSegment> = {}): LiveProfileSegment => ({
  id,
  action: 'include',
  start_minutes: 0,
  expire_minutes: -1,
  other_equals: null,
  other_less: null,
  other_greater: null,
  other_in_list: null,
  code: null,
  name: null,
  deleted: false,
  ...fields,
});

export const liveProfile = (id: number, fields: Partial<LiveProfile> = {}): LiveProfile => ({
  id,
  code: null,
  advertiser_id: 1234,
  segment_boolean_operator: 'and',
  segment_targets: null,
  segment_group_targets: null,
  is_archived: false,
  last_modified: '2026-01-01 00:00:00',
  ...fields,
});

export const desired = (parts: Partial<Desired> = {}): Desired => ({ segments: [], pixels: [], bindings: [], targeting: [], ...parts });

export const liveSegment = (id: number, code: string | null, fields: Partial<LiveSegment> = {}): LiveSegment => ({
  id,
  code,
  member_id: 958,
  advertiser_id: null,
  state: 'active',
  short_name: code ?? `segment ${id}`,
  last_modified: '2026-01-01 00:00:00',
  ...fields,
});

export const livePixel = (id: number, code: string | null, fields: Partial<LivePixel> = {}): LivePixel => ({
  id,
  code,
  advertiser_id: 1234,
  name: code ?? `pixel ${id}`,
  state: 'active',
  trigger_type: 'click',
  line_items: null,
  last_modified: '2026-01-01 00:00:00',
  ...fields,
});

export const liveLineItem = (id: number, fields: Partial<LiveLineItem> = {}): LiveLineItem => ({
  id,
  code: null,
  advertiser_id: 1234,
  name: `Line item ${id}`,
  state: 'active',
  line_item_type: 'standard_v1',
  revenue_type: 'cpa',
  pixels: null,
  last_modified: '2026-01-01 00:00:00',
  ...fields,
});

export const advertiser = (id: number): LiveAdvertiser => ({ id, code: null, name: `Advertiser ${id}`, state: 'active' });

export const live = (parts: Partial<LiveState> = {}): LiveState => ({
  memberId: 958,
  segments: [],
  pixels: [],
  pixelAdvertisers: [1234],
  lineItems: [liveLineItem(205)],
  advertisers: [advertiser(1234)],
  segmentAdvertisers: null,
  profiles: [],
  referencedSegments: [],
  ...parts,
});

export const config = (parts: Partial<ProjectConfig> = {}): ProjectConfig => ({
  file: null,
  manifests: ['**/*.yaml', '**/*.yml'],
  prune: 'none',
  allow_empty_prune: false,
  guards: { goal_pixel_detach: 'warn' },
  attribution: { max_lookups: 20 },
  rate: {},
  ...parts,
});

export const target: Target = { kind: 'sandbox', api_url: 'sandbox:test', member_id: 958 };
export const source0: PlanSource = { paths: ['config'], git: null };

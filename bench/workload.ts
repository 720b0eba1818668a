/**
 * A seeded workload: a repository of manifests and the live state of a Xandr member that matches it except
 * for a known set of drifted objects. The same shape and seed always give byte-identical files and live
 * objects, so call counts and plans are reproducible (the call-count test relies on it).
 */
import { Random } from './random.js';
import { manifestFile, manifestYaml, type YamlValue } from './yaml-text.js';

export interface WorkloadShape {
  segments: number;
  pixels: number;
  lineItems: number;
  advertisers: number;
  /** Fraction of the managed objects of each kind whose live state differs from the manifests. */
  drift: number;
}

/** The default: 28,000 objects across 20 advertisers, 5 % drifted. */
export const DEFAULT_SHAPE: WorkloadShape = { segments: 20_000, pixels: 5_000, lineItems: 3_000, advertisers: 20, drift: 0.05 };
/** A tenth of it: seconds end to end. */
export const SMALL_SHAPE: WorkloadShape = { segments: 2_000, pixels: 500, lineItems: 300, advertisers: 20, drift: 0.05 };

/** The object counts times `factor`; advertisers and drift stay (a bigger member, not more members). */
export function scaleShape(shape: WorkloadShape, factor: number): WorkloadShape {
  return {
    ...shape,
    segments: Math.round(shape.segments * factor),
    pixels: Math.round(shape.pixels * factor),
    lineItems: Math.round(shape.lineItems * factor),
  };
}

export const MEMBER_ID = 958;
const ADVERTISER_BASE = 30_000;
const SEGMENT_BASE = 2_000_000;
const PIXEL_BASE = 3_000_000;
const LINE_ITEM_BASE = 4_000_000;
const PROFILE_BASE = 5_000_000;
/** Console-made objects (no code) that the member also holds: read, never touched. */
const UNMANAGED_SHARE = 0.02;
/** Documents per manifest file, as a team splits a large advertiser into several files. */
const DOCS_PER_FILE = 200;

type Json = { [key: string]: YamlValue };

export type ChangeKind = 'create' | 'update';

export interface Workload {
  shape: WorkloadShape;
  seed: number;
  /** Manifest files by path relative to the repository root (xandr-sync.yaml is the caller's). */
  files: Map<string, string>;
  /** Live objects for `control.upsert` (the member's state before the plan). */
  live: { advertisers: Json[]; segments: Json[]; pixels: Json[]; lineItems: Json[]; profiles: Json[] };
  /** Every address whose live object differs from its manifest, and what the plan must do about it. */
  changes: Map<string, { kind: 'Segment' | 'ConversionPixel' | 'LineItemPixels' | 'LineItemSegments'; action: ChangeKind }>;
  /** The line-item ids the bindings name. */
  boundLineItems: number[];
  /** Advertisers whose pixels the manifests name (their pixels are listed in a plan). */
  pixelAdvertisers: number[];
}

const WORDS = ['cart', 'checkout', 'homepage', 'pricing', 'newsletter', 'loyalty', 'outdoor', 'travel', 'shoes', 'winter', 'summer', 'app', 'video', 'search'];
const AUDIENCES = ['visitors', 'abandoners', 'buyers', 'readers', 'subscribers', 'browsers', 'lookalikes'];
const EXPIRY: (number | null)[] = [1440, 10080, 20160, 43200, 129600, null];
const TRIGGERS = ['view', 'click', 'hybrid'] as const;

const pad = (n: number) => String(n).padStart(6, '0');

export function generateWorkload(shape: WorkloadShape, seed = 1): Workload {
  const random = new Random(seed);
  const advertiserIds = Array.from({ length: shape.advertisers }, (_, a) => ADVERTISER_BASE + a + 1);
  const changes: Workload['changes'] = new Map();
  const live: Workload['live'] = { advertisers: [], segments: [], pixels: [], lineItems: [], profiles: [] };
  const docs = new Map<string, string[]>();
  const addDoc = (group: string, text: string) => {
    const list = docs.get(group);
    if (list) list.push(text);
    else docs.set(group, [text]);
  };
  const drifted = (count: number) => new Set(random.sample(count, Math.round(count * shape.drift)));
  const advDir = (a: number) => `advertisers/adv-${String(a + 1).padStart(2, '0')}`;

  advertiserIds.forEach((id, a) => live.advertisers.push({ id, member_id: MEMBER_ID, code: `adv-${a + 1}`, name: `Advertiser ${a + 1}`, state: 'active' }));

  // Segments: one in ten at member level, the rest spread over the advertisers.
  const pixelAdvertisers = new Set<number>();
  const segmentDrift = drifted(shape.segments);
  // Per advertiser, the segments a line item may target that exist live (member-level ones too).
  const targetable: number[][] = advertiserIds.map(() => []);
  const memberTargetable: number[] = [];
  for (let i = 0; i < shape.segments; i++) {
    const a = i % shape.advertisers;
    const memberLevel = i % 10 === 9;
    const name = `seg-${pad(i)}`;
    const spec: Json = {};
    if (!memberLevel) spec.advertiser_id = advertiserIds[a]!;
    spec.short_name = `${random.pick(WORDS)} ${random.pick(AUDIENCES)} ${i}`;
    if (random.chance(0.3)) spec.description = `People who saw the ${random.pick(WORDS)} pages`;
    if (random.chance(0.1)) spec.state = random.chance(0.5) ? 'active' : 'inactive';
    spec.expire_minutes = random.pick(EXPIRY);
    if (random.chance(0.05)) {
      spec.enable_rm_piggyback = true;
      spec.piggyback_pixels = [{ url: `https://px.example.com/${name}.gif`, pixel_type: 'img' }];
    } else if (random.chance(0.03)) {
      spec.querystring_mapping_key_value = { qs_key: 'src', qs_value: name };
    }
    addDoc(memberLevel ? 'member/segments' : `${advDir(a)}/segments`, manifestYaml('Segment', { name }, spec));

    const record: Json = { id: SEGMENT_BASE + i, code: name, member_id: MEMBER_ID, advertiser_id: memberLevel ? null : advertiserIds[a]!, ...spec };
    if (segmentDrift.has(i)) {
      // A quarter missing (someone deleted them, or they were never applied), the rest edited in the console.
      if (random.chance(0.25)) {
        changes.set(`Segment/${name}`, { kind: 'Segment', action: 'create' });
        continue;
      }
      if (random.chance(0.5)) record.short_name = `${String(spec.short_name)} (edited)`;
      else record.expire_minutes = spec.expire_minutes === 1440 ? 10080 : 1440;
      changes.set(`Segment/${name}`, { kind: 'Segment', action: 'update' });
    }
    (memberLevel ? memberTargetable : targetable[a]!).push(i);
    live.segments.push(record);
  }
  const unmanagedSegments = Math.round(shape.segments * UNMANAGED_SHARE);
  for (let i = 0; i < unmanagedSegments; i++) {
    live.segments.push({ id: SEGMENT_BASE + shape.segments + i, code: null, member_id: MEMBER_ID, advertiser_id: advertiserIds[i % shape.advertisers]!, short_name: `Console segment ${i}` });
  }

  // Conversion pixels: pixel j belongs to advertiser j % advertisers. Drift is an edit (a missing pixel
  // would also change every binding that names it, and "5 % drifted" would no longer be 5 %).
  const pixelDrift = drifted(shape.pixels);
  const pixelName = (j: number) => `px-${pad(j)}`;
  for (let j = 0; j < shape.pixels; j++) {
    const a = j % shape.advertisers;
    const name = pixelName(j);
    const spec: Json = { advertiser_id: advertiserIds[a]!, name: `Pixel ${j} ${random.pick(WORDS)}`, trigger_type: random.pick(TRIGGERS) };
    if (random.chance(0.5)) spec.post_click_expire_mins = random.pick([10080, 43200, 129600]);
    if (random.chance(0.5)) spec.post_view_expire_mins = random.pick([1440, 10080]);
    if (random.chance(0.4)) spec.post_click_value = 1 + random.int(100);
    if (random.chance(0.4)) spec.pixel_conversion_event_id = 2 + random.int(7);
    addDoc(`${advDir(a)}/pixels`, manifestYaml('ConversionPixel', { name }, spec));
    pixelAdvertisers.add(advertiserIds[a]!);

    const record: Json = { id: PIXEL_BASE + j, code: name, member_id: MEMBER_ID, ...spec };
    if (pixelDrift.has(j)) {
      if (random.chance(0.5)) record.trigger_type = spec.trigger_type === 'view' ? 'click' : 'view';
      else record.name = `${String(spec.name)} old`;
      changes.set(`ConversionPixel/${name}`, { kind: 'ConversionPixel', action: 'update' });
    }
    live.pixels.push(record);
  }
  const unmanagedPixels: number[][] = advertiserIds.map(() => []);
  const unmanagedPixelCount = Math.round(shape.pixels * UNMANAGED_SHARE);
  for (let u = 0; u < unmanagedPixelCount; u++) {
    const a = u % shape.advertisers;
    const id = PIXEL_BASE + shape.pixels + u;
    unmanagedPixels[a]!.push(id);
    live.pixels.push({ id, code: null, member_id: MEMBER_ID, advertiser_id: advertiserIds[a]!, name: `Console pixel ${u}`, trigger_type: 'click' });
  }

  // Line items: each binding names 1 to 4 pixels of its advertiser. 70 % are standard cpa line items (pixel
  // revenue allowed), 30 % augmented (standard_v2, no revenue).
  const lineItemDrift = drifted(shape.lineItems);
  const targetingDrift = drifted(shape.lineItems);
  const boundLineItems: number[] = [];
  const pixelsOf = (a: number) => Math.floor((shape.pixels - 1 - a) / shape.advertisers) + 1;
  for (let k = 0; k < shape.lineItems; k++) {
    const a = k % shape.advertisers;
    const id = LINE_ITEM_BASE + k;
    const name = `li-${pad(k)}`;
    const cpa = random.chance(0.7);
    const additive = random.chance(0.15);
    const available = Math.max(0, pixelsOf(a));
    const chosen = random.sample(available, 1 + random.int(4)).map((m) => a + m * shape.advertisers);
    const entries: Json[] = [];
    const livePixels: Json[] = [];
    for (const j of chosen) {
      const entry: Json = { pixel: pixelName(j) };
      const element: Json = { id: PIXEL_BASE + j, state: 'active', post_click_revenue: null, post_view_revenue: null };
      if (random.chance(0.5)) entry.state = element.state = random.chance(0.9) ? 'active' : 'inactive';
      if (cpa && random.chance(0.5)) entry.post_click_revenue = element.post_click_revenue = 1 + random.int(50);
      if (cpa && random.chance(0.3)) entry.post_view_revenue = element.post_view_revenue = 1 + random.int(20);
      entries.push(entry);
      livePixels.push(element);
    }
    const spec: Json = { advertiser_id: advertiserIds[a]!, line_item_id: id };
    if (additive) spec.policy = 'additive';
    else if (random.chance(0.5)) spec.policy = 'authoritative';
    spec.pixels = entries;
    addDoc(`${advDir(a)}/line-items`, manifestYaml('LineItemPixels', { name }, spec));
    boundLineItems.push(id);
    pixelAdvertisers.add(advertiserIds[a]!);

    // Additive bindings keep what traders attached in the console.
    const consolePixel = unmanagedPixels[a]![k % Math.max(1, unmanagedPixels[a]!.length)];
    if (additive && consolePixel !== undefined && random.chance(0.5)) livePixels.push({ id: consolePixel, state: 'active' });
    if (lineItemDrift.has(k)) {
      driftBinding(random, livePixels, entries, cpa, additive ? undefined : consolePixel);
      changes.set(`LineItemPixels/${name}`, { kind: 'LineItemPixels', action: 'update' });
    }
    live.lineItems.push({
      id,
      code: name,
      member_id: MEMBER_ID,
      advertiser_id: advertiserIds[a]!,
      name: `Line item ${k}`,
      state: 'active',
      line_item_type: cpa ? 'standard_v1' : 'standard_v2',
      revenue_type: cpa ? 'cpa' : 'cpm',
      pixels: livePixels,
      profile_id: PROFILE_BASE + k,
    });
    addTargeting(random, k, advertiserIds[a]!, [...targetable[a]!, ...memberTargetable], targetingDrift.has(k));
  }

  /**
   * Every line item targets 1 or 2 groups of 1 to 3 segments it may use (its advertiser's or member-level),
   * some excluded, some with a recency window, from the profile its `profile_id` names. Drifted ones were
   * edited in the console: an action flipped, or a segment taken out of a group.
   */
  function addTargeting(rng: Random, k: number, advertiserId: number, usable: number[], drift: boolean): void {
    const name = `li-${pad(k)}`;
    const groups: Json[] = [];
    const liveGroups: { boolean_operator: string; segments: Json[] }[] = [];
    const taken = new Set<number>();
    for (let g = 0, n = 1 + rng.int(2); g < n; g++) {
      const entries: Json[] = [];
      const elements: Json[] = [];
      for (let e = 0, m = 1 + rng.int(3); e < m; e++) {
        const i = usable[rng.int(usable.length)]!;
        if (taken.has(i)) continue;
        taken.add(i);
        const entry: Json = { segment: `seg-${pad(i)}` };
        const element: Json = { id: SEGMENT_BASE + i, action: 'include', start_minutes: 0, expire_minutes: -1 };
        if (rng.chance(0.2)) entry.action = element.action = 'exclude';
        if (rng.chance(0.3)) entry.expire_minutes = element.expire_minutes = rng.pick([1440, 10080, 43200]);
        entries.push(entry);
        elements.push(element);
      }
      if (entries.length === 0) continue;
      groups.push({ boolean_operator: 'or', segments: entries });
      liveGroups.push({ boolean_operator: 'or', segments: elements });
    }
    addDoc(`${advDir(k % shape.advertisers)}/targeting`, manifestYaml('LineItemSegments', { name }, { advertiser_id: advertiserId, line_item_id: LINE_ITEM_BASE + k, groups }));
    if (drift) {
      const group = liveGroups[0]!;
      if (group.segments.length > 1 && rng.chance(0.5)) group.segments.pop();
      else group.segments[0]!.action = group.segments[0]!.action === 'include' ? 'exclude' : 'include';
      changes.set(`LineItemSegments/${name}`, { kind: 'LineItemSegments', action: 'update' });
    }
    live.profiles.push({ id: PROFILE_BASE + k, member_id: MEMBER_ID, advertiser_id: advertiserId, segment_boolean_operator: 'and', segment_group_targets: liveGroups });
  }

  const files = new Map<string, string>();
  for (const [group, list] of docs) {
    for (let start = 0, part = 1; start < list.length; start += DOCS_PER_FILE, part++) {
      const suffix = list.length > DOCS_PER_FILE ? `-${String(part).padStart(2, '0')}` : '';
      files.set(`${group}${suffix}.yaml`, manifestFile(list.slice(start, start + DOCS_PER_FILE), `${group} (generated by npm run bench, seed ${seed})`));
    }
  }
  return { shape, seed, files, live, changes, boundLineItems, pixelAdvertisers: [...pixelAdvertisers] };
}

/**
 * One difference between the binding and the line item's live pixels, of a kind that a real console edit
 * makes: a state or revenue changed, a listed pixel detached, or (authoritative) an extra pixel attached.
 */
function driftBinding(random: Random, live: Json[], entries: Json[], cpa: boolean, consolePixel: number | undefined): void {
  const roll = random.next();
  const withState = entries.findIndex((e) => e.state !== undefined);
  const withRevenue = entries.findIndex((e) => e.post_click_revenue !== undefined);
  if (roll < 0.3 && withState >= 0) {
    live[withState]!.state = entries[withState]!.state === 'active' ? 'inactive' : 'active';
  } else if (roll < 0.55 && cpa && withRevenue >= 0) {
    live[withRevenue]!.post_click_revenue = Number(entries[withRevenue]!.post_click_revenue) + 5;
  } else if (roll < 0.75 && consolePixel !== undefined) {
    live.push({ id: consolePixel, state: 'active' });
  } else {
    live.splice(random.int(entries.length), 1);
  }
}

export function objectCount(shape: WorkloadShape): number {
  return shape.segments + shape.pixels + shape.lineItems;
}

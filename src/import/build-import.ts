import { emitManifestFile, schemaModeline, type EmittedDocument } from '../manifest/emit.js';
import { validators } from '../manifest/schemas.js';
import type { Desired, Kind } from '../manifest/types.js';
import { revenueRefusal } from '../plan/index.js';
import type { LiveLineItem, LivePixel, LiveProfile, LiveProfileSegment, LiveSegment } from '../xandr/index.js';
import type { Account } from '../read/account.js';

/**
 * Live objects -> manifest files, for `xandr-sync import` (docs/adopting.md). Pure: the command reads
 * the account and the existing files and writes what this returns.
 *
 * - One file per kind and advertiser: `advertiser-<id>/segments.yaml`, `.../pixels.yaml`,
 *   `.../line-items.yaml` (pixels), `.../targeting.yaml` (segment targeting); member-level segments in
 *   `member/segments.yaml`. Documents in id order, each
 *   under a comment naming the live object.
 * - Only fields that carry information: no server-filled or read-only fields, and no field whose value is
 *   Xandr's default (a field a manifest leaves out is not compared, so the next plan stays empty). `state`
 *   (and a pixel's `trigger_type`) are always written: they are what people look for.
 * - Names: an object with a code keeps it. One without gets a slug of its display name (lower case,
 *   `[a-z0-9._-]`, at most 50 characters, `-2`, `-3` ... against any name or code in use, ignoring case)
 *   and a `metadata.id` pin, so the next plan adopts it. Names (and pins) the files being rewritten
 *   already give an object are kept, so importing again changes nothing unless Xandr changed.
 * - Objects that other manifest files already describe are left to those files.
 */

export const IMPORT_SCHEMA_URL = 'https://xandr-sync.dev/schemas/manifest.schema.json';
/** The second header line of every file import writes; import only ever removes files that carry it. */
export const IMPORT_MARKER = 'Written by `xandr-sync import`';

const NAME = /^[A-Za-z0-9._-]{1,50}$/;
const MAX_NAME = 50;

export interface ImportInput {
  account: Account;
  scope: { advertisers: number[]; member: boolean };
  /** Manifests in the files this import rewrites: their names (and pins) are kept. */
  previous: Desired;
  /** Manifests in every other file of the repository: their objects are not imported again, their names are taken. */
  others: Desired;
  /** The schema modeline target for a file at this path (relative to the output directory, `/`-separated). */
  schemaFor: (path: string) => string;
}

export interface ImportedFile {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  kind: Kind;
  /** null for member-level segments. */
  advertiserId: number | null;
  text: string;
  objects: number;
  /** Objects without a code: the next plan adopts them. */
  adopts: number;
}

interface ImportResult {
  files: ImportedFile[];
  /** Paths this import would have written had the advertiser had such objects (to remove stale ones). */
  empty: string[];
  /** Objects left out, with the reason. */
  skipped: string[];
  /** Objects left to the other files that already describe them. */
  alreadyDescribed: number;
}

const API_VERSION = 'xandr-sync/v1';

export function buildImport(input: ImportInput): ImportResult {
  const { account, scope, previous, others } = input;
  const skipped: string[] = [];
  const result: ImportResult = { files: [], empty: [], skipped, alreadyDescribed: 0 };
  const advertisers = new Set(scope.advertisers);
  const byId = <T extends { id: number }>(list: T[]) => [...list].sort((a, b) => a.id - b.id);

  // Segments: names unique in the repository, codes unique in the member.
  const segmentOwners = new Map<string, number>();
  for (const s of account.segments) if (s.code) segmentOwners.set(s.code.toLowerCase(), s.id);
  // A code in another manifest's previous_names is that manifest's object, about to be renamed.
  const otherSegmentNames = new Set(others.segments.flatMap((m) => [m.name, ...m.previousNames].map((n) => n.toLowerCase())));
  const otherSegmentPins = new Set(others.segments.flatMap((m) => (m.id === undefined ? [] : [m.id])));
  const segments = byId(account.segments).filter((s) => (s.advertiser_id === null ? scope.member : advertisers.has(s.advertiser_id)));
  const freshSegments = segments.filter((s) => {
    const described = otherSegmentPins.has(s.id) || (s.code !== null && otherSegmentNames.has(s.code.toLowerCase()));
    if (described) result.alreadyDescribed++;
    return !described;
  });
  const segmentNames = assignNames(freshSegments, {
    what: 'segment',
    display: (s) => s.short_name,
    previous: previousNames(previous.segments),
    taken: (name) => otherSegmentNames.has(name) || segmentOwners.has(name),
    skipped,
  });
  const segmentPins = new Set(previous.segments.flatMap((m) => (m.id === undefined ? [] : [m.id])));

  const groups: { advertiserId: number | null; label: string; segments: LiveSegment[] }[] = [];
  if (scope.member) groups.push({ advertiserId: null, label: 'member-level segments', segments: [] });
  for (const advertiser of account.advertisers) groups.push({ advertiserId: advertiser.id, label: labelOf(advertiser), segments: [] });
  for (const s of freshSegments) {
    if (!segmentNames.has(s.id)) continue;
    groups.find((g) => g.advertiserId === s.advertiser_id)?.segments.push(s);
  }
  // Targeting names a segment by name only when its document is written (or another file has one).
  const segmentNameById = new Map<number, string>();
  for (const group of groups) {
    const path = group.advertiserId === null ? 'member/segments.yaml' : `advertiser-${group.advertiserId}/segments.yaml`;
    const docs = group.segments.flatMap((s) => {
      const doc = segmentDocument(s, segmentNames.get(s.id)!, s.code === null || segmentPins.has(s.id), skipped);
      if (doc) segmentNameById.set(s.id, segmentNames.get(s.id)!);
      return doc ? [{ doc, adopt: s.code === null }] : [];
    });
    const title = group.advertiserId === null ? 'Member-level segments' : `Segments of ${group.label}`;
    addFile(result, input, path, 'Segment', group.advertiserId, title, docs);
  }

  // Pixels: names unique per advertiser, like their codes.
  const pixelNameById = new Map<number, string>();
  for (const advertiser of account.advertisers) {
    const id = advertiser.id;
    const owners = new Map<string, number>();
    const mine = byId(account.pixels.filter((p) => p.advertiser_id === id));
    for (const p of mine) if (p.code) owners.set(p.code.toLowerCase(), p.id);
    const otherManifests = others.pixels.filter((m) => m.spec.advertiser_id === id);
    const otherNames = new Map(otherManifests.flatMap((m) => [m.name, ...m.previousNames].map((n) => [n.toLowerCase(), m.name] as const)));
    const otherPins = new Map(otherManifests.flatMap((m) => (m.id === undefined ? [] : [[m.id, m.name] as const])));
    const fresh = mine.filter((p) => {
      const describedAs = otherPins.get(p.id) ?? (p.code === null ? undefined : otherNames.get(p.code.toLowerCase()));
      if (describedAs !== undefined) {
        result.alreadyDescribed++;
        pixelNameById.set(p.id, describedAs);
      }
      return describedAs === undefined;
    });
    const names = assignNames(fresh, {
      what: 'pixel',
      display: (p) => p.name,
      previous: previousNames(previous.pixels.filter((m) => m.spec.advertiser_id === id)),
      taken: (name) => otherNames.has(name) || owners.has(name),
      skipped,
    });
    for (const [pixelId, name] of names) pixelNameById.set(pixelId, name);
    const pins = new Set(previous.pixels.flatMap((m) => (m.id === undefined ? [] : [m.id])));
    const kept = fresh.filter((p) => names.has(p.id));
    const docs = kept.flatMap((p) => {
      const doc = pixelDocument(p, names.get(p.id)!, p.code === null || pins.has(p.id), skipped);
      // A pixel whose document could not be written is referred to by id from the bindings.
      if (!doc) pixelNameById.delete(p.id);
      return doc ? [{ doc, adopt: p.code === null }] : [];
    });
    addFile(result, input, `advertiser-${id}/pixels.yaml`, 'ConversionPixel', id, `Conversion pixels of ${labelOf(advertiser)}`, docs);
  }

  // Line-item pixel bindings: names unique in the repository; one document per line item.
  const otherBindingNames = new Set(others.bindings.map((m) => m.name.toLowerCase()));
  const otherLineItems = new Set(others.bindings.flatMap((m) => (m.spec.line_item_id === undefined ? [] : [m.spec.line_item_id])));
  const otherLineItemCodes = new Set(others.bindings.flatMap((m) => (m.spec.line_item_code === undefined ? [] : [`${m.spec.advertiser_id}/${m.spec.line_item_code.toLowerCase()}`])));
  const previousBindings = new Map(previous.bindings.flatMap((m) => (m.spec.line_item_id === undefined ? [] : [[m.spec.line_item_id, m.name] as const])));
  const bindingNames = new Set<string>(otherBindingNames);
  const lineItems = byId(account.lineItems).filter((li) => {
    const described = otherLineItems.has(li.id) || (li.code !== null && otherLineItemCodes.has(`${li.advertiser_id}/${li.code.toLowerCase()}`));
    if (described) result.alreadyDescribed++;
    return !described;
  });
  const names = new Map<number, string>();
  for (const li of lineItems) {
    const name = previousBindings.get(li.id);
    if (name === undefined || bindingNames.has(name.toLowerCase())) continue;
    names.set(li.id, name);
    bindingNames.add(name.toLowerCase());
  }
  for (const li of lineItems) {
    if (names.has(li.id)) continue;
    const name = unique(`line-item-${li.id}`, (n) => bindingNames.has(n));
    names.set(li.id, name);
    bindingNames.add(name.toLowerCase());
  }
  const pixelAdvertiser = new Map(account.pixels.map((p) => [p.id, p.advertiser_id]));
  for (const advertiser of account.advertisers) {
    const mine = lineItems.filter((li) => li.advertiser_id === advertiser.id && (li.pixels?.length ?? 0) > 0);
    const docs = mine.map((li) => ({ doc: bindingDocument(li, names.get(li.id)!, pixelNameById, pixelAdvertiser), adopt: false }));
    addFile(result, input, `advertiser-${advertiser.id}/line-items.yaml`, 'LineItemPixels', advertiser.id, `Line-item pixels of ${labelOf(advertiser)}`, docs);
  }

  // Segment targeting: one LineItemSegments per line item whose profile targets segments, named like its
  // pixels' document (another kind, so the same name is another address).
  const otherSegmentByName = new Map(others.segments.flatMap((m) => [m.name, ...m.previousNames].map((n) => [n.toLowerCase(), m] as const)));
  const otherSegmentByPin = new Map(others.segments.flatMap((m) => (m.id === undefined ? [] : [[m.id, m] as const])));
  for (const s of account.segments) {
    const manifest = otherSegmentByPin.get(s.id) ?? (s.code ? otherSegmentByName.get(s.code.toLowerCase()) : undefined);
    if (manifest) segmentNameById.set(s.id, manifest.name);
  }
  const segmentAdvertiser = new Map(account.segments.map((s) => [s.id, s.advertiser_id]));
  const otherTargeted = new Set(others.targeting.flatMap((m) => (m.spec.line_item_id === undefined ? [] : [m.spec.line_item_id])));
  const otherTargetedCodes = new Set(others.targeting.flatMap((m) => (m.spec.line_item_code === undefined ? [] : [`${m.spec.advertiser_id}/${m.spec.line_item_code.toLowerCase()}`])));
  const previousTargeting = new Map(previous.targeting.flatMap((m) => (m.spec.line_item_id === undefined ? [] : [[m.spec.line_item_id, m.name] as const])));
  const targetingNames = new Set(others.targeting.map((m) => m.name.toLowerCase()));
  const profileById = new Map(account.profiles.map((p) => [p.id, p]));
  for (const advertiser of account.advertisers) {
    const docs: { doc: EmittedDocument; adopt: boolean }[] = [];
    for (const li of lineItems.filter((l) => l.advertiser_id === advertiser.id)) {
      const profile = typeof li.profile_id === 'number' ? profileById.get(li.profile_id) : undefined;
      if (!profile) continue;
      if (otherTargeted.has(li.id) || (li.code !== null && otherTargetedCodes.has(`${li.advertiser_id}/${li.code.toLowerCase()}`))) {
        result.alreadyDescribed++;
        continue;
      }
      const kept = previousTargeting.get(li.id);
      const name = kept !== undefined && !targetingNames.has(kept.toLowerCase()) ? kept : unique(`line-item-${li.id}`, (n) => targetingNames.has(n));
      targetingNames.add(name.toLowerCase());
      const usable = (id: number) => {
        const owner = segmentAdvertiser.get(id);
        return owner === null || owner === li.advertiser_id;
      };
      docs.push({ doc: targetingDocument(li, profile, name, (id) => (usable(id) ? segmentNameById.get(id) : undefined)), adopt: false });
    }
    addFile(result, input, `advertiser-${advertiser.id}/targeting.yaml`, 'LineItemSegments', advertiser.id, `Line-item segment targeting of ${labelOf(advertiser)}`, docs);
  }
  return result;
}

/**
 * A line item's profile targeting as a LineItemSegments document: segments the repository describes by
 * name, the others by id; Xandr's defaults (action include, start 0, expiry -1) left out. A profile in
 * the flat form becomes one group, which the next plan converts (as the console does).
 */
function targetingDocument(li: LiveLineItem, profile: LiveProfile, name: string, segmentName: (id: number) => string | undefined): EmittedDocument {
  const entry = (s: LiveProfileSegment): Spec => {
    const out: Spec = {};
    const known = segmentName(s.id);
    if (known !== undefined) out.segment = known;
    else out.segment_id = s.id;
    if (s.action === 'exclude') out.action = 'exclude';
    if (s.start_minutes !== null && s.start_minutes !== 0) out.start_minutes = s.start_minutes;
    if (s.expire_minutes !== null && s.expire_minutes !== -1) out.expire_minutes = s.expire_minutes;
    return out;
  };
  const flat = profile.segment_targets ?? [];
  const groups =
    (profile.segment_group_targets ?? []).filter((g) => g.segments.length > 0).map((g) => ({ boolean_operator: g.boolean_operator ?? 'or', segments: g.segments.map(entry) }));
  const operator = profile.segment_boolean_operator ?? 'and';
  const spec: Spec = { advertiser_id: li.advertiser_id, line_item_id: li.id, segment_boolean_operator: groups.length ? operator : 'and' };
  spec.groups = groups.length ? groups : [{ boolean_operator: operator, segments: flat.map(entry) }];
  const comments = [`line item ${li.id}${li.name ? `: ${li.name}` : ''}, profile ${profile.id}`];
  if (!groups.length && flat.length) comments.push('its profile uses the flat segment_targets: the next plan converts them to this group, as the console does');
  return { comments, value: { apiVersion: API_VERSION, kind: 'LineItemSegments', metadata: { name }, spec } };
}

function labelOf(advertiser: { id: number; name: string | null }): string {
  return `advertiser ${advertiser.id}${advertiser.name ? ` (${advertiser.name})` : ''}`;
}

function addFile(
  result: ImportResult,
  input: ImportInput,
  path: string,
  kind: Kind,
  advertiserId: number | null,
  title: string,
  documents: { doc: EmittedDocument; adopt: boolean }[],
): void {
  if (documents.length === 0) {
    result.empty.push(path);
    return;
  }
  const text = emitManifestFile({
    header: [schemaModeline(input.schemaFor(path)), `${IMPORT_MARKER}, member ${input.account.member.id}: ${title}. Comments name the live objects.`],
    documents: documents.map((d) => d.doc),
  });
  result.files.push({ path, kind, advertiserId, text, objects: documents.length, adopts: documents.filter((d) => d.adopt).length });
}

/** id -> name, from the manifests that pin an id. */
function previousNames(manifests: { name: string; id?: number }[]): Map<number, string> {
  return new Map(manifests.flatMap((m) => (m.id === undefined ? [] : [[m.id, m.name] as const])));
}

interface NamingRules<T> {
  what: string;
  display: (object: T) => string | null;
  previous: Map<number, string>;
  /** Lower-case name already in use by something else (another file's manifest, another object's code). */
  taken: (name: string) => boolean;
  skipped: string[];
}

/**
 * id -> manifest name. First the objects that have a code (the code is the name), then those whose
 * previous file named them (the name is kept while nothing else took it), then new names in id order.
 */
function assignNames<T extends { id: number; code: string | null }>(objects: T[], rules: NamingRules<T>): Map<number, string> {
  const names = new Map<number, string>();
  const used = new Set<string>();
  const free = (name: string) => !used.has(name.toLowerCase()) && !rules.taken(name.toLowerCase());
  for (const o of objects) {
    if (o.code === null) continue;
    if (!NAME.test(o.code)) {
      rules.skipped.push(`${rules.what} ${o.id}: its code '${o.code}' is not a valid manifest name (1 to 50 of A-Z a-z 0-9 . _ -), so no manifest can manage it`);
      continue;
    }
    names.set(o.id, o.code);
    used.add(o.code.toLowerCase());
  }
  for (const o of objects) {
    const name = rules.previous.get(o.id);
    if (o.code !== null || name === undefined || !free(name)) continue;
    names.set(o.id, name);
    used.add(name.toLowerCase());
  }
  for (const o of objects) {
    if (o.code !== null || names.has(o.id)) continue;
    const name = unique(slug(rules.display(o) ?? '') || `${rules.what}-${o.id}`, (n) => !free(n));
    names.set(o.id, name);
    used.add(name.toLowerCase());
  }
  return names;
}

/** A readable manifest name from a display name: `Café Visitors (EU)` -> `cafe-visitors-eu`. */
export function slug(display: string): string {
  return display
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/([-._])[-._]+/g, '$1')
    .replace(/^[-._]+/, '')
    .slice(0, MAX_NAME)
    .replace(/[-._]+$/, '');
}

/** `base`, else `base-2`, `base-3` ..., shortened so that the suffix fits in 50 characters. */
export function unique(base: string, isTaken: (lowerCaseName: string) => boolean): string {
  if (!isTaken(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const name = `${base.slice(0, MAX_NAME - suffix.length).replace(/[-._]+$/, '')}${suffix}`;
    if (!isTaken(name.toLowerCase())) return name;
  }
}

type Spec = Record<string, unknown>;

/** Sets `key` unless the value is absent, null or one of Xandr's defaults for it. */
function put(spec: Spec, key: string, value: unknown, ...defaults: unknown[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (defaults.some((d) => d === value)) return;
  spec[key] = value;
}

function piggyback(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((p) => (typeof p === 'object' && p !== null ? { url: (p as Spec).url, pixel_type: (p as Spec).pixel_type } : p));
}

function segmentDocument(s: LiveSegment, name: string, pin: boolean, skipped: string[]): EmittedDocument | null {
  const spec: Spec = {};
  put(spec, 'advertiser_id', s.advertiser_id);
  spec.short_name = s.short_name;
  put(spec, 'description', s.description, '');
  put(spec, 'state', s.state);
  put(spec, 'expire_minutes', s.expire_minutes);
  put(spec, 'enable_rm_piggyback', s.enable_rm_piggyback, true);
  put(spec, 'max_usersync_pixels', s.max_usersync_pixels, 0);
  put(spec, 'price', s.price, 0);
  put(spec, 'parent_segment_id', s.parent_segment_id);
  put(spec, 'piggyback_pixels', piggyback(s.piggyback_pixels));
  put(spec, 'querystring_mapping', s.querystring_mapping);
  put(spec, 'querystring_mapping_key_value', s.querystring_mapping_key_value);
  const comments = [`segment ${s.id}`];
  return checked('Segment', name, pin ? s.id : undefined, spec, comments, ['short_name'], `segment ${s.id}`, skipped);
}

function pixelDocument(p: LivePixel, name: string, pin: boolean, skipped: string[]): EmittedDocument | null {
  const spec: Spec = { advertiser_id: p.advertiser_id, name: p.name };
  put(spec, 'state', p.state);
  put(spec, 'trigger_type', p.trigger_type);
  for (const key of ['min_minutes_per_conv', 'post_view_expire_mins', 'post_click_expire_mins', 'post_click_value', 'post_view_value', 'pixel_conversion_event_id']) {
    put(spec, key, p[key]);
  }
  put(spec, 'piggyback_pixels', piggyback(p.piggyback_pixels));
  const comments = [`pixel ${p.id}`];
  return checked('ConversionPixel', name, pin ? p.id : undefined, spec, comments, ['advertiser_id', 'name'], `pixel ${p.id}`, skipped);
}

/**
 * `authoritative`: the document lists every pixel the line item carries, so it describes the complete
 * list (and a pixel attached in the console later shows up in the plan as a detach to review).
 */
function bindingDocument(li: LiveLineItem, name: string, pixelNames: Map<number, string>, pixelAdvertiser: Map<number, number>): EmittedDocument {
  const takesRevenue = revenueRefusal(li) === null;
  const entries = (li.pixels ?? []).map((p) => {
    const entry: Spec = {};
    const own = pixelAdvertiser.get(p.id) === li.advertiser_id;
    const pixelName = own ? pixelNames.get(p.id) : undefined;
    if (pixelName !== undefined) entry.pixel = pixelName;
    else entry.pixel_id = p.id;
    put(entry, 'state', p.state);
    if (takesRevenue) {
      put(entry, 'post_click_revenue', p.post_click_revenue);
      put(entry, 'post_view_revenue', p.post_view_revenue);
    }
    return entry;
  });
  return {
    comments: [`line item ${li.id}${li.name ? `: ${li.name}` : ''}`],
    value: {
      apiVersion: API_VERSION,
      kind: 'LineItemPixels',
      metadata: { name },
      spec: { advertiser_id: li.advertiser_id, line_item_id: li.id, policy: 'authoritative', pixels: entries },
    },
  };
}

/**
 * The document, made valid against the kind's schema: a live value the schema refuses (an unknown nested
 * key, a value out of range) is left out rather than written, so that the files always load; the object
 * is skipped when a required field is the problem.
 */
function checked(kind: 'Segment' | 'ConversionPixel', name: string, id: number | undefined, spec: Spec, comments: string[], required: string[], label: string, skipped: string[]): EmittedDocument | null {
  const metadata: Spec = { name };
  if (id !== undefined) metadata.id = id;
  const value = { apiVersion: API_VERSION, kind, metadata, spec };
  const validate = validators[kind];
  const dropped: string[] = [];
  for (let round = 0; round < 100 && !validate(value); round++) {
    let progressed = false;
    for (const error of validate.errors ?? []) {
      const path = error.instancePath.split('/').slice(1);
      if (path[0] !== 'spec') return skip(skipped, label, `${error.instancePath || 'the document'} ${error.message ?? 'is invalid'}`);
      if (error.keyword === 'additionalProperties') {
        const holder = path.slice(1).reduce<unknown>((o, key) => (o as Spec | undefined)?.[key], spec) as Spec | undefined;
        const extra = (error.params as { additionalProperty?: string }).additionalProperty;
        if (holder && extra !== undefined && extra in holder) {
          delete holder[extra];
          progressed = true;
        }
        continue;
      }
      const field = path[1];
      if (field === undefined) continue; // `if`/`then` summaries: the field-level error follows
      if (required.includes(field)) return skip(skipped, label, `${field} ${error.message ?? 'is invalid'}`);
      if (field in spec) {
        delete spec[field];
        dropped.push(field);
        progressed = true;
      }
    }
    if (!progressed) return skip(skipped, label, 'its fields do not fit the manifest schema');
  }
  if (dropped.length) skipped.push(`${label}: left out ${dropped.join(', ')} (the live value does not fit the manifest schema; that field is not managed)`);
  return { comments, value };
}

function skip(skipped: string[], label: string, why: string): null {
  skipped.push(`${label}: not imported, ${why}`);
  return null;
}

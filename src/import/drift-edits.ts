import type { ValueEdit } from '../manifest/edit-values.js';
import type { BindingManifest, Desired, Manifest, TargetingManifest } from '../manifest/types.js';
import type { Action, Json, LiveState, Plan } from '../plan/types.js';
import type { LiveProfileSegment } from '../xandr/index.js';

/**
 * `xandr-sync accept-drift`: the live values of drifted managed fields, as edits of the manifests that
 * declare them (manifest/edit-values.ts writes them in place, byte for byte elsewhere). Pure: the command
 * plans, hands the plan and what it read here, and writes the files.
 *
 * Drift is an update of an object that exists and that a manifest describes: creates (the object is gone
 * from Xandr), adopts, renames and prune are not, and are left alone. Only what the plan would change back
 * is edited: fields a manifest does not declare never drift.
 */
export interface ObjectEdits {
  address: string;
  /** The manifest's file, as the loader names it (relative to the working directory). */
  file: string;
  edits: ValueEdit[];
}

export interface DriftEdits {
  objects: ObjectEdits[];
  /** Drift that cannot be written back, with why (one line each). */
  skipped: string[];
}

export function acceptDriftEdits(plan: Plan, desired: Desired, live: LiveState): DriftEdits {
  const manifests = new Map<string, Manifest>([...desired.segments, ...desired.pixels, ...desired.bindings, ...desired.targeting].map((m) => [m.address, m]));
  const objects: ObjectEdits[] = [];
  const skipped: string[] = [];
  const resolver = idResolver(desired, live);
  for (const action of plan.actions) {
    if (action.address.includes('#')) continue;
    const manifest = manifests.get(action.address);
    if (!manifest) continue;
    if (action.action !== 'update' || action.id === null) {
      if (action.action === 'create' && manifest.kind !== 'LineItemSegments') skipped.push(`${action.address}: it is missing in Xandr; accept-drift does not remove manifests (delete the document, or apply to create it again)`);
      continue;
    }
    const document = manifest.source.document ?? 0;
    let edits: ValueEdit[] | string;
    if (manifest.kind === 'Segment' || manifest.kind === 'ConversionPixel') edits = fieldEdits(action, document);
    else if (manifest.kind === 'LineItemPixels') edits = bindingEdits(manifest, live, resolver, document);
    else edits = targetingEdits(manifest, live, resolver, document);
    if (typeof edits === 'string') skipped.push(`${action.address}: ${edits}`);
    else if (edits.length > 0) objects.push({ address: action.address, file: manifest.source.file, edits });
  }
  return { objects, skipped };
}

function valueAt(document: Json, pointer: string): Json | undefined {
  let current: Json | undefined = document;
  for (const raw of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    current = Array.isArray(current) ? current[Number(key)] : current[key];
  }
  return current;
}

/** A segment's or pixel's changed fields, at the depth the plan found them: the live value where git has another. */
function fieldEdits(action: Action, document: number): ValueEdit[] {
  const edits: ValueEdit[] = [];
  for (const change of action.changes) {
    if (change.path === '/code') continue;
    const liveValue = valueAt(action.live, change.path);
    const pointer = `/spec${change.path}`;
    if (change.op === 'remove' && /\/\d+$/.test(change.path)) {
      // Live has an element git does not: it joins the manifest's list.
      edits.push({ document, op: 'append', pointer: pointer.replace(/\/\d+$/, ''), value: liveValue ?? null });
    } else if (liveValue === undefined) edits.push({ document, op: 'remove', pointer });
    else edits.push({ document, op: 'set', pointer, value: liveValue });
  }
  return edits;
}

interface Resolver {
  pixel(advertiserId: number, name: string): number | undefined;
  pixelName(advertiserId: number, id: number): string | undefined;
  segment(name: string): number | undefined;
  segmentName(id: number): string | undefined;
}

/** Manifest names to live ids (by pinned id, else by code) and back, for list entries written by name. */
function idResolver(desired: Desired, live: LiveState): Resolver {
  const pixelByCode = new Map(live.pixels.flatMap((p) => (p.code ? [[`${p.advertiser_id}/${p.code.toLowerCase()}`, p.id] as const] : [])));
  const segmentByCode = new Map(live.segments.flatMap((s) => (s.code ? [[s.code.toLowerCase(), s.id] as const] : [])));
  const pixelIds = new Map(desired.pixels.map((m) => [`${m.spec.advertiser_id}/${m.name.toLowerCase()}`, m.id ?? pixelByCode.get(`${m.spec.advertiser_id}/${m.name.toLowerCase()}`)]));
  const segmentIds = new Map(desired.segments.map((m) => [m.name.toLowerCase(), m.id ?? segmentByCode.get(m.name.toLowerCase())]));
  const pixelNames = new Map<string, string>();
  for (const m of desired.pixels) {
    const id = pixelIds.get(`${m.spec.advertiser_id}/${m.name.toLowerCase()}`);
    if (id !== undefined) pixelNames.set(`${m.spec.advertiser_id}/${id}`, m.name);
  }
  const segmentNames = new Map<number, string>();
  for (const m of desired.segments) {
    const id = segmentIds.get(m.name.toLowerCase());
    if (id !== undefined) segmentNames.set(id, m.name);
  }
  return {
    pixel: (advertiserId, name) => pixelIds.get(`${advertiserId}/${name.toLowerCase()}`),
    pixelName: (advertiserId, id) => pixelNames.get(`${advertiserId}/${id}`),
    segment: (name) => segmentIds.get(name.toLowerCase()),
    segmentName: (id) => segmentNames.get(id),
  };
}

const PIXEL_FIELDS = ['state', 'post_click_revenue', 'post_view_revenue'] as const;

/** A binding's entries brought in line with the line item's live pixels: changed values, detached and (authoritative) attached pixels. */
function bindingEdits(manifest: BindingManifest, live: LiveState, resolve: Resolver, document: number): ValueEdit[] | string {
  const spec = manifest.spec;
  const lineItem = live.lineItems.find((li) => (spec.line_item_id !== undefined ? li.id === spec.line_item_id : li.advertiser_id === spec.advertiser_id && li.code?.toLowerCase() === spec.line_item_code?.toLowerCase()));
  if (!lineItem) return 'its line item was not read';
  const livePixels = new Map((lineItem.pixels ?? []).map((p) => [p.id, p]));
  const edits: ValueEdit[] = [];
  const listed = new Set<number>();
  const removals: number[] = [];
  for (const [i, entry] of spec.pixels.entries()) {
    const id = entry.pixel_id ?? (entry.pixel !== undefined ? resolve.pixel(spec.advertiser_id, entry.pixel) : undefined);
    if (id === undefined) return `pixel ${entry.pixel ?? entry.pixel_id} does not exist in Xandr yet; apply first`;
    listed.add(id);
    const current = livePixels.get(id);
    if (!current) {
      removals.push(i);
      continue;
    }
    for (const field of PIXEL_FIELDS) {
      if (entry[field] === undefined) continue;
      const value = current[field] ?? null;
      if (value !== (entry[field] ?? null)) edits.push({ document, op: 'set', pointer: `/spec/pixels/${i}/${field}`, value });
    }
  }
  for (const i of removals.sort((a, b) => b - a)) edits.push({ document, op: 'remove', pointer: `/spec/pixels/${i}` });
  if (spec.policy === 'authoritative') {
    for (const [id, p] of livePixels) {
      if (listed.has(id)) continue;
      const name = resolve.pixelName(spec.advertiser_id, id);
      const entry: { [key: string]: Json } = name !== undefined ? { pixel: name } : { pixel_id: id };
      if (p.state && p.state !== 'active') entry.state = p.state;
      if (p.post_click_revenue !== null) entry.post_click_revenue = p.post_click_revenue;
      if (p.post_view_revenue !== null) entry.post_view_revenue = p.post_view_revenue;
      edits.push({ document, op: 'append', pointer: '/spec/pixels', value: entry });
    }
  }
  return edits;
}

/**
 * A targeting's groups brought in line with the live profile, group by group (each paired with the live group
 * it shares the most segments with): operators, actions, declared recency, segments taken out or added. A
 * profile whose groups cannot all be paired (groups added or removed in the console) is left to a person.
 */
function targetingEdits(manifest: TargetingManifest, live: LiveState, resolve: Resolver, document: number): ValueEdit[] | string {
  const spec = manifest.spec;
  const lineItem = live.lineItems.find((li) => (spec.line_item_id !== undefined ? li.id === spec.line_item_id : li.advertiser_id === spec.advertiser_id && li.code?.toLowerCase() === spec.line_item_code?.toLowerCase()));
  const profile = lineItem && typeof lineItem.profile_id === 'number' ? live.profiles.find((p) => p.id === lineItem.profile_id) : undefined;
  if (!profile) return 'its line item has no profile in Xandr';
  if ((profile.segment_targets ?? []).length > 0) return 'its profile uses the flat segment_targets; apply converts it, or edit the manifest';
  const liveGroups = profile.segment_group_targets ?? [];
  if (liveGroups.length !== spec.groups.length) return `Xandr has ${liveGroups.length} segment group(s) and the manifest ${spec.groups.length}: edit the manifest's groups by hand`;
  const edits: ValueEdit[] = [];
  if ((profile.segment_boolean_operator ?? 'and') !== spec.segment_boolean_operator) edits.push({ document, op: 'set', pointer: '/spec/segment_boolean_operator', value: profile.segment_boolean_operator ?? 'and' });
  const free = new Set(liveGroups.map((_, i) => i));
  for (const [g, group] of spec.groups.entries()) {
    const ids = group.segments.map((s) => s.segment_id ?? (s.segment !== undefined ? resolve.segment(s.segment) : undefined));
    if (ids.some((id) => id === undefined)) return 'a segment it names does not exist in Xandr yet; apply first';
    let best = -1;
    let overlap = -1;
    for (const l of free) {
      const n = liveGroups[l]!.segments.filter((s) => ids.includes(s.id)).length;
      if (n > overlap) [best, overlap] = [l, n];
    }
    free.delete(best);
    const have = liveGroups[best]!;
    const base = `/spec/groups/${g}`;
    if ((have.boolean_operator ?? 'or') !== group.boolean_operator) edits.push({ document, op: 'set', pointer: `${base}/boolean_operator`, value: have.boolean_operator ?? 'or' });
    const byId = new Map(have.segments.map((s) => [s.id, s]));
    const removals: number[] = [];
    group.segments.forEach((entry, j) => {
      const current = byId.get(ids[j]!);
      if (!current) return removals.push(j);
      const action = current.action ?? 'include';
      if (action !== entry.action) edits.push({ document, op: 'set', pointer: `${base}/segments/${j}/action`, value: action });
      for (const field of ['start_minutes', 'expire_minutes'] as const) {
        if (entry[field] === undefined) continue;
        if ((current[field] ?? null) !== (entry[field] ?? null)) edits.push({ document, op: 'set', pointer: `${base}/segments/${j}/${field}`, value: current[field] ?? null });
      }
    });
    for (const j of removals.sort((a, b) => b - a)) edits.push({ document, op: 'remove', pointer: `${base}/segments/${j}` });
    for (const s of have.segments) if (!ids.includes(s.id)) edits.push({ document, op: 'append', pointer: `${base}/segments`, value: targetingEntry(s, resolve) });
  }
  return edits;
}

function targetingEntry(s: LiveProfileSegment, resolve: Resolver): { [key: string]: Json } {
  const name = resolve.segmentName(s.id);
  const entry: { [key: string]: Json } = name !== undefined ? { segment: name } : { segment_id: s.id };
  if (s.action === 'exclude') entry.action = 'exclude';
  if (s.start_minutes !== null && s.start_minutes !== 0) entry.start_minutes = s.start_minutes;
  if (s.expire_minutes !== null && s.expire_minutes !== -1) entry.expire_minutes = s.expire_minutes;
  return entry;
}

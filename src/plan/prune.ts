import type { Desired, PruneMode } from '../manifest/types.js';
import type { LiveLineItem, LivePixel, LiveSegment } from '../xandr/types.js';
import { lineItemSnapshot, pixelsPut, revenueRefusal } from './plan-bindings.js';
import type { PlanContext } from './context.js';
import { matchesAny } from './select.js';
import type { Draft } from './coded-object.js';
import type { Action, Change, Json } from './types.js';

/**
 * Prune: live objects that carry a code but that no manifest describes any more are deactivated
 * (`state: inactive`) or deleted, as `xandr-sync.yaml` `prune` (or `--prune`) says. Off by default.
 *
 * What is in prune's reach, and nothing else (docs/adopting.md, "Prune"):
 * - segments and conversion pixels with a code (objects without one were never managed by xandr-sync);
 * - of the advertisers the manifests name (any kind, any `advertiser_id`), or, in a shard run
 *   (`--advertiser`), of exactly the shard's advertisers;
 * - member-level segments only when the repository declares member-level segments itself, and never
 *   in a shard run (a shard does not read them);
 * - not matched by a manifest (by code, ignoring case, or by `metadata.id`), not a pixel that a
 *   LineItemPixels attaches by `pixel_id`, and not listed in `xandr-sync.yaml` `protect`.
 *
 * Refusals are plan errors, not warnings: prune with no manifests at all, and prune that would remove
 * every segment (or every pixel) of an advertiser whose manifests declare none of that kind. That is
 * what an empty branch or a glob that matches nothing looks like; `allow_empty_prune` lets it through.
 */

interface PruneCandidates {
  mode: PruneMode;
  segments: LiveSegment[];
  pixels: LivePixel[];
}

interface PruneScope {
  advertisers: Set<number>;
  memberLevel: boolean;
}

/** The advertisers (and member level) whose objects prune may touch. */
function pruneScope(ctx: PlanContext, desired: Desired): PruneScope {
  const { live } = ctx;
  const shard = live.segmentAdvertisers;
  if (shard) return { advertisers: new Set(shard), memberLevel: false };
  const advertisers = new Set<number>();
  for (const s of desired.segments) if (typeof s.spec.advertiser_id === 'number') advertisers.add(s.spec.advertiser_id);
  for (const p of desired.pixels) advertisers.add(p.spec.advertiser_id);
  for (const b of desired.bindings) advertisers.add(b.spec.advertiser_id);
  const memberLevel = desired.segments.some((s) => s.spec.advertiser_id === undefined || s.spec.advertiser_id === null);
  return { advertisers, memberLevel };
}

/**
 * The live objects prune removes, after the refusals (recorded in ctx.errors). Records the pixels it
 * deletes in ctx.prunedPixels, so that bindings planned afterwards detach them.
 */
export function findPruneCandidates(ctx: PlanContext, everything: Desired = ctx.desired): PruneCandidates {
  const mode = ctx.config.prune;
  const none: PruneCandidates = { mode, segments: [], pixels: [] };
  if (mode === 'none') return none;
  const { live, config } = ctx;
  if (everything.segments.length + everything.pixels.length + everything.bindings.length + everything.targeting.length === 0 && !config.allow_empty_prune) {
    ctx.errors.push({
      code: 'empty-prune',
      message: `prune is '${mode}' but the manifests describe no object at all: an empty branch or a manifests glob that matches nothing looks like this, so nothing is pruned. Pass --allow-empty-prune (or set allow_empty_prune: true) if emptying is what you want`,
    });
    return none;
  }
  const scope = pruneScope(ctx, everything);
  const protect = config.protect ?? [];
  // A code in metadata.previous_names is the same object, about to be renamed: never prune it.
  const segmentNames = new Set(everything.segments.flatMap((s) => [s.name, ...s.previousNames].map((n) => n.toLowerCase())));
  const segmentPins = new Set(everything.segments.flatMap((s) => (s.id === undefined ? [] : [s.id])));
  const pixelNames = new Set(everything.pixels.flatMap((p) => [p.name, ...p.previousNames].map((n) => `${p.spec.advertiser_id}/${n.toLowerCase()}`)));
  const pixelPins = new Set(everything.pixels.flatMap((p) => (p.id === undefined ? [] : [p.id])));
  const attachedById = new Set(everything.bindings.flatMap((b) => b.spec.pixels.flatMap((p) => (p.pixel_id === undefined ? [] : [p.pixel_id]))));
  // Deactivating what is inactive already would be a write that changes nothing.
  const actionable = (state: string | null) => mode === 'delete' || state !== 'inactive';

  const segments = live.segments.filter(
    (s) =>
      s.code !== null &&
      s.code !== '' &&
      (s.advertiser_id === null ? scope.memberLevel : scope.advertisers.has(s.advertiser_id)) &&
      !segmentNames.has(s.code.toLowerCase()) &&
      !segmentPins.has(s.id) &&
      !matchesAny(protect, `Segment/${s.code}`) &&
      actionable(s.state),
  );
  const pixels = live.pixels.filter(
    (p) =>
      p.code !== null &&
      p.code !== '' &&
      scope.advertisers.has(p.advertiser_id) &&
      !pixelNames.has(`${p.advertiser_id}/${p.code.toLowerCase()}`) &&
      !pixelPins.has(p.id) &&
      !attachedById.has(p.id) &&
      !matchesAny(protect, `ConversionPixel/${p.code}`) &&
      !matchesAny(protect, `ConversionPixel/${p.advertiser_id}/${p.code}`) &&
      actionable(p.state),
  );

  const refused = new Set<string>();
  if (!config.allow_empty_prune) {
    for (const advertiser of [...scope.advertisers].sort((a, b) => a - b)) {
      const kinds = [
        // What the whole repository declares, not a shard's or a scope's part of it.
        ['segment', segments.filter((s) => s.advertiser_id === advertiser).length, everything.segments.filter((s) => s.spec.advertiser_id === advertiser).length],
        ['pixel', pixels.filter((p) => p.advertiser_id === advertiser).length, everything.pixels.filter((p) => p.spec.advertiser_id === advertiser).length],
      ] as const;
      for (const [noun, doomed, declared] of kinds) {
        if (doomed === 0 || declared > 0) continue;
        refused.add(`${noun}/${advertiser}`);
        ctx.errors.push({
          code: 'empty-prune',
          message: `prune would ${mode} all ${doomed} ${noun}${doomed === 1 ? '' : 's'} with a code of advertiser ${advertiser}, because the manifests declare no ${noun} for it: an empty branch or a manifests glob that matches nothing looks like this. Pass --allow-empty-prune (or set allow_empty_prune: true) if that is what you want, or list them under protect: in xandr-sync.yaml`,
        });
      }
    }
  }
  const kept: PruneCandidates = {
    mode,
    segments: segments.filter((s) => !refused.has(`segment/${s.advertiser_id}`)),
    pixels: pixels.filter((p) => !refused.has(`pixel/${p.advertiser_id}`)),
  };
  if (mode === 'delete') for (const p of kept.pixels) ctx.prunedPixels.add(p.id);
  return kept;
}

/**
 * The prune actions. `drafts` are the actions planned from manifests: a pixel delete waits for the
 * binding PUT that already drops it from a managed line item, and gets its own detach PUT for every
 * other line item that uses it (Xandr refuses to delete a pixel in use, xandr-api.md A.10).
 */
export function planPrune(ctx: PlanContext, candidates: PruneCandidates, drafts: readonly Draft[]): Draft[] {
  const { mode } = candidates;
  if (mode === 'none') return [];
  const out: Draft[] = [];
  for (const segment of candidates.segments) {
    const dependsOn = targetingRemovals(ctx, segment, mode);
    if (dependsOn) out.push(pruneSegment(segment, mode, dependsOn));
  }

  const addresses = pixelAddresses(ctx, candidates.pixels);
  const detach = mode === 'delete' ? planDetaches(ctx, candidates.pixels, drafts) : { dependsOn: new Map<number, string[]>(), drafts: [] };
  for (const pixel of candidates.pixels) out.push(prunePixel(pixel, mode, addresses.get(pixel.id)!, detach.dependsOn.get(pixel.id) ?? []));
  return [...out, ...detach.drafts];
}

/**
 * The targeting writes that stop a managed line item's profile targeting a segment prune removes: its
 * delete (or deactivation) waits for them. A profile that would still target it is a plan error naming
 * the manifest (null: the segment is not pruned). Profiles of line items no manifest manages are not read,
 * so prune cannot see them (docs/manifests.md, "LineItemSegments").
 */
function targetingRemovals(ctx: PlanContext, segment: LiveSegment, mode: PruneMode): string[] | null {
  const dependsOn: string[] = [];
  let blocked = false;
  for (const outcome of ctx.targetingOutcomes) {
    if (outcome.after.has(segment.id)) {
      blocked = true;
      const at = outcome.manifest.source;
      ctx.errors.push({
        code: 'segment-still-targeted',
        message: `prune would ${mode} segment ${segment.id} (${segment.code}), which no manifest describes any more, but ${outcome.manifest.address} still targets it on line item ${outcome.lineItemId}: remove it from that manifest's groups, or keep the segment's manifest`,
        address: `Segment/${segment.code}`,
        file: at.file,
        line: at.line,
        column: at.column,
      });
    } else if (outcome.before.has(segment.id) && outcome.address !== null) {
      dependsOn.push(outcome.address);
    }
  }
  return blocked ? null : dependsOn;
}

/**
 * For each pixel to delete, the actions that take it off its line items: the binding PUT planned for a
 * line item that has a manifest (bindings.ts already left the pixel out of it), or one PUT per other line
 * item carrying the rest of its pixels. A line item Xandr names as a user but that was not read is an
 * error: deleting would fail with INTEGRITY.
 */
function planDetaches(ctx: PlanContext, pixels: LivePixel[], drafts: readonly Draft[]): { dependsOn: Map<number, string[]>; drafts: Draft[] } {
  const doomed = new Set(pixels.map((p) => p.id));
  const bindingDrafts = new Map(drafts.filter((d) => d.kind === 'LineItemPixels' && d.id !== null).map((d) => [d.id!, d.address]));
  const managed = managedLineItems(ctx);
  const dependsOn = new Map<number, string[]>();
  const out: Draft[] = [];
  const users = new Map<number, LiveLineItem>();
  for (const pixel of pixels) {
    for (const user of pixel.line_items ?? []) {
      const lineItem = ctx.lineItemById.get(user.id);
      if (lineItem) users.set(lineItem.id, lineItem);
      else {
        ctx.errors.push({
          code: 'unread-line-item',
          message: `cannot plan deleting pixel ${pixel.id} (${pixel.code}): Xandr says line item ${user.id} uses it, but that line item could not be read to detach it; plan again`,
        });
      }
    }
  }
  for (const lineItem of ctx.live.lineItems) if (lineItem.pixels?.some((p) => doomed.has(p.id))) users.set(lineItem.id, lineItem);

  for (const lineItem of [...users.values()].sort((a, b) => a.id - b.id)) {
    const attached = (lineItem.pixels ?? []).filter((p) => doomed.has(p.id));
    if (attached.length === 0) continue;
    let address = bindingDrafts.get(lineItem.id);
    if (address === undefined && !managed.has(lineItem.id)) {
      const draft = detachDraft(ctx, lineItem);
      out.push(draft);
      address = draft.address;
    }
    if (address === undefined) continue; // its manifest failed to plan: reported there, and the plan has errors
    for (const p of attached) dependsOn.set(p.id, [...(dependsOn.get(p.id) ?? []), address]);
  }
  return { dependsOn, drafts: out };
}

/** Line items that a LineItemPixels manifest manages (by id or by code). */
function managedLineItems(ctx: PlanContext): Set<number> {
  const ids = new Set<number>();
  for (const b of ctx.desired.bindings) {
    if (b.spec.line_item_id !== undefined) ids.add(b.spec.line_item_id);
    const code = b.spec.line_item_code?.toLowerCase();
    if (code === undefined) continue;
    for (const li of ctx.live.lineItems) if (li.advertiser_id === b.spec.advertiser_id && li.code?.toLowerCase() === code) ids.add(li.id);
  }
  return ids;
}

/**
 * A PUT of the line item's pixels without the ones prune deletes. The array is sent whole (a PUT replaces
 * it), with each kept pixel's state and, where Xandr takes revenue, its revenue, so nothing else changes.
 */
function detachDraft(ctx: PlanContext, lineItem: LiveLineItem): Draft {
  const live = lineItem.pixels ?? [];
  const refusal = revenueRefusal(lineItem);
  const kept: { [key: string]: Json }[] = [];
  const changes: Change[] = [];
  const warnings: string[] = [];
  live.forEach((p, index) => {
    if (ctx.prunedPixels.has(p.id)) {
      changes.unshift({ op: 'remove', path: `/pixels/${index}` });
      const name = ctx.pixelById.get(p.id)?.name;
      warnings.push(`detaches pixel ${p.id}${name ? ` (${name})` : ''} from line item ${lineItem.id}${lineItem.name ? ` (${lineItem.name})` : ''}, which no manifest manages, so that prune can delete the pixel`);
      return;
    }
    const element: { [key: string]: Json } = { id: p.id, state: p.state ?? 'active' };
    if (!refusal) {
      if (p.post_click_revenue !== null) element.post_click_revenue = p.post_click_revenue;
      if (p.post_view_revenue !== null) element.post_view_revenue = p.post_view_revenue;
    }
    kept.push(element);
  });
  return {
    // `#` cannot occur in a manifest name, so this address never collides with a LineItemPixels manifest's.
    address: `LineItemPixels/line-item#${lineItem.id}`,
    kind: 'LineItemPixels',
    action: 'update',
    request: pixelsPut(lineItem, kept as unknown as Json),
    changes,
    depends_on: [],
    live: lineItemSnapshot(lineItem),
    warnings,
    id: lineItem.id,
  };
}

/** The plan-wide warning that lists every prune action, so that nobody misses one in a long plan. */
export function pruneWarnings(actions: readonly Action[]): string[] {
  const out: string[] = [];
  for (const kind of ['delete', 'deactivate'] as const) {
    const pruned = actions.filter((a) => a.action === kind).map((a) => a.address);
    if (pruned.length === 0) continue;
    const shown = pruned.slice(0, 20).join(', ');
    const more = pruned.length > 20 ? ` and ${pruned.length - 20} more` : '';
    out.push(
      `prune ${kind === 'delete' ? 'DELETES' : 'deactivates'} ${pruned.length} object${pruned.length === 1 ? '' : 's'} that no manifest describes: ${shown}${more}. Keep one with a manifest, or list it under protect: in xandr-sync.yaml`,
    );
  }
  return out;
}

const LIVE_FIELDS = {
  Segment: ['short_name', 'advertiser_id', 'state'],
  ConversionPixel: ['name', 'advertiser_id', 'state'],
} as const;

function liveOf(object: LiveSegment | LivePixel, fields: readonly string[]): { [key: string]: Json } {
  const live: { [key: string]: Json } = { id: object.id, code: object.code };
  for (const field of fields) live[field] = (object[field] as Json | undefined) ?? null;
  return live;
}

function removal(fields: readonly string[]): Change[] {
  return ['code', ...fields].map((field) => ({ op: 'remove' as const, path: `/${field}` }));
}

function pruneSegment(segment: LiveSegment, mode: PruneMode, dependsOn: string[]): Draft {
  const address = `Segment/${segment.code}`;
  const live = liveOf(segment, LIVE_FIELDS.Segment);
  if (mode === 'deactivate') {
    return {
      address,
      kind: 'Segment',
      action: 'deactivate',
      request: { method: 'PUT', path: '/segment', query: { id: segment.id }, body: { segment: { state: 'inactive' } } },
      changes: [{ op: 'replace', path: '/state', value: 'inactive' }],
      depends_on: dependsOn,
      live,
      warnings: [`prune: no manifest describes segment ${segment.id} (${segment.short_name ?? segment.code}) any more; it is set inactive`, ...untargetedFirst(dependsOn)],
      id: segment.id,
    };
  }
  return {
    address,
    kind: 'Segment',
    action: 'delete',
    request: { method: 'DELETE', path: '/segment', query: { id: segment.id }, body: null },
    changes: removal(LIVE_FIELDS.Segment),
    depends_on: dependsOn,
    live,
    warnings: [`prune: no manifest describes segment ${segment.id} (${segment.short_name ?? segment.code}) any more; it is deleted, with its users`, ...untargetedFirst(dependsOn)],
    id: segment.id,
  };
}

function untargetedFirst(dependsOn: string[]): string[] {
  return dependsOn.length ? [`the line items' targeting drops it first (${dependsOn.join(', ')})`] : [];
}

function prunePixel(pixel: LivePixel, mode: PruneMode, address: string, dependsOn: string[]): Draft {
  const live = liveOf(pixel, LIVE_FIELDS.ConversionPixel);
  const query = { id: pixel.id, advertiser_id: pixel.advertiser_id };
  const label = `pixel ${pixel.id} (${pixel.name ?? pixel.code})`;
  const users = pixel.line_items?.length ?? 0;
  if (mode === 'deactivate') {
    const warnings = [`prune: no manifest describes ${label} any more; it is set inactive`];
    if (users > 0) warnings.push(`${label} stays attached to ${users} line item(s), inactive: its conversions stop counting there`);
    return {
      address,
      kind: 'ConversionPixel',
      action: 'deactivate',
      request: { method: 'PUT', path: '/pixel', query, body: { pixel: { state: 'inactive' } } },
      changes: [{ op: 'replace', path: '/state', value: 'inactive' }],
      depends_on: [],
      live,
      warnings,
      id: pixel.id,
    };
  }
  const warnings = [`prune: no manifest describes ${label} any more; it is deleted`];
  if (dependsOn.length > 0) warnings.push(`${label} is detached first from the line items that use it (${dependsOn.join(', ')})`);
  return {
    address,
    kind: 'ConversionPixel',
    action: 'delete',
    request: { method: 'DELETE', path: '/pixel', query, body: null },
    changes: removal(LIVE_FIELDS.ConversionPixel),
    depends_on: dependsOn,
    live,
    warnings,
    id: pixel.id,
  };
}

/** `ConversionPixel/<code>`, or `ConversionPixel/<advertiser>/<code>` when another advertiser's pixel uses the name too. */
function pixelAddresses(ctx: PlanContext, pixels: LivePixel[]): Map<number, string> {
  const advertisersByName = new Map<string, Set<number>>();
  const note = (name: string, advertiser: number) => {
    const key = name.toLowerCase();
    advertisersByName.set(key, (advertisersByName.get(key) ?? new Set()).add(advertiser));
  };
  for (const p of ctx.desired.pixels) note(p.name, p.spec.advertiser_id);
  for (const p of pixels) note(p.code!, p.advertiser_id);
  return new Map(
    pixels.map((p) => [p.id, advertisersByName.get(p.code!.toLowerCase())!.size > 1 ? `ConversionPixel/${p.advertiser_id}/${p.code}` : `ConversionPixel/${p.code}`]),
  );
}

import type { Desired, Kind, Manifest } from '../manifest/types.js';
import type { Draft } from './coded-object.js';
import { withDependencies } from './select.js';

/**
 * A plan scoped to a change (`plan --changed-since REF`): only the objects whose manifest documents differ
 * between REF and the working tree, plus what they need. Drift on every other object is the drift check's
 * business (`sync --mode detect`), so a pull request's plan shows its own changes and reads only what they
 * touch.
 */

/** One document of the change: added, changed or removed. */
export interface ScopeDocument {
  kind: Kind;
  name: string;
  /** A pixel's advertiser (pixel names are unique per advertiser only); null for the other kinds. */
  advertiserId: number | null;
}

export interface PlanScope {
  /** The ref as given (`origin/main`), and the commit it named. */
  changedSince: string;
  commit: string;
  documents: ScopeDocument[];
}

/** How an object is named across versions of a file: kind and name ignoring case, and a pixel's advertiser. */
function scopeKey(kind: Kind, name: string, advertiserId: number | null): string {
  return `${kind}/${kind === 'ConversionPixel' ? `${advertiserId ?? '?'}/` : ''}${name.toLowerCase()}`;
}

function manifestKey(manifest: Manifest): string {
  return scopeKey(manifest.kind, manifest.name, manifest.kind === 'ConversionPixel' ? manifest.spec.advertiser_id : null);
}

/** The objects of a scope as the plan lists them: `Kind/name`, `ConversionPixel/<advertiser>/<name>`. */
export function scopeObjects(documents: readonly ScopeDocument[]): string[] {
  const shown = documents.map((d) => `${d.kind}/${d.kind === 'ConversionPixel' ? `${d.advertiserId ?? '?'}/` : ''}${d.name}`);
  return [...new Set(shown)].sort();
}

/** The documents a plan's `scope.objects` names (a saved plan is planned again with the same scope). */
export function parseScopeObjects(objects: readonly string[]): ScopeDocument[] {
  return objects.map((object) => {
    const [kind, ...rest] = object.split('/');
    const pixel = kind === 'ConversionPixel' && rest.length > 1;
    return { kind: kind as Kind, name: rest.at(-1) ?? '', advertiserId: pixel ? Number(rest[0]) : null };
  });
}

/**
 * The manifests a scoped plan plans: those of the change, and those they refer to (the pixels a binding
 * attaches by name, the segments a targeting names), which are planned only as far as the change needs them.
 */
export function scopeDesired(full: Desired, documents: readonly ScopeDocument[]): Desired {
  const keys = new Set(documents.map((d) => scopeKey(d.kind, d.name, d.advertiserId)));
  const inScope = (m: Manifest) => keys.has(manifestKey(m));
  const bindings = full.bindings.filter(inScope);
  const targeting = full.targeting.filter(inScope);
  const pixelNames = new Set(bindings.flatMap((b) => b.spec.pixels.flatMap((p) => (p.pixel === undefined ? [] : [scopeKey('ConversionPixel', p.pixel, b.spec.advertiser_id)]))));
  const segmentNames = new Set(targeting.flatMap((t) => t.spec.groups.flatMap((g) => g.segments.flatMap((s) => (s.segment === undefined ? [] : [scopeKey('Segment', s.segment, null)])))));
  return {
    segments: full.segments.filter((s) => inScope(s) || segmentNames.has(manifestKey(s))),
    pixels: full.pixels.filter((p) => inScope(p) || pixelNames.has(manifestKey(p))),
    bindings,
    targeting,
  };
}

/** The key of a draft's object: from its manifest's address, or a prune action's `Kind/<code>`. */
function draftKey(draft: Draft): string {
  // A step of a manifest's change (`LineItemSegments/x#profile_id`) belongs to the manifest's object.
  const [kind, ...rest] = draft.address.replace(/#.*$/, '').split('/');
  const name = rest.at(-1) ?? '';
  if (kind !== 'ConversionPixel') return scopeKey(kind as Kind, name, null);
  const advertiser = rest.length > 1 ? Number(rest[0]) : Number(draft.request.query.advertiser_id);
  return scopeKey('ConversionPixel', name, Number.isFinite(advertiser) ? advertiser : null);
}

/** The drafts of the change's objects and, transitively, what they depend on (named in a warning). */
export function scopeDrafts<D extends Draft>(drafts: readonly D[], documents: readonly ScopeDocument[]): { kept: D[]; warnings: string[] } {
  const keys = new Set(documents.map((d) => scopeKey(d.kind, d.name, d.advertiserId)));
  const byAddress = new Map(drafts.map((d) => [d.address, d]));
  const { needed: kept, pulledBy: pulled } = withDependencies(byAddress, drafts.filter((d) => keys.has(draftKey(d))).map((d) => d.address));
  return {
    kept: drafts.filter((d) => kept.has(d.address)),
    warnings: [...pulled].map(([dependency, by]) => `${dependency} is included although the change does not touch it: ${by} depends on it`),
  };
}

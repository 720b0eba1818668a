import type { Entry } from './check-document.js';
import type { DiagnosticCollector } from './collector.js';
import { isObject } from './kinds.js';
import { quote } from './quote.js';
import { didYouMean } from './suggest.js';
import { checkLineItemDocuments } from './check-line-items.js';
import { checkPreviousNames } from './check-previous-names.js';
import { checkTargetingReferences, type SegmentIndex } from './check-targeting.js';
import { advertiserOf, FirstItems, offsetOf, where } from './entry-location.js';
import type { PixelManifest } from './types.js';

/**
 * The rules that need every document at once: unique names, pixel and segment references, one document per
 * line item and kind.
 * Names and codes compare ignoring case because Xandr's codes do ("Test" and "test" collide).
 */

function indexSegments(segments: Entry[], collector: DiagnosticCollector): SegmentIndex {
  const seen: SegmentIndex = new Map();
  for (const entry of segments) {
    const key = entry.manifest.name.toLowerCase();
    const first = seen.get(key);
    if (!first) {
      seen.set(key, entry);
      continue;
    }
    collector.at(
      entry.source,
      'duplicate-name',
      `Segment name '${entry.manifest.name}' is already used at ${where(first, '/metadata/name')}: segment names are unique per member, ignoring case`,
      offsetOf(entry, '/metadata/name'),
    );
  }
  return seen;
}

/** Pixels by advertiser, then by lower-cased name (first definition wins; later ones are reported). */
type PixelIndex = Map<number, Map<string, Entry>>;

function indexPixels(pixels: Entry[], collector: DiagnosticCollector): PixelIndex {
  const index: PixelIndex = new Map();
  const advertisersByName = new Map<string, Set<number>>();
  for (const entry of pixels) {
    const advertiser = advertiserOf(entry);
    if (advertiser === undefined) continue;
    const key = entry.manifest.name.toLowerCase();
    let names = index.get(advertiser);
    if (!names) index.set(advertiser, (names = new Map()));
    const first = names.get(key);
    if (first) {
      collector.at(
        entry.source,
        'duplicate-name',
        `ConversionPixel name '${entry.manifest.name}' is already used for advertiser ${advertiser} at ${where(first, '/metadata/name')}: pixel names are unique per advertiser, ignoring case`,
        offsetOf(entry, '/metadata/name'),
      );
      continue;
    }
    names.set(key, entry);
    let advertisers = advertisersByName.get(key);
    if (!advertisers) advertisersByName.set(key, (advertisers = new Set()));
    advertisers.add(advertiser);
  }
  // A name two advertisers both use would make `ConversionPixel/<name>` ambiguous in plans: qualify all of them.
  for (const entry of pixels) {
    const advertiser = advertiserOf(entry);
    if (advertiser !== undefined && (advertisersByName.get(entry.manifest.name.toLowerCase())?.size ?? 0) > 1) {
      entry.manifest.address = `ConversionPixel/${advertiser}/${entry.manifest.name}`;
    }
  }
  return index;
}

function checkBindings(bindings: Entry[], pixels: PixelIndex, collector: DiagnosticCollector): void {
  checkLineItemDocuments(bindings, 'pixels', collector);
  for (const entry of bindings) {
    const spec = entry.manifest.spec as unknown as Record<string, unknown>;
    const advertiser = advertiserOf(entry);
    if (!Array.isArray(spec.pixels)) continue;
    const seen = new FirstItems();
    spec.pixels.forEach((item: unknown, i: number) => {
      if (!isObject(item)) return;
      const keys: string[] = [];
      let pointerOfItem = `/spec/pixels/${i}/pixel_id`;
      if (typeof item.pixel === 'string') {
        pointerOfItem = `/spec/pixels/${i}/pixel`;
        const lower = item.pixel.toLowerCase();
        keys.push(`name:${lower}`);
        const target = advertiser === undefined ? undefined : pixels.get(advertiser)?.get(lower);
        if (target) {
          // Resolved ignoring case; hand the planner the name exactly as the pixel's document writes it.
          item.pixel = target.manifest.name;
          const pinned = (target.manifest as PixelManifest).id;
          if (pinned !== undefined) keys.push(`id:${pinned}`);
        } else if (advertiser !== undefined) {
          reportMissingPixel(entry, i, item.pixel, advertiser, pixels, collector);
        }
      } else if (typeof item.pixel_id === 'number') {
        keys.push(`id:${item.pixel_id}`);
      }
      const repeat = seen.repeatOf(keys, i);
      if (repeat !== undefined) {
        collector.at(
          entry.source,
          'duplicate-pixel',
          `spec.pixels[${i}] attaches the same pixel as spec.pixels[${repeat}] (line ${entry.source.line(offsetOf(entry, `/spec/pixels/${repeat}`))}): list each pixel once`,
          offsetOf(entry, pointerOfItem),
        );
      }
    });
  }
}

/** "Did you mean" compares against every pixel of the advertiser: skip it for advertisers with thousands. */
const MAX_SUGGESTION_CANDIDATES = 1000;

function reportMissingPixel(entry: Entry, i: number, name: string, advertiser: number, pixels: PixelIndex, collector: DiagnosticCollector): void {
  const offset = offsetOf(entry, `/spec/pixels/${i}/pixel`);
  const lower = name.toLowerCase();
  for (const [other, byName] of pixels) {
    const elsewhere = byName.get(lower);
    if (other !== advertiser && elsewhere) {
      collector.at(
        entry.source,
        'pixel-advertiser-mismatch',
        `ConversionPixel ${quote(name)} belongs to advertiser ${other} (${where(elsewhere, '/metadata/name')}), but this line item is advertiser ${advertiser}'s: a line item can only use its own advertiser's pixels`,
        offset,
      );
      return;
    }
  }
  const own = pixels.get(advertiser);
  const worthIt = own !== undefined && own.size <= MAX_SUGGESTION_CANDIDATES && !collector.isFull(entry.source.file);
  const candidates = worthIt ? [...own.values()].map((e) => e.manifest.name) : [];
  collector.at(
    entry.source,
    'unknown-pixel',
    `no ConversionPixel named ${quote(name)} for advertiser ${advertiser} in this repository${didYouMean(name, candidates)}; for a pixel the repository does not manage, write pixel_id instead`,
    offset,
  );
}

export interface EntriesByKind {
  segments: Entry[];
  pixels: Entry[];
  bindings: Entry[];
  targeting: Entry[];
}

export function checkReferences(entries: EntriesByKind, collector: DiagnosticCollector): void {
  const segments = indexSegments(entries.segments, collector);
  // Segment codes are unique per member, pixel codes per advertiser.
  checkPreviousNames(entries.segments, () => 'member', collector);
  checkPreviousNames(entries.pixels, (entry) => (advertiserOf(entry) === undefined ? undefined : String(advertiserOf(entry))), collector);
  checkBindings(entries.bindings, indexPixels(entries.pixels, collector), collector);
  checkLineItemDocuments(entries.targeting, 'segment targeting', collector);
  checkTargetingReferences(entries.targeting, segments, collector);
}

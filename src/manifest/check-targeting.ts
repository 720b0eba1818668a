import type { Entry } from './check-document.js';
import type { DiagnosticCollector } from './collector.js';
import { advertiserOf, FirstItems, offsetOf, where } from './entry-location.js';
import { isObject } from './kinds.js';
import { quote } from './quote.js';
import { didYouMean } from './suggest.js';
import type { SegmentManifest } from './types.js';

/** Segments by lower-cased name: the first definition of each (later ones are `duplicate-name`). */
export type SegmentIndex = Map<string, Entry>;

/** "Did you mean" compares against every segment: skip it for repositories with thousands. */
const MAX_SUGGESTION_CANDIDATES = 1000;

/** Who may use a segment: every advertiser of the member when it is member-level, else its own advertiser. */
function usableBy(segment: Entry, advertiser: number): boolean {
  const owner = advertiserOf(segment);
  return owner === undefined || owner === advertiser;
}

function reportMissingSegment(entry: Entry, pointer: string, name: string, segments: SegmentIndex, collector: DiagnosticCollector): void {
  const worthIt = segments.size <= MAX_SUGGESTION_CANDIDATES && !collector.isFull(entry.source.file);
  const candidates = worthIt ? [...segments.values()].map((e) => e.manifest.name) : [];
  collector.at(
    entry.source,
    'unknown-segment',
    `no Segment named ${quote(name)} in this repository${didYouMean(name, candidates)}; for a segment the repository does not manage, write segment_id instead`,
    offsetOf(entry, pointer),
  );
}

/** One group's entries: resolve names to the Segment documents, refuse a segment listed twice. */
function checkGroup(entry: Entry, i: number, entries: unknown[], advertiser: number | undefined, segments: SegmentIndex, collector: DiagnosticCollector): void {
  const seen = new FirstItems();
  entries.forEach((item, j) => {
    if (!isObject(item)) return;
    const base = `/spec/groups/${i}/segments/${j}`;
    const keys: string[] = [];
    let pointer = `${base}/segment_id`;
    if (typeof item.segment === 'string') {
      pointer = `${base}/segment`;
      const lower = item.segment.toLowerCase();
      keys.push(`name:${lower}`);
      const target = segments.get(lower);
      if (!target) {
        reportMissingSegment(entry, pointer, item.segment, segments, collector);
      } else if (advertiser !== undefined && !usableBy(target, advertiser)) {
        collector.at(
          entry.source,
          'segment-advertiser-mismatch',
          `Segment ${quote(item.segment)} belongs to advertiser ${advertiserOf(target)} (${where(target, '/metadata/name')}), but this line item is advertiser ${advertiser}'s: a line item can target member-level segments and its own advertiser's`,
          offsetOf(entry, pointer),
        );
      } else {
        // Resolved ignoring case; hand the planner the name exactly as the segment's document writes it.
        item.segment = target.manifest.name;
        const pinned = (target.manifest as SegmentManifest).id;
        if (pinned !== undefined) keys.push(`id:${pinned}`);
      }
    } else if (typeof item.segment_id === 'number') {
      keys.push(`id:${item.segment_id}`);
    }
    const repeat = seen.repeatOf(keys, j);
    if (repeat !== undefined) {
      collector.at(
        entry.source,
        'duplicate-segment',
        `spec.groups[${i}].segments[${j}] is the same segment as segments[${repeat}] of the group (line ${entry.source.line(offsetOf(entry, `/spec/groups/${i}/segments/${repeat}`))}): list each segment once per group`,
        offsetOf(entry, pointer),
      );
    }
  });
}

/** Segment references of every LineItemSegments document. */
export function checkTargetingReferences(targeting: Entry[], segments: SegmentIndex, collector: DiagnosticCollector): void {
  for (const entry of targeting) {
    const spec = entry.manifest.spec as unknown as Record<string, unknown>;
    if (!Array.isArray(spec.groups)) continue;
    const advertiser = advertiserOf(entry);
    spec.groups.forEach((group: unknown, i: number) => {
      if (isObject(group) && Array.isArray(group.segments)) checkGroup(entry, i, group.segments, advertiser, segments, collector);
    });
  }
}

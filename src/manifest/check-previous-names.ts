import type { Entry } from './check-document.js';
import type { DiagnosticCollector } from './collector.js';
import { offsetOf, treeOf, where } from './entry-location.js';
import { quote } from './quote.js';

/**
 * previous_names across the documents of one kind and scope (the member for segments, an advertiser for pixels):
 * an old code may lead the planner to exactly one manifest. If it were another manifest's current name, or
 * the previous name of two, a rename would take an object away from the manifest that owns it. Compared
 * ignoring case, as Xandr compares codes. The document's own list is checked in check-document.ts.
 */
export function checkPreviousNames(entries: Entry[], scopeOf: (entry: Entry) => string | undefined, collector: DiagnosticCollector): void {
  // Renames are rare; a repository of 20,000 segments should not pay for indexing names it will not look up.
  if (!entries.some((e) => e.manifest.previousNames.length > 0)) return;
  const current = new Map<string, Entry>();
  for (const entry of entries) {
    const scope = scopeOf(entry);
    if (scope === undefined) continue;
    const key = `${scope}\0${entry.manifest.name.toLowerCase()}`;
    if (!current.has(key)) current.set(key, entry);
  }
  const claimed = new Map<string, { entry: Entry; name: string }>();
  for (const entry of entries) {
    const scope = scopeOf(entry);
    if (scope === undefined) continue;
    const own = entry.manifest.name.toLowerCase();
    const listed = new Set<string>();
    for (const name of entry.manifest.previousNames) {
      const lower = name.toLowerCase();
      // The document's own name and its own repeats are reported by the document check.
      if (lower === own || listed.has(lower)) continue;
      listed.add(lower);
      const key = `${scope}\0${lower}`;
      const owner = current.get(key);
      const taken = owner !== undefined && owner !== entry;
      const first = claimed.get(key);
      if (!taken && !first) {
        claimed.set(key, { entry, name });
        continue;
      }
      // Only a conflict needs the name's place in the list as written.
      const index = writtenIndex(entry, name);
      const pointer = `/metadata/previous_names/${index}`;
      if (taken) {
        collector.at(
          entry.source,
          'previous-name-conflict',
          `metadata.previous_names[${index}] ${quote(name)} is the name of ${owner.manifest.address} (${where(owner, '/metadata/name')}): a rename would take that object away from it; remove ${quote(name)} from previous_names`,
          offsetOf(entry, pointer),
        );
      } else if (first) {
        collector.at(
          entry.source,
          'previous-name-conflict',
          `metadata.previous_names[${index}] ${quote(name)} is also a previous name of ${first.entry.manifest.address} (${where(first.entry, `/metadata/previous_names/${writtenIndex(first.entry, first.name)}`)}): one old object can be renamed to only one new name; keep it in one of the two lists`,
          offsetOf(entry, pointer),
        );
      }
    }
  }
}

/** Where `name` is written in the document's previous_names (its first occurrence), for a diagnostic. */
function writtenIndex(entry: Entry, name: string): number {
  const root = treeOf(entry);
  const metadata = root.type === 'map' ? root.pairs.find((p) => p.key === 'metadata')?.value : undefined;
  const list = metadata?.type === 'map' ? metadata.pairs.find((p) => p.key === 'previous_names')?.value : undefined;
  const index = list?.type === 'seq' ? list.items.findIndex((item) => item.type === 'scalar' && item.value === name) : -1;
  return Math.max(index, 0);
}

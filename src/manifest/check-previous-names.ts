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
  const claimed = new Map<string, { entry: Entry; index: number }>();
  for (const entry of entries) {
    const scope = scopeOf(entry);
    if (scope === undefined) continue;
    const names = readPreviousNames(entry);
    const own = entry.manifest.name.toLowerCase();
    const listed = new Set<string>();
    names.forEach(({ name, index }) => {
      const lower = name.toLowerCase();
      // The document's own name and its own repeats are reported by the document check.
      if (lower === own || listed.has(lower)) return;
      listed.add(lower);
      const key = `${scope}\0${lower}`;
      const pointer = `/metadata/previous_names/${index}`;
      const owner = current.get(key);
      if (owner && owner !== entry) {
        collector.at(
          entry.source,
          'previous-name-conflict',
          `metadata.previous_names[${index}] ${quote(name)} is the name of ${owner.manifest.address} (${where(owner, '/metadata/name')}): a rename would take that object away from it; remove ${quote(name)} from previous_names`,
          offsetOf(entry, pointer),
        );
        return;
      }
      const first = claimed.get(key);
      if (first) {
        collector.at(
          entry.source,
          'previous-name-conflict',
          `metadata.previous_names[${index}] ${quote(name)} is also a previous name of ${first.entry.manifest.address} (${where(first.entry, `/metadata/previous_names/${first.index}`)}): one old object can be renamed to only one new name; keep it in one of the two lists`,
          offsetOf(entry, pointer),
        );
        return;
      }
      claimed.set(key, { entry, index });
    });
  }
}

/** The previous names as written, with their index in the list (for positions): valid ones only. */
function readPreviousNames(entry: Entry): Array<{ name: string; index: number }> {
  const names = entry.manifest.previousNames;
  if (names.length === 0) return [];
  const root = treeOf(entry);
  const metadata = root.type === 'map' ? root.pairs.find((p) => p.key === 'metadata')?.value : undefined;
  const list = metadata?.type === 'map' ? metadata.pairs.find((p) => p.key === 'previous_names')?.value : undefined;
  if (list?.type !== 'seq') return [];
  const out: Array<{ name: string; index: number }> = [];
  list.items.forEach((item, index) => {
    if (item.type === 'scalar' && typeof item.value === 'string' && names.includes(item.value)) out.push({ name: item.value, index });
  });
  return out;
}

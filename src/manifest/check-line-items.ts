import type { Entry } from './check-document.js';
import type { DiagnosticCollector } from './collector.js';
import { advertiserOf, offsetOf, where } from './entry-location.js';
import { quote } from './quote.js';

/**
 * The rules every line-item kind shares: names unique per kind, and one document of the kind per line item
 * (two would each PUT the same array, and the last one would win). Line item ids are unique across Xandr,
 * codes only within an advertiser and ignoring case. One LineItemPixels and one LineItemSegments for the same
 * line item are fine: they own different fields.
 */
export function checkLineItemDocuments(entries: Entry[], owns: string, collector: DiagnosticCollector): void {
  const names = new Map<string, Entry>();
  const lineItems = new Map<string, { entry: Entry; pointer: string }>();
  for (const entry of entries) {
    const { manifest } = entry;
    const nameKey = manifest.name.toLowerCase();
    const firstName = names.get(nameKey);
    if (firstName) {
      collector.at(
        entry.source,
        'duplicate-name',
        `${manifest.kind} name '${manifest.name}' is already used at ${where(firstName, '/metadata/name')}: names are unique per kind, ignoring case`,
        offsetOf(entry, '/metadata/name'),
      );
    } else {
      names.set(nameKey, entry);
    }

    const spec = manifest.spec as unknown as Record<string, unknown>;
    const advertiser = advertiserOf(entry);
    let lineItemKey: string | undefined;
    let pointer = '/spec/line_item_id';
    if (typeof spec.line_item_id === 'number') lineItemKey = `id:${spec.line_item_id}`;
    else if (typeof spec.line_item_code === 'string' && advertiser !== undefined) {
      lineItemKey = `code:${advertiser}:${spec.line_item_code.toLowerCase()}`;
      pointer = '/spec/line_item_code';
    }
    if (lineItemKey === undefined) continue;
    const first = lineItems.get(lineItemKey);
    if (first) {
      const label = lineItemKey.startsWith('id:') ? `line item ${String(spec.line_item_id)}` : `line item ${quote(String(spec.line_item_code))}`;
      collector.at(
        entry.source,
        'duplicate-line-item',
        `${label} already has its ${owns} in ${first.entry.manifest.address} (${where(first.entry, first.pointer)}): write one ${manifest.kind} document per line item`,
        offsetOf(entry, pointer),
      );
    } else {
      lineItems.set(lineItemKey, { entry, pointer });
    }
  }
}

import type { DiagnosticCollector } from './collector.js';
import { API_VERSION, type JsonObject } from './kinds.js';
import { quote } from './quote.js';
import type { SourceText } from './source-text.js';
import { locate } from './yaml-value.js';
import type { Problem, YMap } from './yaml-tree.js';

/** Problems found while reading a file, as diagnostics. */
export function reportProblems(source: SourceText, problems: Problem[], collector: DiagnosticCollector): void {
  for (const p of problems) collector.at(source, p.code, p.message, p.offset);
}

/**
 * Checks `apiVersion` and `kind` before the schema runs, so that a document with the wrong ones gets one
 * clear message instead of a schema's worth. Returns the kind when the rest of the document can be checked.
 */
export function checkHeader(value: JsonObject, root: YMap, source: SourceText, collector: DiagnosticCollector, what: string): string | undefined {
  const at = (pointer: string) => locate(root, pointer).node?.offset ?? root.offset;
  if (!Object.hasOwn(value, 'apiVersion')) {
    collector.at(source, 'missing-field', `${what} is missing required field 'apiVersion' (write apiVersion: ${API_VERSION})`, root.offset);
  } else if (value.apiVersion !== API_VERSION) {
    const got = typeof value.apiVersion === 'string' ? quote(value.apiVersion) : String(value.apiVersion);
    collector.at(source, 'unknown-api-version', `apiVersion ${got} is not supported: use ${API_VERSION}`, at('/apiVersion'));
  }
  if (!Object.hasOwn(value, 'kind')) {
    collector.at(source, 'missing-field', `${what} is missing required field 'kind'`, root.offset);
    return undefined;
  }
  if (typeof value.kind !== 'string') {
    collector.at(source, 'unknown-kind', `kind must be one of Segment, ConversionPixel, LineItemPixels, LineItemSegments (or Config in xandr-sync.yaml), got ${String(value.kind)}`, at('/kind'));
    return undefined;
  }
  return value.kind;
}

import type { SegmentManifest, PixelManifest } from '../manifest/types.js';
import { diffFields } from './compare.js';
import { codeChange } from './identity.js';
import type { Action, Change, Json } from './types.js';

export type Draft = Omit<Action, 'wave'>;

/** Segments and pixels are planned alike: identified by code, created by POST, updated by a partial PUT. */
interface CodedKind {
  kind: 'Segment' | 'ConversionPixel';
  path: '/segment' | '/pixel';
  /** The request body's envelope key. */
  key: 'segment' | 'pixel';
}

export const SEGMENT: CodedKind = { kind: 'Segment', path: '/segment', key: 'segment' };
export const PIXEL: CodedKind = { kind: 'ConversionPixel', path: '/pixel', key: 'pixel' };

/** A POST carrying the code and every declared field (scope goes in the query). */
export function createDraft(manifest: SegmentManifest | PixelManifest, kind: CodedKind, query: Record<string, number>, fields: Record<string, Json>): Draft {
  const body: Record<string, Json> = { code: manifest.name, ...fields };
  return {
    address: manifest.address,
    kind: kind.kind,
    action: 'create',
    request: { method: 'POST', path: kind.path, query, body: { [kind.key]: body } },
    changes: Object.entries(body).map(([key, value]) => ({ op: 'add' as const, path: `/${key}`, value })),
    depends_on: [],
    live: null,
    warnings: [],
    id: null,
    source: manifest.source,
  };
}

/**
 * A PUT with only the fields that differ (plus the code when it is missing, `adopt`, or differs in case),
 * or null when the object is as declared. `warn` sees the live and desired values of the compared fields.
 */
export function updateDraft(
  manifest: SegmentManifest | PixelManifest,
  kind: CodedKind,
  live: { id: number; code: string | null } & Record<string, unknown>,
  fields: Record<string, Json>,
  query: Record<string, number>,
  warn: (live: Record<string, Json>, desired: Record<string, Json>) => string[],
): Draft | null {
  const { projected, changes } = diffFields(live, fields);
  const code = codeChange(live, manifest.name);
  if (!code && changes.length === 0) return null;
  const body: Record<string, Json> = {};
  if (code) body.code = manifest.name;
  for (const change of changes) {
    const field = change.path.split('/')[1]!;
    body[field] = fields[field]!;
  }
  const renamed = code !== null && live.code !== null && live.code.toLowerCase() !== manifest.name.toLowerCase();
  const warnings = warn(projected, fields);
  if (renamed) {
    warnings.unshift(`renames ${kind.key} ${live.id} from code '${live.code}' to '${manifest.name}' (metadata.previous_names): the same object, so its users, line items and targeting stay`);
  }
  return {
    address: manifest.address,
    kind: kind.kind,
    action: code && !live.code ? 'adopt' : renamed ? 'rename' : 'update',
    request: { method: 'PUT', path: kind.path, query, body: { [kind.key]: body } },
    changes: code ? [code as Change, ...changes] : changes,
    depends_on: [],
    live: { id: live.id, code: live.code, ...projected },
    warnings,
    id: live.id,
    source: manifest.source,
  };
}

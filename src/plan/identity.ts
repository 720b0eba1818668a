import type { Json } from './types.js';
import type { Manifest } from '../manifest/types.js';
import { fail, type PlanContext } from './context.js';

/**
 * Finds the live object a manifest describes. By `metadata.id` when pinned (adoption of an object that
 * has no code yet), else by code = metadata.name, ignoring case as Xandr does.
 * Returns undefined when the manifest is in error (reported), null when there is no live object.
 */
export function matchLive<T extends { id: number; code: string | null }>(
  ctx: PlanContext,
  manifest: Manifest,
  byId: Map<number, T>,
  byCode: T | undefined,
  what: string,
  byPreviousName: (name: string) => T | undefined = () => undefined,
): T | null | undefined {
  if (manifest.id === undefined) {
    if (byCode) return byCode;
    // metadata.previous_names: the object under an old code is this one, renamed (one PUT, not create + orphan).
    for (const name of manifest.previousNames) {
      const found = byPreviousName(name);
      if (found) return found;
    }
    return null;
  }
  const pinned = byId.get(manifest.id);
  if (!pinned) {
    fail(ctx, manifest, 'unknown-id', `metadata.id ${manifest.id}: there is no ${what} with this id to adopt`, '/metadata/id');
    return undefined;
  }
  if (pinned.code && pinned.code.toLowerCase() !== manifest.name.toLowerCase()) {
    fail(
      ctx,
      manifest,
      'id-code-conflict',
      `metadata.id ${manifest.id} pins ${what} ${pinned.id}, which already has code '${pinned.code}'; use metadata.name '${pinned.code}' or remove metadata.id`,
      '/metadata/id',
    );
    return undefined;
  }
  if (byCode && byCode.id !== pinned.id) {
    fail(
      ctx,
      manifest,
      'code-taken',
      `code '${manifest.name}' already belongs to ${what} ${byCode.id}; adopting ${what} ${pinned.id} under the same code would collide`,
      '/metadata/name',
    );
    return undefined;
  }
  return pinned;
}

/** The `code` part of a plan for an existing object: adopt when it has none, fix the case when it differs. */
export function codeChange(live: { code: string | null }, name: string): { op: 'add' | 'replace'; path: '/code'; value: Json } | null {
  if (live.code === name) return null;
  return { op: live.code ? 'replace' : 'add', path: '/code', value: name };
}

/** The manifest's spec fields that are diffed: everything declared except `ignore_changes` and the scope. */
export function comparedFields(spec: object, ignore: readonly string[], scopeFields: readonly string[] = []): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined || ignore.includes(key) || scopeFields.includes(key)) continue;
    out[key] = value as Json;
  }
  return out;
}

/** `${advertiser}/${lower-case display name}`: how a console-made twin of a manifest is recognised. */
export function nameKey(advertiserId: number | null, name: string | null | undefined): string {
  return `${advertiserId ?? 'member'}/${(name ?? '').trim().toLowerCase()}`;
}

/** Live objects without a code (made in the console, never managed), by advertiser and display name. */
export function uncodedByName<T extends { code: string | null }>(
  objects: readonly T[],
  advertiserOf: (object: T) => number | null,
  nameOf: (object: T) => string | null,
): Map<string, T> {
  const byName = new Map<string, T>();
  for (const object of objects) {
    const name = nameOf(object);
    if (object.code || !name) continue;
    const key = nameKey(advertiserOf(object), name);
    if (!byName.has(key)) byName.set(key, object);
  }
  return byName;
}

/**
 * The create would leave two objects where the reviewer likely means one: a console-made object of the same
 * kind, advertiser and name, without a code, exists. Adopting it (metadata.id) writes the code onto it instead.
 */
export function likelyDuplicate(noun: string, id: number, name: string | null): string {
  return `a ${noun} without a code named ${JSON.stringify(name)} already exists (id ${id}): if it is this one, add 'metadata.id: ${id}' to the manifest to adopt it instead of creating a second one`;
}

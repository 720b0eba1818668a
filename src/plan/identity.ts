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
): T | null | undefined {
  if (manifest.id === undefined) return byCode ?? null;
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

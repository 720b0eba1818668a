import type { XandrClient } from './client.js';
import { normalizeProfile } from './normalize.js';
import { readAll, readByIds, xandrTimestamp, type ServiceShape } from './service.js';
import type { LiveProfile } from './types.js';
import { XandrApiError } from './xandr-errors.js';

/**
 * The profile service (profile-service.md): a line item's targeting lives in the profile its `profile_id`
 * names. xandr-sync reads only the segment targeting of the profiles its LineItemSegments manifests own.
 */
const profileShape: ServiceShape<LiveProfile> = { service: 'profile', singular: 'profile', plural: 'profiles', normalize: normalizeProfile };

/** The profiles with these ids, 100 per read (`GET /profile?id=1,2,...`). */
export function getProfiles(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LiveProfile[]> {
  return readByIds(client, profileShape, ids, {}, signal);
}

/**
 * The profiles modified since `since`: one member-wide listing where Xandr allows it. profile-service.md
 * documents the listing per advertiser only, so an error answer to the member-wide one (other than a
 * throttle or a lost connection, which the client handles) falls back to one listing per advertiser.
 */
export async function listProfilesModifiedSince(client: XandrClient, since: number, advertisers: readonly number[], signal?: AbortSignal): Promise<LiveProfile[]> {
  const filter = { min_last_modified: xandrTimestamp(since) };
  try {
    return await readAll(client, profileShape, filter, signal);
  } catch (error) {
    if (!(error instanceof XandrApiError) || error.notFound) throw error;
    const lists = await Promise.all(advertisers.map((advertiserId) => readAll(client, profileShape, { ...filter, advertiser_id: advertiserId }, signal)));
    return lists.flat();
  }
}

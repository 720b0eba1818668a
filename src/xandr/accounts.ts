import type { XandrClient } from './client.js';
import { extractObjects } from './envelope.js';
import { XandrResponseError } from './xandr-errors.js';
import { normalizeAdvertiser, normalizeMember } from './normalize.js';
import { readByIds, type ServiceShape } from './service.js';
import type { LiveAdvertiser, LiveMember } from './types.js';

const advertiserShape: ServiceShape<LiveAdvertiser> = { service: 'advertiser', singular: 'advertiser', plural: 'advertisers', normalize: normalizeAdvertiser };

export function getAdvertisers(client: XandrClient, ids: readonly number[], signal?: AbortSignal): Promise<LiveAdvertiser[]> {
  return readByIds(client, advertiserShape, ids, {}, signal);
}

/** The member the logged-in user belongs to. */
export async function getMember(client: XandrClient, signal?: AbortSignal): Promise<LiveMember> {
  client.expect('member', 1);
  const body = await client.call({ method: 'GET', service: 'member', object: 'member', signal });
  const raw = extractObjects(body, 'member', 'members')[0];
  if (raw === undefined) throw new XandrResponseError('GET /member returned no member', { service: 'member' });
  return normalizeMember(raw);
}

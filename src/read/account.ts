import {
  getAdvertisers,
  getMember,
  getProfiles,
  listLineItems,
  listPixels,
  listSegments,
  type LiveAdvertiser,
  type LiveLineItem,
  type LiveMember,
  type LivePixel,
  type LiveProfile,
  type LiveSegment,
  type XandrClient,
} from '../xandr/index.js';
import { ImportScopeError, TargetMismatchError } from './read-errors.js';

/** What `xandr-sync import` reads: a member's objects in the advertisers asked for. */
interface AccountScope {
  advertisers: number[];
  /** Also the member-level segments (those without an advertiser). */
  member: boolean;
  /** From xandr-sync.yaml, when there is one: checked against the logged-in user's member. */
  memberId?: number;
}

export interface Account {
  member: LiveMember;
  /** The advertisers asked for, by id. */
  advertisers: LiveAdvertiser[];
  /**
   * Every segment of the member, not only those in scope: segment codes are unique per member, so a name
   * given to an imported segment must not be any other segment's code.
   */
  segments: LiveSegment[];
  /** Every pixel of the advertisers asked for. */
  pixels: LivePixel[];
  /** The line items of those advertisers that carry pixels or point at a profile. */
  lineItems: LiveLineItem[];
  /** The profiles of those line items that target segments. */
  profiles: LiveProfile[];
}

/**
 * Reads the account in pages of 100, paced by the client's budget: the member, the advertisers (one
 * call), then all at once the member's segments and per advertiser its pixels and its line items, then
 * the profiles those line items point at.
 */
export async function readAccount(client: XandrClient, scope: AccountScope, signal?: AbortSignal): Promise<Account> {
  const member = await getMember(client, signal);
  if (scope.memberId !== undefined && scope.memberId !== member.id) {
    throw new TargetMismatchError(
      `xandr-sync.yaml says member_id ${scope.memberId}, but these credentials belong to member ${member.id}; refusing to import another member's objects here`,
    );
  }
  const ids = [...new Set(scope.advertisers)].sort((a, b) => a - b);
  // First, so that a mistyped id is named as such rather than as a failed listing.
  const advertisers = await getAdvertisers(client, ids, signal);
  const missing = ids.filter((id) => !advertisers.some((a) => a.id === id));
  if (missing.length > 0) {
    throw new ImportScopeError(`advertiser ${missing.join(', ')} does not exist in member ${member.id} (or this user cannot see it)`);
  }
  const [segments, pixels, lineItems] = await Promise.all([
    listSegments(client, { memberId: member.id }, signal),
    Promise.all(ids.map((id) => listPixels(client, id, signal))),
    Promise.all(ids.map((id) => listLineItems(client, id, signal))),
  ]);
  const used = lineItems.flat().filter((li) => ids.includes(li.advertiser_id) && ((li.pixels?.length ?? 0) > 0 || typeof li.profile_id === 'number'));
  // The profiles of those line items, 100 per read; only those that target segments are of interest.
  const profiles = await getProfiles(client, used.flatMap((li) => (typeof li.profile_id === 'number' ? [li.profile_id] : [])), signal);
  const targets = (p: LiveProfile) => (p.segment_targets?.length ?? 0) > 0 || (p.segment_group_targets ?? []).some((g) => g.segments.length > 0);
  return {
    member,
    advertisers: [...advertisers].sort((a, b) => a.id - b.id),
    segments,
    pixels: pixels.flat().filter((p) => ids.includes(p.advertiser_id)),
    lineItems: used,
    profiles: profiles.filter((p) => !p.is_archived && targets(p)),
  };
}

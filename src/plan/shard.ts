import type { Desired } from '../manifest/types.js';

/**
 * The part of the desired state that belongs to a shard of advertisers (`--advertiser`). Member-level
 * segments belong to no advertiser, so no shard plans them: a shard reads only its advertisers'
 * segments, and planning a member-level segment there would create it again.
 */
export function shardDesired(desired: Desired, advertisers: readonly number[]): Desired {
  const inShard = new Set(advertisers);
  return {
    segments: desired.segments.filter((s) => typeof s.spec.advertiser_id === 'number' && inShard.has(s.spec.advertiser_id)),
    pixels: desired.pixels.filter((p) => inShard.has(p.spec.advertiser_id)),
    bindings: desired.bindings.filter((b) => inShard.has(b.spec.advertiser_id)),
    targeting: desired.targeting.filter((t) => inShard.has(t.spec.advertiser_id)),
  };
}

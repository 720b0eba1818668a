import type { LoadResult } from '../manifest/types.js';
import { scopeDesired, shardDesired, type PlanInput, type PlanScope, type PlanSource, type Selection, type Target } from '../plan/index.js';
import type { XandrClient } from '../xandr/index.js';
import { readLive } from './live-state.js';

/** What to plan: the validated manifests, where, and which part of them. */
interface PlanRequest {
  load: LoadResult;
  client: XandrClient;
  target: Omit<Target, 'member_id'>;
  /** May still be on its way (a git lookup running while the live state is read). */
  source: PlanSource | Promise<PlanSource>;
  /** A shard: only these advertisers' objects. */
  advertisers?: number[];
  /** `--target` / `--exclude`. */
  selection?: Selection;
  /** `--changed-since`: only the change's objects are read and planned. */
  scope?: PlanScope;
  signal?: AbortSignal;
  /** When the plan is made (the planner itself has no clock). */
  now: () => Date;
}

/**
 * Gathers everything the planner needs: the desired state (the shard's part of it), the live state read
 * from Xandr in as few calls as paging allows, and the facts the plan records. `buildPlan` decides from it.
 */
export async function readPlanInput(request: PlanRequest): Promise<PlanInput> {
  const { load, client } = request;
  const shard = request.advertisers ? shardDesired(load.desired, request.advertisers) : load.desired;
  const desired = request.scope ? scopeDesired(shard, request.scope.documents) : shard;
  const readsBefore = client.stats.reads;
  const live = await readLive(client, desired, {
    memberId: load.config.member_id,
    advertisers: request.advertisers,
    prune: load.config.prune,
    signal: request.signal,
    ...(request.scope ? { scope: { documents: request.scope.documents } } : {}),
  });
  return {
    desired,
    live,
    config: load.config,
    target: { ...request.target, member_id: live.memberId },
    source: await request.source,
    reads: client.stats.reads - readsBefore,
    createdAt: request.now().toISOString(),
    selection: request.selection,
    fullDesired: load.desired,
    advertisers: request.advertisers,
    ...(request.scope ? { scope: request.scope } : {}),
  };
}

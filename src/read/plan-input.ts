import type { LoadResult } from '../manifest/types.js';
import { scopeDesired, shardDesired, type PlanInput, type PlanScope, type PlanSource, type Selection, type Target } from '../plan/index.js';
import type { XandrClient } from '../xandr/index.js';
import type { Desired } from '../manifest/types.js';
import type { LiveState } from '../plan/types.js';
import { readIncremental, type IncrementalRead, type LiveSnapshot } from './incremental.js';
import { readLive, type ReadOptions } from './live-state.js';

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
  const desired = desiredFor(request);
  const readsBefore = request.client.stats.reads;
  const live = await readLive(request.client, desired, {
    ...readOptions(request),
    ...(request.scope ? { scope: { documents: request.scope.documents } } : {}),
  });
  return assemble(request, desired, live, request.client.stats.reads - readsBefore);
}

/** What the sync job reads with: the snapshot of its last read, and whether a full read is due anyway. */
export interface CycleReadRequest extends PlanRequest {
  previous: LiveSnapshot | null;
  fullReason: string | null;
}

/**
 * The planner's input for a sync cycle: the live state read incrementally against the last snapshot when
 * it can be (incremental.ts), in full otherwise; with the new snapshot and how it was read.
 */
export async function readCycleInput(request: CycleReadRequest): Promise<{ input: PlanInput; read: IncrementalRead }> {
  const desired = desiredFor(request);
  const readsBefore = request.client.stats.reads;
  const read = await readIncremental(request.client, desired, {
    ...readOptions(request),
    apiUrl: request.target.api_url,
    previous: request.previous,
    fullReason: request.fullReason,
    now: () => request.now().getTime(),
  });
  return { input: await assemble(request, desired, read.live, request.client.stats.reads - readsBefore), read };
}

function desiredFor(request: PlanRequest): Desired {
  const shard = request.advertisers ? shardDesired(request.load.desired, request.advertisers) : request.load.desired;
  return request.scope ? scopeDesired(shard, request.scope.documents) : shard;
}

function readOptions(request: PlanRequest): ReadOptions {
  return { memberId: request.load.config.member_id, advertisers: request.advertisers, prune: request.load.config.prune, signal: request.signal };
}

async function assemble(request: PlanRequest, desired: Desired, live: LiveState, reads: number): Promise<PlanInput> {
  const { load } = request;
  return {
    desired,
    live,
    config: load.config,
    target: { ...request.target, member_id: live.memberId },
    source: await request.source,
    reads,
    createdAt: request.now().toISOString(),
    selection: request.selection,
    fullDesired: load.desired,
    advertisers: request.advertisers,
    ...(request.scope ? { scope: request.scope } : {}),
  };
}

export { buildPlan, guardViolations, type PlanInput } from './build.js';
export { MAX_LINE_ITEM_PIXELS, revenueRefusal } from './plan-bindings.js';
export { applyChanges, sameValue, project } from './compare.js';
export { isRef } from './context.js';
export { sequence } from './sequence.js';
export { matchesAddress, selectActions, type Selection } from './select.js';
export type * from './types.js';
export { changedSince } from './staleness.js';
export { shardDesired } from './shard.js';

import type { Plan } from '../plan/types.js';
import type { Sink } from './types.js';

/** The plan as JSON (schemas/plan.schema.json). Also the format of a saved plan (`plan --out`). */
export function renderPlanJson(plan: Plan, sink: Sink): void {
  sink.write(`${JSON.stringify(plan, null, 2)}\n`);
}

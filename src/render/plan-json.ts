import type { Plan } from '../plan/types.js';

/** The plan as JSON (schemas/plan.schema.json). Also the format of a saved plan (`plan --out`). */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

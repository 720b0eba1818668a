import type { Command } from './io.js';

// Placeholder until the plan command lands; replaced by its issue's work.
export const planCommand: Command = {
  summary: 'plan',
  usage: 'Usage: xandr-sync plan',
  async run() {
    throw Object.assign(new Error("'plan' is not built yet"), { code: 'NOT_BUILT' });
  },
};

import type { Command } from './io.js';

// Placeholder until the sandbox command lands; replaced by its issue's work.
export const sandboxCommand: Command = {
  summary: 'sandbox',
  usage: 'Usage: xandr-sync sandbox',
  async run() {
    throw Object.assign(new Error("'sandbox' is not built yet"), { code: 'NOT_BUILT' });
  },
};

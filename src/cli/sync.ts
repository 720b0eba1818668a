import type { Command } from './io.js';

// Placeholder until the sync command lands; replaced by its issue's work.
export const syncCommand: Command = {
  summary: 'sync',
  usage: 'Usage: xandr-sync sync',
  async run() {
    throw Object.assign(new Error("'sync' is not built yet"), { code: 'NOT_BUILT' });
  },
};

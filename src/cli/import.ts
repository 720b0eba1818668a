import type { Command } from './io.js';

// Placeholder until the import command lands; replaced by its issue's work.
export const importCommand: Command = {
  summary: 'import',
  usage: 'Usage: xandr-sync import',
  async run() {
    throw Object.assign(new Error("'import' is not built yet"), { code: 'NOT_BUILT' });
  },
};

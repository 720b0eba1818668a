import type { Command } from './io.js';

// Placeholder until the validate command lands; replaced by its issue's work.
export const validateCommand: Command = {
  summary: 'validate',
  usage: 'Usage: xandr-sync validate',
  async run() {
    throw Object.assign(new Error("'validate' is not built yet"), { code: 'NOT_BUILT' });
  },
};

import type { Command } from './io.js';

// Placeholder until the apply command lands; replaced by its issue's work.
export const applyCommand: Command = {
  summary: 'apply',
  usage: 'Usage: xandr-sync apply',
  async run() {
    throw Object.assign(new Error("'apply' is not built yet"), { code: 'NOT_BUILT' });
  },
};

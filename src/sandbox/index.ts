/**
 * The Xandr API sandbox: a local HTTP emulator of the parts of the Xandr API that xandr-sync uses
 * (docs/sandbox.md). It imports nothing from the rest of xandr-sync, so it can never share a code path with
 * the client it is meant to test.
 */
import type { AddressInfo } from 'node:net';
import { SandboxCore } from './core.js';
import { createSandboxServer } from './server.js';
import type { Sandbox, SandboxOptions } from './types.js';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const core = new SandboxCore(options);
  // The state file exists (and is writable) from the start, not only after the first write.
  await core.persist();
  const running = createSandboxServer(core);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    running.server.once('error', reject);
    running.server.listen(options.port ?? 0, host, () => {
      running.server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    throw Object.assign(new Error(`the sandbox cannot listen on ${host}:${options.port ?? 0}: ${error.message}`), { code: 'SANDBOX_LISTEN' });
  });
  const port = (running.server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, port, control: core, close: () => running.close() };
}

export { StateFileError } from './persistence.js';
export { DEFAULT_MEMBER_ID, DEFAULT_TOKEN_IDLE_MS, DEFAULT_TOKEN_LIFETIME_MS, DEFAULT_USERS } from './auth.js';
export { DEFAULT_SANDBOX_LIMITS } from './limits.js';
export { FIRST_IDS } from './store.js';
export { systemClock } from './system-clock.js';
export type * from './types.js';

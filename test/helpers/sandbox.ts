import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { startSandbox, type Sandbox, type SandboxOptions, type RequestLogEntry } from '../../src/sandbox/index.js';

export { startSandbox, type Sandbox, type RequestLogEntry };

/** Starts a sandbox on port 0 for a suite: `const sb = sandboxFixture(); test.before(sb.start); test.after(sb.stop)`. */
export function sandboxFixture(options: SandboxOptions = {}) {
  let sandbox: Sandbox | null = null;
  return {
    start: async () => {
      sandbox = await startSandbox({ port: 0, ...options });
    },
    stop: async () => {
      await sandbox?.close();
      sandbox = null;
    },
    get it(): Sandbox {
      if (!sandbox) throw new Error('sandbox not started');
      return sandbox;
    },
  };
}

/** The API calls in a log (no logins), as `METHOD /path`. */
export function calls(log: RequestLogEntry[]): string[] {
  return log.filter((e) => e.path !== '/auth').map((e) => `${e.method} ${e.path}`);
}

export const isWrite = (e: RequestLogEntry) => e.method === 'POST' || e.method === 'PUT' || e.method === 'DELETE';
export const writesIn = (log: RequestLogEntry[]) => log.filter((e) => e.path !== '/auth' && isWrite(e));
export const readsIn = (log: RequestLogEntry[]) => log.filter((e) => e.method === 'GET');
export const loginsIn = (log: RequestLogEntry[]) => log.filter((e) => e.path === '/auth');

const ajv = new Ajv({ strict: false, allErrors: true });
const validatePlan = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')));

/** Parses a JSON plan and checks it against the published schema. */
export function parsePlan(text: string): any {
  const plan = JSON.parse(text);
  if (!validatePlan(plan)) throw new Error(`plan does not match schemas/plan.schema.json: ${ajv.errorsText(validatePlan.errors)}`);
  return plan;
}

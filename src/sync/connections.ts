import type { ProjectConfig } from '../manifest/types.js';
import type { ClientEvent } from '../xandr/index.js';
import type { Connector, SyncConnection } from './types.js';

/**
 * One connection for the life of the job, so the rate budget and the login carry over from cycle to cycle
 * (DESIGN.md section 6: one login per run). A commit that changes where or how fast to talk to Xandr
 * (`api_url`, `rate` in xandr-sync.yaml) gets a fresh one.
 */
export class ConnectionKeeper {
  private current: { key: string; connection: SyncConnection } | null = null;

  constructor(
    private readonly connector: Connector,
    private readonly onEvent: (event: ClientEvent) => void,
  ) {}

  async get(config: ProjectConfig): Promise<SyncConnection> {
    const key = JSON.stringify([config.api_url ?? null, config.rate]);
    if (this.current?.key === key) return this.current.connection;
    await this.drop();
    const connection = await this.connector(config, this.onEvent);
    this.current = { key, connection };
    return connection;
  }

  /** Closes the connection; the next cycle opens a new one (after a failed login, or at shutdown). */
  async drop(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current) await current.connection.close().catch(() => undefined);
  }
}

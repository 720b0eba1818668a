import { Secrets } from '../core/secrets.js';

/**
 * One login per run, shared by every call. When calls come back NOAUTH, the first to notice starts a
 * single re-login and every other caller holding the same stale token waits for that one (an expiry
 * with 15 calls in flight costs exactly one login, not 15: Xandr allows only 10 logins per 5 minutes).
 */
export class Session {
  private token: string | null = null;
  private pending: Promise<string> | null = null;
  private readonly secrets = new Secrets();
  logins = 0;

  constructor(
    private readonly login: () => Promise<string>,
    credentials: { username: string; password: string },
    private readonly onSecret?: (secret: string) => void,
  ) {
    this.remember(credentials.password);
    // A server that echoes the login echoes the user too; the username is part of the credentials.
    this.remember(credentials.username);
  }

  /** The current token, logging in first if there is none yet. */
  current(): Promise<string> {
    return this.token !== null ? Promise.resolve(this.token) : this.renew(null);
  }

  /**
   * A call using `stale` was refused: log in again, unless another caller already did (then its token is
   * returned), or is doing it now (then wait for it).
   */
  renew(stale: string | null): Promise<string> {
    if (this.token !== null && this.token !== stale) return Promise.resolve(this.token);
    if (!this.pending) {
      this.token = null;
      this.pending = this.login()
        .then((token) => {
          this.logins++;
          this.remember(token);
          this.token = token;
          return token;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }

  /**
   * Removes the credentials and every token this session has seen from a foreign text (API error messages
   * echo input), in every form (core/secrets.ts). Call it before the text is cut or reflowed.
   */
  scrub(text: string): string {
    return this.secrets.scrub(text);
  }

  private remember(secret: string): void {
    if (!secret) return;
    this.secrets.add(secret);
    this.onSecret?.(secret);
  }
}

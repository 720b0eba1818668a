import { Secrets } from '../core/secrets.js';

/**
 * Where tokens outlive a run: a cache file shared by CLI runs, or a token handed over by another CI job
 * (cli/token-cache.ts). Xandr allows 10 logins per 5 minutes per user, shared with everyone using it, so a
 * token that Xandr would still accept is reused rather than a new login spent.
 */
export interface TokenStore {
  /** A token believed valid now, or null. */
  load(): string | null;
  /** A fresh login's token. */
  saved(token: string): void;
  /** Xandr refused the token (NOAUTH): it is not offered again. */
  refused(token: string): void;
  /** A call succeeded with the token (Xandr's idle window slides with every call). */
  used(token: string): void;
}

/**
 * One login per run at most, shared by every call, and none when a stored token still works. When calls
 * come back NOAUTH, the first to notice starts a single re-login and every other caller holding the same
 * stale token waits for that one (an expiry with 15 calls in flight costs exactly one login, not 15).
 */
export class Session {
  private token: string | null = null;
  private pending: Promise<string> | null = null;
  private readonly secrets = new Secrets();
  private storeTried = false;
  /** Tokens some call succeeded with: a refusal of one of them is an expiry, not a bad login. */
  private readonly proven = new Set<string>();
  /** Tokens refused so far, and how many refused in a row without one call succeeding in between. */
  private readonly refusedTokens = new Set<string>();
  private unprovenRefusals = 0;

  constructor(
    private readonly login: () => Promise<string>,
    credentials: { username: string; password: string } | null,
    private readonly onSecret?: (secret: string) => void,
    private readonly store?: TokenStore,
  ) {
    if (credentials) {
      this.remember(credentials.password);
      // A server that echoes the login echoes the user too; the username is part of the credentials.
      this.remember(credentials.username);
    }
  }

  /** The current token: the one in use, else a stored one, else a fresh login's. */
  current(): Promise<string> {
    if (this.token !== null) return Promise.resolve(this.token);
    if (!this.storeTried && !this.pending) {
      this.storeTried = true;
      const stored = this.store?.load() ?? null;
      if (stored) {
        this.remember(stored);
        this.token = stored;
        return Promise.resolve(stored);
      }
    }
    return this.renew(null);
  }

  /**
   * A call using `stale` was refused: log in again, unless another caller already did (then its token is
   * returned), or is doing it now (then wait for it).
   */
  renew(stale: string | null): Promise<string> {
    if (this.token !== null && this.token !== stale) return Promise.resolve(this.token);
    if (stale !== null) this.store?.refused(stale);
    if (!this.pending) {
      this.token = null;
      this.pending = this.login()
        .then((token) => {
          this.remember(token);
          this.store?.saved(token);
          this.token = token;
          return token;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }

  /** A call succeeded with `token`. */
  used(token: string): void {
    this.proven.add(token);
    this.unprovenRefusals = 0;
    if (token === this.token) this.store?.used(token);
  }

  /**
   * Xandr refused `token`. Answers whether that means the user cannot use the API at all rather than an
   * expiry: it and the token before it were both refused without any call succeeding in between.
   */
  refused(token: string): boolean {
    if (!this.refusedTokens.has(token)) {
      this.refusedTokens.add(token);
      if (!this.proven.has(token)) this.unprovenRefusals++;
    }
    return !this.proven.has(token) && this.unprovenRefusals >= 2;
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

/**
 * One login per run, shared by every call. When calls come back NOAUTH, the first to notice starts a
 * single re-login and every other caller holding the same stale token waits for that one (an expiry
 * with 15 calls in flight costs exactly one login, not 15: Xandr allows only 10 logins per 5 minutes).
 */
export class Session {
  private token: string | null = null;
  private pending: Promise<string> | null = null;
  private readonly secrets: string[] = [];
  logins = 0;

  constructor(
    private readonly login: () => Promise<string>,
    password: string,
    private readonly onSecret?: (secret: string) => void,
  ) {
    this.remember(password);
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

  /** Removes the password and every token this session has seen from a text (API error messages echo input). */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  private remember(secret: string): void {
    if (!secret || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    for (const form of [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (!this.secrets.includes(form)) this.secrets.push(form);
    }
    // Longest first, so that a token containing the password is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
    this.onSecret?.(secret);
  }
}

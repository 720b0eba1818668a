/**
 * Users, logins and tokens. Tokens look like Xandr's (`hbapi:<user id>:<hex>:<host>`) and come from crypto
 * randomness, never from the seeded PRNG, so a seed cannot predict them. A token expires after an idle time
 * (sliding, default 2 h; 0 expires every token at once) and a lifetime after login (default 24 h), as the
 * authentication service page says.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { SandboxUser } from './types.js';

export const COOKIE_NAME = 'HBFAPI_SESSID';

/** authentication-service.md: a token stays valid 2 hours after the last call, and 24 hours after login at most. */
export const DEFAULT_TOKEN_IDLE_MS = 2 * 60 * 60 * 1000;
export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The member of a user that names none. */
export const DEFAULT_MEMBER_ID = 958;
export const DEFAULT_USERS: SandboxUser[] = [
  { username: 'sandbox', password: 'sandbox', memberId: DEFAULT_MEMBER_ID, userId: 1001, fullName: 'Sandbox API User' },
];

export interface SessionUser {
  username: string;
  userId: number;
  memberId: number;
  /** For the change log's `user_full_name`. */
  fullName: string;
}

/** How long tokens live: after their last use, and after their login. */
export interface TokenTimes {
  idleMs: number;
  lifetimeMs: number;
}

interface Session {
  user: SessionUser;
  createdAt: number;
  lastUsedAt: number;
}

export class Auth {
  private readonly users = new Map<string, { password: string; user: SessionUser }>();
  private readonly sessions = new Map<string, Session>();
  private readonly logins = new Map<string, number[]>();

  constructor(users: SandboxUser[]) {
    const userIds = new Set<number>();
    users.forEach((u, index) => {
      if (!u.username || !u.password) throw new TypeError('every sandbox user needs a username and a password');
      if (this.users.has(u.username)) throw new TypeError(`sandbox user '${u.username}' is listed twice`);
      const userId = u.userId ?? 1001 + index;
      if (!Number.isSafeInteger(userId) || userId <= 0) throw new TypeError(`sandbox user '${u.username}': 'userId' must be a positive integer`);
      if (userIds.has(userId)) throw new TypeError(`sandbox user id ${userId} is used twice`);
      userIds.add(userId);
      const user = { username: u.username, userId, memberId: u.memberId ?? DEFAULT_MEMBER_ID, fullName: u.fullName ?? u.username };
      this.users.set(u.username, { password: u.password, user });
    });
  }

  /** Checks credentials and the login limit; returns a new token. */
  login(
    username: unknown,
    password: unknown,
    now: number,
    limit: { logins: number; loginWindowMs: number },
    times: TokenTimes,
    /** `hbapi:<user>:<hex>:<host>` as in recorded traffic, or `authn:<user>:<uuid>:<host>` as token-based-api-authentication.md shows. */
    style: 'hbapi' | 'authn' = 'hbapi',
  ): { token: string; user: SessionUser } {
    const entry = typeof username === 'string' ? this.users.get(username) : undefined;
    if (!entry || typeof password !== 'string' || password !== entry.password) {
      throw ApiError.noauth('No match found for user/pass');
    }
    const recent = (this.logins.get(entry.user.username) ?? []).filter((t) => t > now - limit.loginWindowMs);
    if (recent.length >= limit.logins) {
      this.logins.set(entry.user.username, recent);
      throw ApiError.noauth(
        `Authentication limit exceeded: at most ${limit.logins} successful logins per ${Math.round(limit.loginWindowMs / 1000)} seconds for this user; reuse your token`,
      );
    }
    recent.push(now);
    this.logins.set(entry.user.username, recent);
    this.dropExpired(now, times);
    const secret = style === 'authn' ? randomUUID() : randomBytes(8).toString('hex');
    const token = `${style}:${entry.user.userId}:${secret}:sandbox`;
    this.sessions.set(token, { user: entry.user, createdAt: now, lastUsedAt: now });
    return { token, user: entry.user };
  }

  /** The user of a token that is valid right now, without touching it (for in-flight accounting). */
  peek(token: string | null, now: number, times: TokenTimes): SessionUser | null {
    const session = token ? this.sessions.get(token) : undefined;
    return session && !expired(session, now, times) ? session.user : null;
  }

  /** The user of a valid token, sliding its idle window; NOAUTH otherwise. */
  authenticate(token: string | null, now: number, times: TokenTimes): SessionUser {
    if (!token) throw ApiError.noauth('Authentication failed - not logged in');
    const session = this.sessions.get(token);
    if (!session) throw ApiError.noauth('Authentication failed - token is not valid or has expired; log in again');
    const why = expired(session, now, times);
    if (why) {
      this.sessions.delete(token);
      throw ApiError.noauth(`Authentication failed - token expired (${why}); log in again`);
    }
    session.lastUsedAt = now;
    return session.user;
  }

  /** Invalidates every token; returns how many there were. */
  expireAll(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }

  /** Forgets tokens and login history (reset). */
  clear(): void {
    this.sessions.clear();
    this.logins.clear();
  }

  private dropExpired(now: number, times: TokenTimes): void {
    for (const [token, session] of this.sessions) if (expired(session, now, times)) this.sessions.delete(token);
  }
}

function expired(session: Session, now: number, times: TokenTimes): string | null {
  if (now - session.createdAt >= times.lifetimeMs) return `older than ${seconds(times.lifetimeMs)} seconds`;
  if (now - session.lastUsedAt >= times.idleMs) return `idle for more than ${seconds(times.idleMs)} seconds`;
  return null;
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

/** The token of a request: the raw `Authorization` header (no "Bearer", as Xandr documents) or the cookie. */
export function tokenOf(headers: { authorization?: string | undefined; cookie?: string | undefined }): string | null {
  const header = headers.authorization?.trim();
  if (header) return header;
  for (const part of (headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === COOKIE_NAME) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim()) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

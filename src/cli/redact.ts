import { Transform, type Writable } from 'node:stream';

/**
 * The last line of defence for credentials: every byte the CLI writes to stdout and stderr passes through
 * here, and any registered secret (password, token) is replaced by `***`. Code paths are meant never to
 * print secrets in the first place; this catches the one that forgets.
 */
class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  add(secret: string | undefined | null): void {
    // Very short values would redact ordinary words; real passwords and tokens are longer.
    if (!secret || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Also the forms a secret takes when it is URL- or JSON-encoded.
    for (const form of [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) this.secrets.add(form);
    const escaped = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(escaped.join('|'), 'g');
  }

  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, '***') : text;
  }

  /** A stream that redacts, then writes to `target`. Keeps `isTTY` so colour decisions still work. */
  wrap<T extends Writable & { isTTY?: boolean; columns?: number }>(target: T): T {
    const redactor = this;
    const stream = new Transform({
      transform(chunk, _enc, done) {
        done(null, redactor.redact(chunk.toString('utf8')));
      },
    });
    stream.pipe(target, { end: false });
    Object.defineProperty(stream, 'isTTY', { get: () => target.isTTY });
    Object.defineProperty(stream, 'columns', { get: () => target.columns });
    return stream as unknown as T;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The process's redactor: main() wraps stdout and stderr with it; commands register secrets with it. */
export const redactor = new Redactor();

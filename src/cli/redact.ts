import { Transform, type Writable } from 'node:stream';
import { createOutputFilter } from '../core/inert.js';
import { Secrets } from '../core/secrets.js';

/**
 * The last line of defence for everything the CLI writes to stdout and stderr, and to the files it leaves
 * for others (saved plans, step summaries, comments): strong secrets (core/secrets.ts) are replaced by
 * `***`, and control characters that did not come from xandr-sync itself are shown escaped
 * (core/inert.ts). Code paths are meant never to print a secret or a raw foreign string in the first
 * place; this catches the one that forgets.
 */
class Redactor {
  private readonly secrets = new Secrets();

  add(secret: string | undefined | null): void {
    this.secrets.add(secret);
  }

  redact(text: string): string {
    return this.secrets.scrubStrong(text);
  }

  /** A JSON-like value with every string redacted, before it is rendered for a file or a comment. */
  redactDeep<T>(value: T): T {
    return this.secrets.scrubStrongDeep(value);
  }

  /** A stream that redacts and filters, then writes to `target`. Keeps `isTTY` so colour decisions still work. */
  wrap<T extends Writable & { isTTY?: boolean; columns?: number }>(target: T): T {
    const filter = createOutputFilter();
    const stream = new Transform({
      transform: (chunk, _enc, done) => {
        done(null, filter(this.redact(chunk.toString('utf8'))));
      },
    });
    stream.pipe(target, { end: false });
    Object.defineProperty(stream, 'isTTY', { get: () => target.isTTY });
    Object.defineProperty(stream, 'columns', { get: () => target.columns });
    return stream as unknown as T;
  }
}

/** The process's redactor: main() wraps stdout and stderr with it; commands register secrets with it. */
export const redactor = new Redactor();

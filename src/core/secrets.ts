/**
 * The one rule for keeping secrets out of text (SECURITY.md, "Secrets in output").
 *
 * A secret is replaced by `***` in every form it may take in someone else's text: as given, URL-encoded,
 * JSON-escaped, base64 inside a `user:password` header, and with its whitespace collapsed (a log line or an
 * error snippet squeezes `a  b` to `a b`). Texts are scrubbed before anything cuts or reflows them: a secret
 * cut in half by a length limit is no longer found.
 *
 * Replacing must not mangle everything else, so how a secret is matched depends on how much it looks like a
 * word. A strong secret (8 characters or more, not all letters: every Xandr password, every token) is
 * replaced wherever it occurs. A weak one (a one-letter test password, the public sandbox's `sandbox`) is
 * replaced only where it stands on its own, not inside a longer word: `password=p` loses the `p`, `response`
 * keeps it. And the process-wide filter on stdout and stderr (cli/redact.ts) applies strong secrets only:
 * weak ones are scrubbed where foreign text enters (an API's error message, git's output), so the word
 * "sandbox" in xandr-sync's own messages stays.
 */
export class Secrets {
  private readonly forms = new Map<string, boolean>();
  private strongPattern: RegExp | null = null;
  private weakPattern: RegExp | null = null;

  /** Registers a secret (a password, a token, a username); empty values are ignored. */
  add(secret: string | null | undefined): void {
    if (!secret) return;
    const strong = isStrong(secret);
    for (const form of formsOf(secret)) {
      if (form.length === 0 || this.forms.has(form)) continue;
      this.forms.set(form, strong || isStrong(form));
    }
    this.compile();
  }

  /** Every registered secret in every form, replaced by `***`. */
  scrub(text: string): string {
    let out = this.strongPattern ? text.replace(this.strongPattern, '***') : text;
    if (this.weakPattern) out = out.replace(this.weakPattern, (match, before: string) => `${before}***`);
    return out;
  }

  /** Strong secrets only: for text that is mostly xandr-sync's own (see the class comment). */
  scrubStrong(text: string): string {
    return this.strongPattern ? text.replace(this.strongPattern, '***') : text;
  }

  /**
   * Every string in a JSON-like value (a plan, a report), before it is rendered or written: strong secrets
   * only, like the output filter, since most of such a value is xandr-sync's own words.
   */
  scrubStrongDeep<T>(value: T): T {
    if (!this.strongPattern) return value;
    return scrubValue(value, (text) => this.scrubStrong(text)) as T;
  }

  private compile(): void {
    const strong: string[] = [];
    const weak: string[] = [];
    for (const [form, isStrongForm] of this.forms) (isStrongForm ? strong : weak).push(form);
    // Longest first, so that a token containing the password is replaced whole.
    const alternation = (list: string[]) => list.sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
    this.strongPattern = strong.length ? new RegExp(alternation(strong), 'g') : null;
    this.weakPattern = weak.length ? new RegExp(`(^|[^\\p{L}\\p{N}])(?:${alternation(weak)})(?![\\p{L}\\p{N}])`, 'gu') : null;
  }
}

function isStrong(secret: string): boolean {
  return secret.length >= 8 && /[^\p{L}]/u.test(secret);
}

/** The forms a secret takes in other people's text. */
function formsOf(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  const collapsed = secret.replace(/\s+/g, ' ');
  if (collapsed !== secret) forms.push(collapsed, collapsed.trim());
  // Long enough that its base64 is not a fragment of ordinary text.
  if (secret.length >= 6) forms.push(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
  return [...new Set(forms)];
}

function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, scrub)]));
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

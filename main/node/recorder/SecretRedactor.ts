import { hash } from 'node:crypto';

/** Shorter "secrets" would blank out ordinary text (a 2-letter secret matches everywhere); they are refused. */
export const MIN_SECRET_LENGTH = 6;
/**
 * 12 hex digits (48 bits) tell secrets apart in a replay and let an organizer who knows a secret confirm it. The salt
 * is public (meta.json), so a low-entropy secret could be guessed from its digest; declared secrets are API keys.
 */
const DIGEST_HEX = 12;

/**
 * Replaces every occurrence of a declared secret in the strings (values and keys) of record data with
 * `«secret:<first 12 hex of sha256(salt + secret)>»`, before the record is hashed or written. The salt is the
 * attempt's (meta.json), so the same secret gets a different marker in another attempt.
 *
 * What it cannot see alone: a secret split across two records. Terminal output is held back by TerminalRecorder when
 * a batch ends with what may begin a secret (partialSecretAtEnd); input typed one key at a time is not.
 */
export class SecretRedactor {
  private readonly pattern?: RegExp;
  private readonly markers = new Map<string, string>();
  readonly ignored: string[] = [];

  constructor(secrets: readonly string[], salt: string) {
    const kept: string[] = [];
    for (const s of new Set(secrets)) {
      if (s.length < MIN_SECRET_LENGTH) {
        this.ignored.push(s);
        continue;
      }
      kept.push(s);
      this.markers.set(s, `«secret:${hash('sha256', salt + s, 'hex').slice(0, DIGEST_HEX)}»`);
    }
    // Longest first, so a secret that contains another is replaced whole.
    kept.sort((a, b) => b.length - a.length);
    if (kept.length) this.pattern = new RegExp(kept.map(escapeRegExp).join('|'), 'g');
  }

  get active(): boolean {
    return this.pattern !== undefined;
  }

  marker(secret: string): string | undefined {
    return this.markers.get(secret);
  }

  /** data with secrets replaced; the same object when nothing matched (copy on write). */
  redact<T>(data: T): T {
    return this.pattern ? (this.walk(data) as T) : data;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.replace(v);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((item, i) => {
        const r = this.walk(item);
        if (r !== item) (out ??= v.slice())[i] = r;
      });
      return out ?? v;
    }
    let out: Record<string, unknown> | undefined;
    const entries = Object.entries(v as Record<string, unknown>);
    for (const [k, item] of entries) {
      const rk = this.replace(k);
      const r = this.walk(item);
      if (rk !== k || r !== item) out = {};
    }
    if (!out) return v;
    for (const [k, item] of entries) out[this.replace(k)] = this.walk(item);
    return out;
  }

  private replace(s: string): string {
    const re = this.pattern!;
    re.lastIndex = 0;
    return re.test(s) ? s.replace(re, (m) => this.markers.get(m) ?? m) : s;
  }
}

/**
 * How many characters at the end of `text` could be the start of a secret (the longest suffix that is a proper
 * prefix of one): a stream holds them back until the next piece shows whether the secret follows, so a secret split
 * across two pieces is still redacted whole.
 */
export function partialSecretAtEnd(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const from = Math.max(0, text.length - secret.length + 1);
    // The earliest start that matches is this secret's longest candidate.
    for (let i = text.indexOf(secret[0]!, from); i !== -1 && text.length - i > longest; i = text.indexOf(secret[0]!, i + 1)) {
      if (secret.startsWith(text.slice(i))) {
        longest = text.length - i;
        break;
      }
    }
  }
  return longest;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

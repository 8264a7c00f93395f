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
 * What it cannot see: a secret split across two records (a pty output chunk boundary, or typed one key at a time).
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

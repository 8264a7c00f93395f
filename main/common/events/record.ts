/**
 * The trajectory's record and checkpoint shapes (DESIGN.md "The trajectory"). The byte-level rules (what `prev`
 * hashes, what a checkpoint signs) are in README.md beside this file.
 */

/** Who produced a record. A record's kind always starts with its src and a dot (`pty.output`). */
export const EVENT_SOURCES = ['pty', 'editor', 'app', 'fs', 'os', 'scorer', 'agent'] as const;
export type EventSrc = (typeof EVENT_SOURCES)[number];

/** Names the file formats below; a reader refuses a log whose meta names another. */
export const EVENTS_FORMAT = 'redesk-events/1';

/** Domain separator inside every signed checkpoint, so a checkpoint signature can never pass for another message. */
export const CHECKPOINT_NAMESPACE = 'redesk-checkpoint/1';

export interface EventRecord<D extends object = Record<string, unknown>> {
  /** 0, 1, 2, … with no gaps across segments. */
  seq: number;
  /** Milliseconds of attempt time (monotonic, paused spans excluded); never decreases along the log. */
  t: number;
  /** Wall clock as an ISO 8601 string; for people, never for ordering. */
  wall: string;
  src: EventSrc;
  kind: string;
  data: D;
  /** Hex SHA-256 of the previous record's line bytes (no newline); for seq 0, the genesis hash of meta.json. */
  prev: string;
}

/** One line of events/checkpoints.jsonl. */
export interface Checkpoint {
  /** The last record this checkpoint covers. */
  seq: number;
  /** Hex SHA-256 of that record's line bytes. */
  head: string;
  /** That record's attempt time. */
  t: number;
  /** When the checkpoint was signed. */
  wall: string;
  /** Base64 Ed25519 signature over checkpointSigningBytes(). */
  sig: string;
}

/** events/meta.json: written once, before the first record. */
export interface EventsMeta {
  format: typeof EVENTS_FORMAT;
  attempt: string;
  /** Hex salt for secret digests; per attempt so that a digest cannot be looked up across attempts. */
  salt: string;
  /** The checkpoint key, OpenSSH form without a comment: `ssh-ed25519 AAAA…`. */
  publicKey: string;
  created: string;
}

/** The part of meta.json that seq 0's prev commits to (its canonical JSON, SHA-256). */
export function genesisHeader(meta: EventsMeta): Record<string, string> {
  return { format: meta.format, attempt: meta.attempt, salt: meta.salt, publicKey: meta.publicKey };
}

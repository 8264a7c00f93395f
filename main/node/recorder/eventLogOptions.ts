import type { Clock, Logger } from '../../common/clock';
import type { RedeskErrorData } from '../../common/errors';
import type { KnownKind, KnownKindData } from '../../common/events/kinds';
import type { Ed25519KeyPair } from '../keys/keyStore';
import type { LogFs } from './logFs';

export interface EventLogTuning {
  /** Group commit: buffered records are written and fdatasynced at least this often (DESIGN.md: 250 ms). */
  commitIntervalMs: number;
  /** Signed checkpoints this often while records arrive; bounds how much undetected truncation is possible. */
  checkpointIntervalMs: number;
  /** A segment is closed once a batch would take it past this; reopening reads about one segment. */
  segmentMaxBytes: number;
  /** Retry a failed write after this, doubling up to retryMaxMs: a full disk is not fixed in milliseconds. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_TUNING: EventLogTuning = {
  commitIntervalMs: 250,
  checkpointIntervalMs: 5_000,
  segmentMaxBytes: 16 * 1024 * 1024,
  retryBaseMs: 250,
  retryMaxMs: 10_000,
};

export interface EventLogOptions {
  attemptDir: string;
  attemptId: string;
  /** Signs the checkpoints; its public key goes into events/meta.json. */
  key: Ed25519KeyPair;
  clock: Clock;
  logger: Logger;
  /** Strings replaced by a salted digest wherever they appear in record data (API keys the environment hands out). */
  secrets?: readonly string[];
  fs?: LogFs;
  /** Attempt time at reopening, for the app.recovered record; the last record's t when not given. */
  resumeT?: number;
  /**
   * When the writer was last known alive (the attempt clock's last heartbeat), if later than the last record: an
   * idle expert writes no records, so the gap app.recovered reports counts from the later of the two.
   */
  lastAliveWallMs?: number;
  tuning?: Partial<EventLogTuning>;
}

export interface WriteErrorInfo extends RedeskErrorData {
  /** Records kept in memory, waiting for the disk. */
  pendingRecords: number;
  retryInMs: number;
}

/** What reopening found, after a crash or a clean close. */
export interface RecoveryInfo {
  lastSeq: number;
  lastT: number;
  gapWallMs: number;
  droppedTornBytes: number;
  droppedTornCheckpointBytes: number;
  /** The last writer closed the log cleanly at lastSeq (no crash or kill in between). */
  clean: boolean;
}

/** Data for append: a known kind's shape, or any JSON object. */
export type EventData<K extends string> = K extends KnownKind ? KnownKindData[K] : Record<string, unknown>;

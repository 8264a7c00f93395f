import type { EmitFn } from '../../common/api';
import type { PreflightReport } from '../../common/attempt';
import type { Clock, Logger } from '../../common/clock';
import type { EnvSource, LoadedEnv, Scorer } from '../contracts';
import type { AppendOptions } from '../store/jsonLines';
import type { AttemptRecorderOptions } from './AttemptRecorder';

/** What an AttemptService is built from: its folder, its collaborators, and the seams tests use. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface AttemptServiceOptions {
  dataDir: string;
  envs: EnvSource;
  scorer: Scorer;
  clock: Clock;
  logger: Logger;
  emit: EmitFn;
  /** held: a resident host (app, browser mode) heartbeats the clocks. free: one-shot CLI commands, no timers. */
  mode: 'held' | 'free';
  preflight?: (env: LoadedEnv) => Promise<PreflightReport>;
  /** Heartbeat period in held mode: a killed host loses at most this much attempt time. */
  tickMs?: number;
  /** Tests pass timers that never fire and call tick() themselves. */
  timers?: Timers;
  /** Test seam for the score log's writes (a full disk). */
  appendOpts?: AppendOptions;
  /** The app's version, recorded in app.start. */
  appVersion?: string;
  /** Where the values of an env's secrets come from: the host's environment. */
  hostEnv?: Record<string, string | undefined>;
  /** Runs before the final scoring: the host closes the attempt's terminals so nothing writes while it is sealed. */
  beforeFinalize?: (attemptId: string) => Promise<void>;
  /** Seal each scored attempt into its signed bundle (default true). */
  seal?: boolean;
  /** Trajectory settings and test seams (key protection, group-commit timing, status throttling). */
  recorder?: Pick<AttemptRecorderOptions, 'keyProtector' | 'tuning' | 'statusIntervalMs' | 'statusTimers'>;
}

export const DEFAULT_TICK_MS = 500;
export const defaultTimers: Timers = {
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    // The host's server keeps the process alive; the heartbeat alone must not.
    h.unref?.();
    return h;
  },
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};


/**
 * Seams between the Node services, so each can be built and tested alone and composed in services.ts.
 */
import type { EnvSpec } from '../common/envSchema';
import type { ErrorCode } from '../common/errors';

/** An environment folder, validated, with the chosen variant applied. */
export interface LoadedEnv {
  /** The spec after the variant's overrides. */
  spec: EnvSpec;
  variant: string;
  /** Absolute path of the environment folder. */
  dir: string;
  /** sha256 over env.json, instructions, starter and scorer files (sorted paths + contents). */
  envHash: string;
  /** sha256 over the scorer argv and every scorer file (scorer.files plus files named in argv that exist). */
  scorerHash: string;
  instructionsMarkdown: string;
}

export interface ScorerResult {
  score: number | null;
  message: string;
  details: Record<string, unknown>;
  durationMs: number;
  /** Set when score is null because the scorer failed rather than judged the output invalid. */
  errorCode?: ErrorCode;
  /** For baseline "calibrated" environments: the start and reference scores measured on this machine. */
  baseline?: { start: number; reference: number };
}

export interface ScorerRunOptions {
  env: LoadedEnv;
  /** The attempt's workspace (copied first when scorer.workspaceView is "copy"). */
  workspaceDir: string;
  /** Per-attempt folder the scorer may keep state in (calibration); outside the workspace. */
  cacheDir: string;
  /** Scratch folder for this run (the workspace copy goes here); removed afterwards. */
  scratchDir: string;
  signal?: AbortSignal;
  /** The scoring that follows submit or expiry (REDESK_SCORE_FINAL=1 for the scorer). */
  final?: boolean;
  /** The scorer hash the attempt started with: a scorer whose files differ now is not run (SCORER_TAMPERED). */
  expectedScorerHash?: string;
}

export interface Scorer {
  run(opts: ScorerRunOptions): Promise<ScorerResult>;
  /** Readies a new attempt's workspace after the starter is copied (a task-standard family's install and start). */
  prepare?(opts: Omit<ScorerRunOptions, 'scratchDir'>): Promise<void>;
}

export interface PtyCreate {
  cwd: string;
  cols: number;
  rows: number;
  env?: Record<string, string>;
  /** Owner, so an attempt's terminals can be closed together. */
  attemptId: string;
}

/** Terminals, served by a separate host process (child process headless, utility process under Electron). */
export interface PtyService {
  create(opts: PtyCreate): Promise<string>;
  input(ptyId: string, data: string): void;
  resize(ptyId: string, cols: number, rows: number): void;
  /** Characters the client has rendered; output resumes when unacknowledged output falls below the low watermark. */
  ack(ptyId: string, chars: number): void;
  kill(ptyId: string): void;
  killAttempt(attemptId: string): void;
  has(ptyId: string): boolean;
  onData(listener: (ptyId: string, data: string) => void): () => void;
  onExit(listener: (ptyId: string, exitCode: number, signal?: number) => void): () => void;
  dispose(): Promise<void>;
}

/** How the pty host process is started: child_process.fork headless, utilityProcess.fork under Electron. */
export interface HostProcess {
  send(msg: unknown): void;
  onMessage(listener: (msg: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
  readonly pid: number | undefined;
}
export type HostSpawner = (entry: string) => HostProcess;

export interface EnvLoadOptions {
  /** 'none' leaves assets to the caller (attempt start: the preflight lists every missing one); default 'hash'. */
  assets?: 'hash' | 'none';
}

/** Where environments come from (envs/ folders, imported packs). */
export interface EnvSource {
  list(): Promise<import('../common/api').EnvSummary[]>;
  get(envId: string): Promise<import('../common/api').EnvDetail>;
  /** Validated env with the variant applied; throws RedeskError ENV_NOT_FOUND / ENV_INVALID / ENV_ASSET_*. */
  load(envId: string, variant?: string, opts?: EnvLoadOptions): Promise<LoadedEnv>;
}

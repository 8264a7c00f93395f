/**
 * The API contract: one interface, served in-process (CLI), over Electron IPC (preload) and over the browser-mode
 * WebSocket (main/cli/serve). The renderer's api client is the only code that calls it from the UI.
 */
import type { AttemptInfo, AttemptSummary, PreflightReport, ScoreRow } from './attempt';

export interface EnvSummary {
  id: string;
  version: string;
  title: string;
  dir: string;
  timeLimitMinutes: number;
  variants: string[];
  defaultVariant: string;
  hardware: { gpus: number; gpuMemoryGiB: number; cpus: number; ramGiB: number; diskGiB: number };
  /** Present when the folder did not load: the error, with the field it names. */
  error?: { code: string; message: string; issues?: string[] };
}

export interface EnvDetail extends EnvSummary {
  instructionsMarkdown: string;
  envHash: string;
}

export interface FileEntry {
  /** Path relative to the workspace, '/' separated. */
  path: string;
  kind: 'file' | 'dir';
  size: number;
  mtimeMs: number;
}

export interface FileContent {
  path: string;
  content: string;
  sha256: string;
  mtimeMs: number;
}

export interface StartOptions {
  variant?: string;
}

export interface PtyCreateOptions {
  cols: number;
  rows: number;
}

/** Request/response methods. Every method is async and takes and returns JSON. */
export interface RedeskApi {
  appInfo(): Promise<{ version: string; dataDir: string; mode: 'electron' | 'browser' | 'cli' }>;

  envList(): Promise<EnvSummary[]>;
  envGet(envId: string): Promise<EnvDetail>;
  preflight(envId: string, variant?: string): Promise<PreflightReport>;

  attemptList(): Promise<AttemptSummary[]>;
  attemptStart(envId: string, opts?: StartOptions): Promise<AttemptInfo>;
  attemptStatus(attemptId: string): Promise<AttemptInfo>;
  attemptPause(attemptId: string, reason: string): Promise<AttemptInfo>;
  attemptResume(attemptId: string): Promise<AttemptInfo>;
  attemptScore(attemptId: string): Promise<ScoreRow>;
  attemptSubmit(attemptId: string): Promise<AttemptInfo>;

  fsList(attemptId: string): Promise<FileEntry[]>;
  fsRead(attemptId: string, path: string): Promise<FileContent>;
  fsWrite(attemptId: string, path: string, content: string): Promise<{ sha256: string; size: number; mtimeMs: number }>;

  ptyCreate(attemptId: string, opts: PtyCreateOptions): Promise<{ ptyId: string }>;
  ptyInput(ptyId: string, data: string): Promise<void>;
  ptyResize(ptyId: string, cols: number, rows: number): Promise<void>;
  /** The renderer acknowledges characters it has written to xterm (flow control). */
  ptyAck(ptyId: string, chars: number): Promise<void>;
  ptyKill(ptyId: string): Promise<void>;
}

export type ApiMethod = keyof RedeskApi;

/** Every method name, for validating requests at the transport. */
export const API_METHODS: readonly ApiMethod[] = [
  'appInfo',
  'envList',
  'envGet',
  'preflight',
  'attemptList',
  'attemptStart',
  'attemptStatus',
  'attemptPause',
  'attemptResume',
  'attemptScore',
  'attemptSubmit',
  'fsList',
  'fsRead',
  'fsWrite',
  'ptyCreate',
  'ptyInput',
  'ptyResize',
  'ptyAck',
  'ptyKill',
] as const;

/** Events pushed from the services to every connected client. */
export interface ApiEvents {
  'pty.data': { ptyId: string; data: string };
  'pty.exit': { ptyId: string; exitCode: number; signal?: number };
  'attempt.changed': AttemptInfo;
  'attempt.warning': { attemptId: string; minutesLeft: number };
  'fs.changed': { attemptId: string; path: string; kind: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir' };
}

export type ApiEventName = keyof ApiEvents;

export const API_EVENTS: readonly ApiEventName[] = [
  'pty.data',
  'pty.exit',
  'attempt.changed',
  'attempt.warning',
  'fs.changed',
] as const;

/** Wire messages (WebSocket and IPC share the shapes). */
export type WireRequest = { t: 'req'; id: number; method: ApiMethod; args: unknown[] };
export type WireResponse =
  | { t: 'res'; id: number; ok: true; value: unknown }
  | { t: 'res'; id: number; ok: false; error: import('./errors').RedeskErrorData };
export type WireEvent = { t: 'evt'; name: ApiEventName; payload: unknown };
export type WireMessage = WireRequest | WireResponse | WireEvent;

/** A sink for events; services take one in their constructor. */
export type EmitFn = <K extends ApiEventName>(name: K, payload: ApiEvents[K]) => void;

/**
 * The API contract: one interface, served in-process (CLI), over Electron IPC (preload) and over the browser-mode
 * WebSocket (main/cli/serve). The renderer's api client is the only code that calls it from the UI.
 */
import type { AttemptInfo, AttemptSummary, PreflightReport, ScoreRow } from './attempt';
import type { EventRecord } from './events/record';
import type {
  AttentionResult,
  ExplainRequest,
  ExplainResult,
  ModelSummary,
  PatchProgress,
  ProviderInfo,
  SweepRequest,
  SweepResult,
  TokenizedText,
} from './patching/types';
import type { ReviewAction, ReviewView } from './review';

export interface EnvSummary {
  id: string;
  version: string;
  title: string;
  dir: string;
  timeLimitMinutes: number;
  variants: string[];
  defaultVariant: string;
  hardware: { gpus: number; gpuMemoryGiB: number; cpus: number; ramGiB: number; diskGiB: number };
  /** Each variant with what it needs (its overrides applied). */
  variantDetails?: EnvVariantSummary[];
  /** Present when the folder did not load: the error, with the field it names. */
  error?: { code: string; message: string; issues?: string[] };
}

export interface EnvVariantSummary {
  name: string;
  description?: string;
  timeLimitMinutes: number;
  hardware: EnvSummary['hardware'];
  pythonPackages: string[];
  /** How many asset files the variant needs (models, data sets), supplied by the organizer. */
  assets: number;
}

export interface EnvImportOptions {
  /** Replace an installed environment of the same id. */
  replace?: boolean;
  /** The organizers trusted to sign packs; default <dataDir>/allowed_signers. */
  allowedSigners?: string;
}

/** The installed environment, with what the import found out. */
export interface EnvImportResult extends EnvSummary {
  signer: { fingerprint: string; principals: string[] };
  /** Assets the organizer hands out separately: put them in place before a full attempt. */
  separateAssets: string[];
  replaced: boolean;
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
  /** Path of an organizer's ticket.json (its signature beside it as ticket.json.sig); none: a practice attempt. */
  ticket?: string;
  /** Start although GPUs, Python packages or assets are missing (never when an asset's hash is wrong). */
  force?: boolean;
  /** Marks an attempt made by an AI agent (`redesk agent run`): its declared name and model. */
  agent?: { name: string; model?: string; version?: string };
  /** A time limit shorter than the environment's (or the ticket's), in minutes; never a longer one. */
  timeLimitMinutes?: number;
}

export interface PtyCreateOptions {
  cols: number;
  rows: number;
  /** Who opens it (default the expert's page); an agent's shell is not reattached to the expert's page. */
  owner?: 'user' | 'agent';
}

/** A live terminal of an attempt and its recent output, for a page that lost it (a reload) to show it again. */
export interface PtyAttachment {
  ptyId: string;
  cols: number;
  rows: number;
  owner: 'user' | 'agent';
  /** The last output, up to 256 KiB, starting at a line when older output was dropped. */
  backlog: string;
}

/**
 * A record the renderer makes (editor, focus, paste, idle, notes). The host stamps seq, t, wall and prev, redacts
 * secrets and writes it; `kind` starts with `src.` as every record's does.
 */
export interface ClientEvent {
  src: 'editor' | 'app';
  kind: string;
  data: Record<string, unknown>;
}

/** The trajectory's state for the "saved" indicator: what is on disk, not what is in memory. */
export interface LogStatus {
  attemptId: string;
  lastSeq: number;
  durableSeq: number;
  checkpointSeq: number;
  /** Set while the disk refuses writes (DISK_FULL): the tail is kept in memory and retried. */
  writeError?: { code: string; message: string; pendingRecords: number };
}

/** What the app records, shown to the expert before an attempt starts. */
export interface RecordingPolicy {
  recorded: { what: string; detail: string }[];
  notRecorded: string[];
  /** Names of the secrets the environment hands out; their values are replaced by salted digests. */
  secrets: string[];
}

/** A trajectory opened for replay. */
export interface ReplayInfo {
  replayId: string;
  attemptId: string;
  envId: string;
  durationMs: number;
  records: number;
  terminals: { ptyId: string; cols: number; rows: number; firstT: number }[];
  files: string[];
  /** Timeline markers: scores, pauses, pastes, focus losses, idle spans, notes, recoveries, submit. */
  markers: { t: number; kind: string; label: string; endT?: number }[];
  /** Score-over-time points for the scrubber's chart. */
  scores: { t: number; score: number | null; normalized: number | null }[];
  verify: { ok: boolean; message: string };
  /** The .redesk file when a bundle is replayed (verify is then the whole bundle's verification). */
  bundle?: string;
}

/** The state at one moment: enough to paint every pane without replaying from the start. */
export interface ReplayFrame {
  t: number;
  /** Each terminal's screen and scrollback, serialized (xterm escape sequences), to write into a fresh xterm. */
  terminals: { ptyId: string; cols: number; rows: number; serialized: string }[];
  /** Every file the editor or the file watcher knew, with its content at t where it is known. */
  files: { path: string; content: string | null; sha256?: string }[];
  activeFile?: string;
  /** Keys typed in the last few seconds before t, for the overlay. */
  recentKeys: { t: number; text: string }[];
}

export interface ReplayHit {
  t: number;
  seq: number;
  where: 'terminal-output' | 'terminal-input' | 'editor';
  ptyId?: string;
  path?: string;
  excerpt: string;
}

/** A bundle as the Bundles view lists it: the verification verdict and what its manifest says. */
export interface BundleListing {
  file: string;
  ok: boolean;
  /** The first failure's stable code; null when the bundle verified. */
  code: string | null;
  message: string;
  warnings: string[];
  signer?: string;
  attempt?: string;
  envId?: string;
  envVersion?: string;
  envTitle?: string;
  group?: 'human' | 'agent';
  agent?: string;
  ticket?: string | null;
  final: number | null;
  normalized: number | null;
}

export interface BundlesScan {
  /** The folder or file scanned, absolute. */
  path: string;
  /** The allowed_signers file signers were checked against; absent: any signer was accepted and named. */
  allowedSigners?: string;
  bundles: BundleListing[];
}

/** The headline of an aggregate report (summary.json holds the rest). */
export interface BundlesReportSummary {
  bundles: { total: number; counted: number; failed: number; duplicates: number; invalidated: number };
  groups: { group: 'human' | 'agent'; runs: number; environments: number; meanNormalized: number; lo: number; hi: number }[];
  failures: { file: string; code: string; message: string }[];
}

export interface BundlesReport {
  outDir: string;
  files: { html: string; csv: string; json: string };
  allowedSigners: string;
  summary: BundlesReportSummary;
}

/** Request/response methods. Every method is async and takes and returns JSON. */
export interface RedeskApi {
  appInfo(): Promise<{ version: string; dataDir: string; mode: 'electron' | 'browser' | 'cli' }>;

  envList(): Promise<EnvSummary[]>;
  envGet(envId: string): Promise<EnvDetail>;
  preflight(envId: string, variant?: string): Promise<PreflightReport>;
  /** Verifies a signed environment pack (a path on the host) and installs it under <dataDir>/envs. */
  envImport(path: string, opts?: EnvImportOptions): Promise<EnvImportResult>;

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
  /**
   * The attempt's terminals that are still running, with their recent output, for a page that lost them (a reload).
   * Their flow control restarts for the new page: output the old page never acknowledged no longer holds them back.
   */
  ptyReattach(attemptId: string): Promise<PtyAttachment[]>;

  /** What will be recorded for this environment (shown before Start). */
  recordingPolicy(envId: string): Promise<RecordingPolicy>;
  /** Renderer-side records (editor changes, focus, pastes, idle, notes), batched. */
  recordEvents(attemptId: string, events: ClientEvent[]): Promise<LogStatus>;
  logStatus(attemptId: string): Promise<LogStatus>;
  /** The live record, for the panel that shows it during the attempt. */
  logTail(attemptId: string, opts?: { afterSeq?: number; limit?: number }): Promise<EventRecord[]>;
  /** A record an agent's MCP server makes (src `agent`, kind `agent.*`); `agent.usage` is summed for cost views. */
  agentRecord(attemptId: string, kind: string, data: Record<string, unknown>): Promise<void>;

  /** Opens an attempt (by id or folder path) for replay. */
  replayOpen(source: string): Promise<ReplayInfo>;
  replayFrame(replayId: string, t: number): Promise<ReplayFrame>;
  /** Records in [fromT, toT), for playing forward from a frame. */
  replayRange(replayId: string, fromT: number, toT: number, limit?: number): Promise<EventRecord[]>;
  replaySearch(replayId: string, query: string, opts?: { regex?: boolean; limit?: number }): Promise<ReplayHit[]>;
  replayClose(replayId: string): Promise<void>;

  /**
   * Verifies a bundle, or every .redesk in a folder on the host machine, and lists them. Signers are checked against
   * allowed_signers in that folder or in the data folder, when there is one.
   */
  bundlesScan(path: string): Promise<BundlesScan>;
  /** Aggregates a folder of bundles into `<folder>/report/` (report.html, attempts.csv, summary.json). */
  bundlesReport(path: string, opts?: { allowedSigners?: string }): Promise<BundlesReport>;
  /**
   * Trusts the expert key that signed `bundleFile` under a principal name: appends it (namespace redesk-bundle) to
   * the allowed_signers the folder is checked against (created beside the bundles when there is none), then scans
   * the folder again.
   */
  bundlesAcceptSigner(path: string, bundleFile: string, principal: string): Promise<BundlesScan>;

  // Path-patching explorer (main/node/patching). Long runs emit 'patch.progress' and stop on patchCancel.
  modelList(): Promise<ModelSummary[]>;
  modelTokenize(modelId: string, text: string): Promise<TokenizedText>;
  patchSweep(req: SweepRequest): Promise<SweepResult>;
  patchExplain(req: ExplainRequest): Promise<ExplainResult>;
  patchAttention(modelId: string, text: string): Promise<AttentionResult>;
  patchCancel(jobId: string): Promise<void>;
  /** Each execution provider, and whether it can run here (why not, when not). */
  patchProviders(): Promise<ProviderInfo[]>;

  // Blind review of a folder of bundles (main/node/review): records go to <folder>/review.jsonl, signed with this
  // host's organizer key. reviewList with reveal is refused (REVIEW_NOT_REVEALED) until a reveal is recorded.
  reviewList(path: string, opts?: { reveal?: boolean }): Promise<ReviewView>;
  /** Records one action and returns the listing after it (revealed once anyone has revealed). */
  reviewRecord(path: string, action: ReviewAction): Promise<ReviewView>;
  /** Makes this host's organizer (judge) key if there is none; returns its fingerprint. */
  reviewKeyCreate(): Promise<{ fingerprint: string }>;
}

export type ApiMethod = keyof RedeskApi;

/** Every method name, for validating requests at the transport. */
export const API_METHODS: readonly ApiMethod[] = [
  'appInfo',
  'envList',
  'envGet',
  'preflight',
  'envImport',
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
  'ptyReattach',
  'recordingPolicy',
  'recordEvents',
  'logStatus',
  'logTail',
  'agentRecord',
  'replayOpen',
  'replayFrame',
  'replayRange',
  'replaySearch',
  'replayClose',
  'bundlesScan',
  'bundlesReport',
  'bundlesAcceptSigner',
  'modelList',
  'modelTokenize',
  'patchSweep',
  'patchExplain',
  'patchAttention',
  'patchCancel',
  'patchProviders',
  'reviewList',
  'reviewRecord',
  'reviewKeyCreate',
] as const;

/** Events pushed from the services to every connected client. */
export interface ApiEvents {
  'pty.data': { ptyId: string; data: string };
  'pty.exit': { ptyId: string; exitCode: number; signal?: number };
  'attempt.changed': AttemptInfo;
  'attempt.warning': { attemptId: string; minutesLeft: number };
  'fs.changed': { attemptId: string; path: string; kind: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir' };
  /** The trajectory's durable position moved (throttled to a few per second) or the disk began or stopped failing. */
  'log.status': LogStatus;
  'patch.progress': PatchProgress;
}

export type ApiEventName = keyof ApiEvents;

export const API_EVENTS: readonly ApiEventName[] = [
  'pty.data',
  'pty.exit',
  'attempt.changed',
  'attempt.warning',
  'fs.changed',
  'log.status',
  'patch.progress',
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

import { createHash } from 'node:crypto';
import type { FileEntry } from '../../common/api';
import type { AttemptInfo, ScoreRow } from '../../common/attempt';
import type { Logger } from '../../common/clock';
import { RedeskError, toErrorData } from '../../common/errors';
import type { AgentHost } from './agentHost';
import { AgentShell, type ShellResult } from './AgentShell';

export interface AgentLimits {
  /** Output a `bash` call returns (head and tail, the middle elided), and what `read_file` returns. */
  maxOutputChars: number;
  /** All a single `bash` command may print (recorded in full) before it is stopped. */
  maxCallOutputChars: number;
  defaultTimeoutS: number;
  maxTimeoutS: number;
  /** Largest file `write_file` writes. */
  maxWriteBytes: number;
  maxNoteChars: number;
  maxListEntries: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = {
  maxOutputChars: 64 * 1024,
  maxCallOutputChars: 32 * 1024 * 1024,
  defaultTimeoutS: 120,
  maxTimeoutS: 30 * 60,
  maxWriteBytes: 1024 * 1024,
  maxNoteChars: 8 * 1024,
  maxListEntries: 5_000,
};

/** Strings longer than this go into the trajectory's agent records as size + hash (the terminal has the bytes). */
const RECORD_STRING_CHARS = 2_048;

export interface AgentSessionOptions {
  host: AgentHost;
  attemptId: string;
  logger: Logger;
  limits?: Partial<AgentLimits>;
}

export interface BashResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  elidedChars: number;
  flooded?: boolean;
  note?: string;
}

/**
 * One attempt as an agent sees it: the tools of the MCP server, transport-free. Each call is checked against the
 * attempt's state (refused with AGENT_ATTEMPT_OVER once it is submitted or expired) and recorded in the trajectory
 * as `agent.call` and `agent.result` records (src agent), large strings by size and hash.
 */
export class AgentSession {
  readonly limits: AgentLimits;
  private readonly shell: AgentShell;
  private calls = 0;
  private over?: string;

  constructor(private readonly o: AgentSessionOptions) {
    this.limits = { ...DEFAULT_AGENT_LIMITS, ...o.limits };
    this.shell = new AgentShell({ host: o.host, attemptId: o.attemptId, maxOutputChars: this.limits.maxOutputChars, maxCallChars: this.limits.maxCallOutputChars });
  }

  get attemptId(): string {
    return this.o.attemptId;
  }

  async instructions(): Promise<string> {
    const info = await this.api.attemptStatus(this.o.attemptId);
    return (await this.api.envGet(info.envId)).instructionsMarkdown;
  }

  bash(command: string, timeoutS?: number): Promise<BashResult> {
    return this.call('bash', { command, timeout_s: timeoutS }, async (info) => {
      if (typeof command !== 'string' || !command.trim()) throw new RedeskError('BAD_REQUEST', 'bash needs a command.');
      const asked = timeoutS ?? this.limits.defaultTimeoutS;
      if (!Number.isFinite(asked) || asked <= 0 || asked > this.limits.maxTimeoutS) {
        throw new RedeskError('BAD_REQUEST', `timeout_s must be between 0 and ${this.limits.maxTimeoutS} seconds, got ${asked}.`);
      }
      // No command outlives the attempt: the deadline bounds the timeout (plus a moment for the runner to act).
      const timeoutMs = Math.min(asked * 1000, info.remainingMs + 1_000);
      const r: ShellResult = await this.shell.run(command, Math.max(1, timeoutMs));
      const notes: string[] = [];
      if (r.timedOut) notes.push(`timed out after ${(timeoutMs / 1000).toFixed(1)} s; the command was killed`);
      if (r.elidedChars > 0) notes.push(`output over ${this.limits.maxOutputChars} characters: ${r.elidedChars} characters from the middle were left out`);
      if (r.restarted) notes.push(r.restarted);
      return { output: r.output, exitCode: r.exitCode, timedOut: r.timedOut, elidedChars: r.elidedChars, ...(r.flooded ? { flooded: true } : {}), ...(notes.length ? { note: notes.join('; ') } : {}) };
    });
  }

  readFile(path: string): Promise<{ path: string; content: string; size: number; truncated: boolean }> {
    return this.call('read_file', { path }, async () => {
      const f = await this.api.fsRead(this.o.attemptId, path);
      const truncated = f.content.length > this.limits.maxOutputChars;
      const content = truncated ? f.content.slice(0, this.limits.maxOutputChars) : f.content;
      return { path: f.path, content, size: Buffer.byteLength(f.content), truncated };
    });
  }

  writeFile(path: string, content: string): Promise<{ path: string; size: number; sha256: string }> {
    return this.call('write_file', { path, content }, async () => {
      if (typeof content !== 'string') throw new RedeskError('BAD_REQUEST', 'write_file needs content (a string).');
      const bytes = Buffer.byteLength(content);
      if (bytes > this.limits.maxWriteBytes) {
        throw new RedeskError('FILE_TOO_LARGE', `${path} would be ${bytes} bytes; write_file writes up to ${this.limits.maxWriteBytes} bytes. Nothing was written.`, {
          hint: 'Write large files in parts with bash, or generate them with a script.',
        });
      }
      const r = await this.api.fsWrite(this.o.attemptId, path, content);
      return { path, size: r.size, sha256: r.sha256 };
    });
  }

  listFiles(): Promise<{ files: Pick<FileEntry, 'path' | 'kind' | 'size'>[]; truncated: boolean }> {
    return this.call('list_files', {}, async () => {
      const all = await this.api.fsList(this.o.attemptId);
      const files = all.slice(0, this.limits.maxListEntries).map((f) => ({ path: f.path, kind: f.kind, size: f.size }));
      return { files, truncated: all.length > files.length };
    });
  }

  score(): Promise<ScoreRow> {
    return this.call('score', {}, () => this.api.attemptScore(this.o.attemptId));
  }

  scoreLog(): Promise<{ scores: ScoreRow[]; direction: 'min' | 'max'; aggregate: 'best' | 'last' }> {
    return this.call('score_log', {}, async (info) => ({ scores: info.scores, direction: info.scoreDirection, aggregate: info.scoreAggregate }));
  }

  timeLeft(): Promise<{ remainingMs: number; elapsedMs: number; timeLimitMs: number; state: string }> {
    return this.call('time_left', {}, async (info) => ({ remainingMs: info.remainingMs, elapsedMs: info.elapsedMs, timeLimitMs: info.timeLimitMs, state: info.state }));
  }

  note(text: string): Promise<{ ok: true }> {
    return this.call('note', { text }, async () => {
      if (typeof text !== 'string' || !text.trim()) throw new RedeskError('BAD_REQUEST', 'note needs text.');
      if (text.length > this.limits.maxNoteChars) throw new RedeskError('BAD_REQUEST', `A note holds up to ${this.limits.maxNoteChars} characters; this one has ${text.length}.`);
      await this.api.agentRecord(this.o.attemptId, 'agent.note', { text });
      return { ok: true as const };
    });
  }

  reportUsage(u: { inputTokens: number; outputTokens: number; model?: string; costUsd?: number }): Promise<{ ok: true }> {
    return this.call('report_usage', u, async () => {
      await this.api.agentRecord(this.o.attemptId, 'agent.usage', { ...u });
      return { ok: true as const };
    });
  }

  /** Submits; the attempt is then scored a last time and sealed (the result record of this call cannot follow). */
  submit(): Promise<{ state: string; finalScore: number | null; normalizedScore: number | null; bundle?: string }> {
    return this.call('submit', {}, async () => {
      const info = await this.api.attemptSubmit(this.o.attemptId);
      this.over = info.state;
      return { state: info.state, finalScore: info.finalScore, normalizedScore: info.normalizedScore, ...(info.bundle ? { bundle: info.bundle.file } : {}) };
    });
  }

  async dispose(): Promise<void> {
    await this.shell.dispose();
  }

  private get api() {
    return this.o.host.api;
  }

  /** Checks the attempt is running, records the call, runs it, records the result (or error). */
  private async call<T>(tool: string, args: Record<string, unknown>, fn: (info: AttemptInfo) => Promise<T>): Promise<T> {
    const info = await this.api.attemptStatus(this.o.attemptId);
    if (info.state !== 'running') {
      if (info.state === 'paused') throw new RedeskError('ATTEMPT_BAD_STATE', `Attempt ${info.id} is paused; tools work again once it is resumed.`);
      this.over = info.state;
      throw new RedeskError('AGENT_ATTEMPT_OVER', `Attempt ${info.id} is ${info.state}: the attempt is over and no more tool calls are taken.`, {
        hint: 'Stop; the final score is taken and the bundle sealed by the runner.',
      });
    }
    const callId = ++this.calls;
    const t0 = performance.now();
    await this.record('agent.call', { callId, tool, args: compact(args) });
    try {
      const result = await fn(info);
      if (!this.over) await this.record('agent.result', { callId, tool, ok: true, durationMs: ms(t0), result: compact(result) });
      return result;
    } catch (e) {
      const error = toErrorData(e);
      if (!this.over) await this.record('agent.result', { callId, tool, ok: false, durationMs: ms(t0), error: { code: error.code, message: error.message } });
      throw e;
    }
  }

  /** A record that cannot be written (the attempt ended meanwhile) never fails the tool call. */
  private async record(kind: string, data: Record<string, unknown>): Promise<void> {
    try {
      await this.api.agentRecord(this.o.attemptId, kind, data);
    } catch (e) {
      this.o.logger.warn(`agent record ${kind} for ${this.o.attemptId} not written: ${(e as Error).message}`);
    }
  }
}

function ms(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

/** Records keep small values as they are; long strings become their length, hash and first characters. */
export function compact(v: unknown): unknown {
  if (typeof v === 'string') {
    if (v.length <= RECORD_STRING_CHARS) return v;
    return { chars: v.length, sha256: createHash('sha256').update(v).digest('hex'), head: v.slice(0, 256) };
  }
  if (Array.isArray(v)) return v.length > 200 ? { items: v.length, head: v.slice(0, 50).map(compact) } : v.map(compact);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = compact(x);
    return out;
  }
  return v;
}

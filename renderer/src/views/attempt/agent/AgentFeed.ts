/**
 * What the app shows of an agent's attempt while it runs (and after): its tool calls and its terminal, read from
 * the attempt's own record (the same records replay uses), so a window that opens the attempt late still sees what
 * happened before. Each poll reads what is new; after a burst larger than one page it jumps to the newest records.
 */
import type { EventRecord } from '../../../../../main/common/events/record';

export interface AgentCall {
  callId: number;
  tool: string;
  /** The argument that says what the call does: the command, the path, the note. */
  detail: string;
  t: number;
  status: 'running' | 'ok' | 'error';
  durationMs?: number;
  error?: string;
  /** For bash: the exit code, or that it timed out. */
  outcome?: string;
}

/** Records read per poll (the host's most). */
export const FEED_PAGE = 2_000;
/** Calls kept in the list. */
const KEEP_CALLS = 500;

type Data = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

function detailOf(tool: string, args: Data): string {
  if (tool === 'bash') return str(args.command);
  if (tool === 'read_file' || tool === 'write_file') return str(args.path);
  if (tool === 'note') return str(args.text);
  if (tool === 'report_usage') return `${str(args.inputTokens)} in, ${str(args.outputTokens)} out`;
  return '';
}

export class AgentFeed {
  private after = -1;
  private readonly byId = new Map<number, AgentCall>();
  calls: AgentCall[] = [];
  private shells = 0;

  constructor(
    private readonly tail: (afterSeq: number, limit: number) => Promise<EventRecord[]>,
    /** Terminal bytes of the agent's shells, in order, as xterm takes them. */
    private readonly onTerminal: (data: string) => void,
  ) {}

  /** Reads what is new; returns whether the call list changed. */
  async poll(): Promise<boolean> {
    let changed = false;
    for (;;) {
      const got = await this.tail(this.after, FEED_PAGE);
      if (got.length === 0) return changed;
      if (this.after >= 0 && got[0]!.seq > this.after + 1) this.onTerminal('\r\n\x1b[2m[… earlier output skipped: too much arrived at once …]\x1b[0m\r\n');
      for (const r of got) changed = this.take(r) || changed;
      this.after = got[got.length - 1]!.seq;
      if (got.length < FEED_PAGE) return changed;
    }
  }

  private take(r: EventRecord): boolean {
    const d = (r.data ?? {}) as Data;
    if (r.kind === 'pty.open') {
      if (this.shells++ > 0) this.onTerminal(`\r\n\x1b[2m[a new shell: ${str(d.ptyId)}]\x1b[0m\r\n`);
      return false;
    }
    if (r.kind === 'pty.output' && typeof d.data === 'string') {
      this.onTerminal(d.data);
      return false;
    }
    if (r.kind === 'agent.call') {
      const tool = str(d.tool);
      const call: AgentCall = { callId: Number(d.callId), tool, detail: detailOf(tool, (d.args ?? {}) as Data), t: r.t, status: 'running' };
      this.byId.set(call.callId, call);
      this.calls = [...this.calls, call].slice(-KEEP_CALLS);
      return true;
    }
    if (r.kind === 'agent.result') {
      const prev = this.byId.get(Number(d.callId));
      if (!prev) return false;
      const result = (d.result ?? {}) as Data;
      const next: AgentCall = {
        ...prev,
        status: d.ok ? 'ok' : 'error',
        ...(typeof d.durationMs === 'number' ? { durationMs: d.durationMs } : {}),
        ...(d.error ? { error: `${str((d.error as Data).code)}: ${str((d.error as Data).message)}` } : {}),
        ...(prev.tool === 'bash' ? { outcome: result.timedOut ? 'timed out' : `exit ${str(result.exitCode)}` } : {}),
      };
      this.byId.set(next.callId, next);
      this.calls = this.calls.map((c) => (c.callId === next.callId ? next : c));
      return true;
    }
    return false;
  }
}

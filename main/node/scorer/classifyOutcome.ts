import type { ScorerResult } from '../contracts';
import { taskStdErrorCode } from '../taskstd/taskStd';
import { baselineOf, parseScorerOutput } from './parseScorerOutput';
import type { BoundedProcessOutcome } from './runBoundedProcess';

export interface ClassifyContext {
  /** The command, for messages. */
  command: string;
  timeoutSeconds: number;
  memoryMiB?: number;
  maxOutputBytes: number;
}

/** What an out-of-memory death looks like from outside: Python's MemoryError, libc's and C++'s wording. */
const OOM_STDERR = /MemoryError|Cannot allocate memory|std::bad_alloc|out of memory/i;
// Kept in messages and details: enough to see the traceback's end, small enough for the score log.
const MESSAGE_TAIL_CHARS = 1500;
const DETAILS_TAIL_CHARS = 4000;

/** A finished scorer process as a result: its verdict when it gave one, else why it gave none. */
export function classifyOutcome(o: BoundedProcessOutcome, ctx: ClassifyContext): Omit<ScorerResult, 'durationMs'> {
  const failure = (errorCode: ScorerResult['errorCode'], message: string, extra: Record<string, unknown> = {}) => ({
    score: null,
    message,
    errorCode,
    details: {
      exitCode: o.exitCode,
      signal: o.exitSignal,
      ...(o.stderrTail ? { stderrTail: o.stderrTail.slice(-DETAILS_TAIL_CHARS) } : {}),
      ...extra,
    },
  });
  const tail = stderrTail(o.stderrTail);

  if (o.spawnError) return failure('SCORER_CRASHED', `Could not start the scorer (${ctx.command}): ${o.spawnError}.`);
  if (o.stoppedFor === 'timeout') {
    return failure('SCORER_TIMEOUT', `The scorer ran longer than its ${ctx.timeoutSeconds} s limit and was stopped.${tail}`);
  }
  if (o.stoppedFor === 'output') {
    return failure(
      'SCORER_OUTPUT_TOO_LARGE',
      `The scorer printed more than ${ctx.maxOutputBytes} bytes on stdout and was stopped.${tail}`,
    );
  }

  const parsed = parseScorerOutput(o.stdout);
  if (parsed.ok) {
    const baseline = baselineOf(parsed.details);
    // The task-standard adapter reports a family's failure (missing method, exception, bad return) this way.
    const errorCode = parsed.score === null ? taskStdErrorCode(parsed.details) : undefined;
    return { score: parsed.score, message: parsed.message, details: parsed.details, ...(baseline ? { baseline } : {}), ...(errorCode ? { errorCode } : {}) };
  }

  // Killed by nobody we know of: the kernel's OOM killer, or a limit. 137 is a shell's way of saying SIGKILL.
  const killed = o.exitSignal === 'SIGKILL' || o.exitCode === 137;
  if (killed || OOM_STDERR.test(o.stderrTail)) {
    const limit = ctx.memoryMiB ? ` (limit ${ctx.memoryMiB} MiB)` : '';
    return failure('SCORER_OUT_OF_MEMORY', `The scorer ran out of memory${limit}.${tail}`);
  }
  if (o.exitCode !== 0) {
    const how = o.exitSignal ? `signal ${o.exitSignal}` : `exit code ${o.exitCode}`;
    return failure('SCORER_CRASHED', `The scorer crashed (${how}) without a result.${tail}`);
  }
  return failure(
    'SCORER_BAD_OUTPUT',
    `The scorer's output is not a result {score, message, details}: ${parsed.reason}.` +
      (parsed.lastLine ? ` Last line: ${JSON.stringify(parsed.lastLine.slice(0, 200))}` : ''),
    { lastLine: parsed.lastLine.slice(0, 1000) },
  );
}

function stderrTail(stderr: string): string {
  const t = stderr.trim();
  if (!t) return '';
  return `\n${t.length > MESSAGE_TAIL_CHARS ? '…' + t.slice(-MESSAGE_TAIL_CHARS) : t}`;
}

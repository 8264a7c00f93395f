import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { EnvSpec } from '../../common/envSchema';
import { ErrorCodes, RedeskError, type ErrorCode } from '../../common/errors';
import { defaultPythonPath, PythonResolver, withPythonPath } from '../envs/resolvePython';
import { runBoundedProcess } from '../scorer/runBoundedProcess';

/**
 * The Node side of the task-standard bridge: runs `python -m redesk_taskstd` (resources/python/redesk_taskstd)
 * for an environment of kind "taskstd". Scoring goes through the ordinary scorer argv; this file covers what
 * happens outside scoring: the instructions (get_instructions) and the attempt start (install, then start).
 */

export interface TaskStdRun {
  python: string;
  /** Folders put first on PYTHONPATH (resources/python). */
  pythonPath: string[];
  signal?: AbortSignal;
}

const MODULE = 'redesk_taskstd';
const INSTRUCTIONS_TIMEOUT_MS = 60_000;
// install() may download and build: the standard gives it no limit; an hour is generous for a local run.
const START_TIMEOUT_MS = 60 * 60_000;
const KILL_GRACE_MS = 2_000;

/** Shared by the loads of every taskstd environment: the interpreter chosen per package list. */
const sharedResolver = new PythonResolver();
const instructionsCache = new Map<string, Promise<string>>();

function familyDir(dir: string, spec: EnvSpec): string {
  if (spec.kind !== 'taskstd' || !spec.taskstd) throw new RedeskError('INTERNAL', `${spec.id} is not a task-standard environment`);
  return resolve(dir, spec.taskstd.family);
}

/** The interpreter for this env's packages, and the kit on PYTHONPATH: what the scorer itself gets. */
export async function defaultTaskStdRun(spec: EnvSpec): Promise<TaskStdRun> {
  return { python: (await sharedResolver.resolve(spec.software.pythonPackages)).python, pythonPath: defaultPythonPath() };
}

/** get_instructions(get_tasks()[task]), once per environment contents (envHash) and task. */
export function taskStdInstructions(dir: string, spec: EnvSpec, envHash: string, run?: TaskStdRun): Promise<string> {
  const key = `${resolve(dir)}\0${spec.taskstd?.task}\0${envHash}`;
  let hit = instructionsCache.get(key);
  if (!hit) {
    hit = (async () => {
      const r = await runAdapter(run ?? (await defaultTaskStdRun(spec)), ['instructions', '--family', familyDir(dir, spec), '--task', spec.taskstd!.task], dir, INSTRUCTIONS_TIMEOUT_MS);
      if (typeof r.instructions !== 'string') throw new RedeskError('TASKSTD_BAD_RETURN', 'redesk_taskstd printed no instructions.');
      return r.instructions;
    })();
    instructionsCache.set(key, hit);
    hit.catch(() => instructionsCache.delete(key));
  }
  return hit;
}

/**
 * A new attempt's workspace, readied by the family: install() once per machine and environment contents (a marker
 * under `installDir`, named by the family folder and envHash), then start(t) with the workspace as working directory
 * and HOME. Throws the adapter's TASKSTD_* code.
 */
export async function startTaskStd(o: { dir: string; spec: EnvSpec; envHash: string; workspaceDir: string; installDir: string; run: TaskStdRun }): Promise<void> {
  const family = familyDir(o.dir, o.spec);
  const marker = join(o.installDir, `${o.spec.id}-${createHash('sha256').update(`${family}\0${o.envHash}`).digest('hex').slice(0, 16)}.installed`);
  await runAdapter(o.run, ['start', '--family', family, '--task', o.spec.taskstd!.task, '--workspace', resolve(o.workspaceDir), '--install-marker', marker], o.dir, START_TIMEOUT_MS);
}

/** What the adapter's `score` reads (the variant applied): family folder, task and submission file. */
export function taskStdEnv(dir: string, spec: EnvSpec): Record<string, string> {
  if (spec.kind !== 'taskstd' || !spec.taskstd) return {};
  return { REDESK_TASKSTD_FAMILY: familyDir(dir, spec), REDESK_TASKSTD_TASK: spec.taskstd.task, REDESK_TASKSTD_SUBMISSION: spec.taskstd.submissionFile };
}

const TASKSTD_CODES = new Set<string>(ErrorCodes.filter((c) => c.startsWith('TASKSTD_')));

/** A scorer's details.errorCode, when it is one of the bridge's codes (the adapter reports failures that way). */
export function taskStdErrorCode(details: Record<string, unknown>): ErrorCode | undefined {
  const code = details.errorCode;
  return typeof code === 'string' && TASKSTD_CODES.has(code) ? (code as ErrorCode) : undefined;
}

async function runAdapter(run: TaskStdRun, args: string[], cwd: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const outcome = await runBoundedProcess({
    argv: [run.python, '-m', MODULE, ...args],
    cwd,
    env: { ...process.env, PYTHONPATH: withPythonPath(run.pythonPath, process.env.PYTHONPATH), PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    timeoutMs,
    maxStdoutBytes: 8 * 1024 * 1024,
    stderrTailBytes: 8 * 1024,
    killGraceMs: KILL_GRACE_MS,
    ...(run.signal ? { signal: run.signal } : {}),
  });
  const what = `redesk_taskstd ${args[0]}`;
  if (outcome.spawnError) throw new RedeskError('TASKSTD_FAILED', `Could not run ${run.python} for ${what}: ${outcome.spawnError}.`);
  if (outcome.stoppedFor) throw new RedeskError('TASKSTD_FAILED', `${what} was stopped (${outcome.stoppedFor}).${tail(outcome.stderrTail)}`);
  const last = outcome.stdout.trim().split('\n').pop() ?? '';
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(last) as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object') {
    throw new RedeskError('TASKSTD_FAILED', `${what} gave no result (exit code ${outcome.exitCode}).${tail(outcome.stderrTail)}`, {
      hint: outcome.stderrTail.includes(`No module named ${MODULE}`) ? 'resources/python is not on PYTHONPATH.' : undefined,
    });
  }
  if (parsed.ok !== true) {
    const code = typeof parsed.errorCode === 'string' && TASKSTD_CODES.has(parsed.errorCode) ? (parsed.errorCode as ErrorCode) : 'TASKSTD_FAILED';
    throw new RedeskError(code, `The task family failed in ${args[0]}: ${String(parsed.message ?? 'no message')}`, {
      hint: 'Fix the task family (its stderr is in the log), or check that install() can run on this machine.',
    });
  }
  return parsed;
}

function tail(stderr: string): string {
  const t = stderr.trim();
  return t ? `\n${t.slice(-1500)}` : '';
}

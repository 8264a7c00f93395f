import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptSummary, ScoreRow } from '../../common/attempt';
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { atomicWrite } from '../store/atomicWrite';
import { appendLine, readJsonLines, type AppendOptions } from '../store/jsonLines';
import { ATTEMPT_ID_RE, AttemptFileSchema, type AttemptFile } from './attemptState';

export interface AttemptPaths {
  dir: string;
  state: string;
  workspace: string;
  scores: string;
  /** The scorer's calibration cache: outside the workspace, kept for the whole attempt. */
  cache: string;
  /** Temporary folders for scorer runs. */
  scratch: string;
}

/**
 * The attempt folders: `<dataDir>/attempts/<id>/{state.json, workspace/, scores.jsonl, scorer-cache/, scratch/}`.
 * Reads and writes files; knows nothing of states or clocks.
 */
export class AttemptStore {
  readonly attemptsDir: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    /** Tests inject a failing write to show what a full disk does to the score log. */
    private readonly appendOpts: AppendOptions = {},
  ) {
    this.attemptsDir = join(dataDir, 'attempts');
  }

  paths(id: string): AttemptPaths {
    // Ids arrive from clients; one that is not ours could name a folder outside attempts/.
    if (!ATTEMPT_ID_RE.test(id)) {
      throw new RedeskError('ATTEMPT_NOT_FOUND', `No attempt ${JSON.stringify(id)}: that is not an attempt id.`, {
        hint: 'List attempts with `redesk attempt list`.',
        where: id,
      });
    }
    const dir = join(this.attemptsDir, id);
    return {
      dir,
      state: join(dir, 'state.json'),
      workspace: join(dir, 'workspace'),
      scores: join(dir, 'scores.jsonl'),
      cache: join(dir, 'scorer-cache'),
      scratch: join(dir, 'scratch'),
    };
  }

  /** Makes a new attempt's folder; fails if it exists (ids carry random bits, so that is a real clash). */
  async create(id: string): Promise<AttemptPaths> {
    const p = this.paths(id);
    await mkdir(this.attemptsDir, { recursive: true });
    await mkdir(p.dir);
    await mkdir(p.cache);
    await mkdir(p.scratch);
    return p;
  }

  /** Removes a folder made by create() when starting failed before anything was recorded in it. */
  async discard(id: string): Promise<void> {
    await rm(this.paths(id).dir, { recursive: true, force: true });
  }

  async readState(id: string): Promise<AttemptFile> {
    const { state } = this.paths(id);
    let text: string;
    try {
      text = await readFile(state, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') {
        throw new RedeskError('ATTEMPT_NOT_FOUND', `No attempt ${id} (no ${state}).`, { where: state, hint: 'List attempts with `redesk attempt list`.' });
      }
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw corrupt(state, `not JSON (${(e as Error).message})`);
    }
    const checked = AttemptFileSchema.safeParse(parsed);
    if (!checked.success) {
      throw corrupt(state, checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    }
    return checked.data;
  }

  async writeState(file: AttemptFile): Promise<void> {
    await atomicWrite(this.paths(file.id).state, JSON.stringify(file, null, 2) + '\n');
  }

  /** The score log; a torn last line (a crash mid-append) is dropped, damaged lines are skipped and logged. */
  async readScores(id: string): Promise<ScoreRow[]> {
    const p = this.paths(id).scores;
    const { values, tornTail, badLines } = await readJsonLines(p);
    if (tornTail) this.logger.warn(`${p}: dropped a torn last line (a crash while it was written)`);
    if (badLines.length) this.logger.warn(`${p}: skipped damaged lines ${badLines.join(', ')}`);
    return values.filter(isScoreRow);
  }

  /** Appends a row and returns once it is on disk. */
  async appendScore(id: string, row: ScoreRow): Promise<void> {
    const p = this.paths(id).scores;
    const { repairedBytes } = await appendLine(p, JSON.stringify(row), this.appendOpts);
    if (repairedBytes) this.logger.warn(`${p}: removed a torn last line (${repairedBytes} bytes) before appending`);
  }

  async listIds(): Promise<string[]> {
    const names = await readdir(this.attemptsDir).catch(() => [] as string[]);
    return names.filter((n) => ATTEMPT_ID_RE.test(n)).sort();
  }

  /** Every attempt's state that reads; unreadable ones are logged and left as they are. */
  async scan(): Promise<AttemptFile[]> {
    const out: AttemptFile[] = [];
    for (const id of await this.listIds()) {
      try {
        out.push(await this.readState(id));
      } catch (e) {
        this.logger.warn(`skipping attempt ${id}: ${(e as Error).message}`);
      }
    }
    return out;
  }

  summaryOf(f: AttemptFile): AttemptSummary {
    return {
      id: f.id,
      envId: f.envId,
      state: f.state,
      createdAt: f.createdAt,
      dir: this.paths(f.id).dir,
      finalScore: f.finalScore,
      normalizedScore: f.normalizedScore,
      ...(f.agent ? { agent: { name: f.agent.name, ...(f.agent.model ? { model: f.agent.model } : {}) } } : {}),
    };
  }
}

function corrupt(path: string, why: string): RedeskError {
  return new RedeskError('ATTEMPT_STATE_CORRUPT', `The attempt state ${path} is damaged: ${why}. Nothing was changed or deleted.`, {
    where: path,
    hint: 'The workspace and scores.jsonl beside it are intact; restore state.json from a backup or ask the organizer.',
  });
}

function isScoreRow(v: unknown): v is ScoreRow {
  const r = v as Partial<ScoreRow> | null;
  return !!r && typeof r.n === 'number' && (typeof r.score === 'number' || r.score === null) && typeof r.elapsedMs === 'number';
}

import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { z } from 'zod';
import { AttemptStates, type AttemptSummary } from '../../common/attempt';
import type { Logger } from '../../common/clock';
import { atomicWrite } from './atomicWrite';

export const INDEX_FILE = 'redesk.json';

const SummarySchema = z.object({
  id: z.string().min(1),
  envId: z.string(),
  state: z.enum(AttemptStates),
  createdAt: z.string(),
  dir: z.string(),
  finalScore: z.number().nullable(),
  normalizedScore: z.number().nullable(),
  agent: z.object({ name: z.string(), model: z.string().optional() }).optional(),
});

const IndexSchema = z.object({
  settings: z.record(z.string(), z.unknown()),
  attempts: z.array(SummarySchema),
});

export type AppIndexData = z.infer<typeof IndexSchema>;

export interface AppIndexOptions {
  /** Lists the attempts from their folders, for when the index is missing or corrupt. */
  rebuild: () => Promise<AttemptSummary[]>;
  logger: Logger;
  wallMs?: () => number;
}

/** A file that is not the index we wrote; read() turns it into a rebuild. */
class CorruptIndex extends Error {}

/** lowdb's adapter over atomicWrite, so a crash or full disk never leaves half an index behind. */
class AtomicJsonAdapter implements Adapter<AppIndexData> {
  /** Whether the last read found a file at all (a missing index is rebuilt, not left empty). */
  found = false;

  constructor(private readonly path: string) {}

  async read(): Promise<AppIndexData | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') {
        this.found = false;
        return null;
      }
      throw e;
    }
    this.found = true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new CorruptIndex(`not JSON: ${(e as Error).message}`);
    }
    const checked = IndexSchema.safeParse(parsed);
    if (!checked.success) throw new CorruptIndex(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return checked.data;
  }

  async write(data: AppIndexData): Promise<void> {
    await atomicWrite(this.path, JSON.stringify(data, null, 2) + '\n');
  }
}

/**
 * `<dataDir>/redesk.json`: the app's settings and an index of attempts, nothing else. Attempt data lives in each
 * attempt's folder, so the index can always be rebuilt from them; a corrupt index is moved aside and rebuilt.
 */
export class AppIndex {
  private constructor(
    private readonly db: Low<AppIndexData>,
    readonly path: string,
  ) {}

  static async open(dataDir: string, opts: AppIndexOptions): Promise<AppIndex> {
    const path = join(dataDir, INDEX_FILE);
    const adapter = new AtomicJsonAdapter(path);
    const db = new Low<AppIndexData>(adapter, { settings: {}, attempts: [] });
    let rebuild: boolean;
    try {
      await db.read();
      rebuild = !adapter.found;
    } catch (e) {
      if (!(e instanceof CorruptIndex)) throw e;
      const aside = `${path}.corrupt-${stamp((opts.wallMs ?? Date.now)())}`;
      await rename(path, aside);
      opts.logger.warn(`the app index ${path} was corrupt (${e.message}); moved to ${aside} and rebuilt from the attempt folders`);
      db.data = { settings: {}, attempts: [] };
      rebuild = true;
    }
    const index = new AppIndex(db, path);
    if (rebuild) await index.replaceAttempts(await opts.rebuild());
    return index;
  }

  attempts(): AttemptSummary[] {
    return this.db.data.attempts.map((a) => ({ ...a }));
  }

  get(id: string): AttemptSummary | undefined {
    const found = this.db.data.attempts.find((a) => a.id === id);
    return found ? { ...found } : undefined;
  }

  async upsertAttempt(summary: AttemptSummary): Promise<void> {
    const list = this.db.data.attempts;
    const i = list.findIndex((a) => a.id === summary.id);
    if (i >= 0 && sameSummary(list[i]!, summary)) return;
    if (i >= 0) list[i] = { ...summary };
    else list.push({ ...summary });
    await this.db.write();
  }

  /** Replace the whole list (after a rebuild or a reconcile with the folders), newest first. */
  async replaceAttempts(list: AttemptSummary[]): Promise<void> {
    this.db.data.attempts = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    await this.db.write();
  }

  /**
   * Brings the index in line with what the attempt folders say. An attempt whose state.json is unreadable (in
   * `folderIds` but not in `fromFolders`) keeps its old entry, so it is still listed and errors clearly when opened.
   */
  async reconcile(fromFolders: AttemptSummary[], folderIds: ReadonlySet<string>): Promise<void> {
    const byId = new Map(fromFolders.map((s) => [s.id, s]));
    for (const s of this.db.data.attempts) if (!byId.has(s.id) && folderIds.has(s.id)) byId.set(s.id, s);
    const next = [...byId.values()];
    const key = (l: AttemptSummary[]) => JSON.stringify([...l].sort((a, b) => a.id.localeCompare(b.id)));
    if (key(next) !== key(this.db.data.attempts)) await this.replaceAttempts(next);
  }

  settings(): Record<string, unknown> {
    return { ...this.db.data.settings };
  }

  async setSettings(patch: Record<string, unknown>): Promise<void> {
    this.db.data.settings = { ...this.db.data.settings, ...patch };
    await this.db.write();
  }
}

function sameSummary(a: AttemptSummary, b: AttemptSummary): boolean {
  return JSON.stringify(a) === JSON.stringify({ ...a, ...b });
}

/** A timestamp safe in file names on every OS: 20261130T010203Z. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

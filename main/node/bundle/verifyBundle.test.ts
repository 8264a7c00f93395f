import { copyFile, mkdir, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_HASH, keyPair, makeAttempt, tempRoot, testEnv, ticketFor, writeAllowedSigners } from './testKit';
import { rebuildBundle, tarBytes, readEntries, type RawEntry } from './tamperKit';
import { sealAttempt } from './sealAttempt';
import { verifyBundleFile, verifyBundles, type VerifyBundleOptions } from './verifyBundle';

const expert = keyPair();
const organizer = keyPair();
const stranger = keyPair();
let root: { dir: string; cleanup: () => Promise<void> };
let good: string;
let opts: VerifyBundleOptions;
let n = 0;

beforeAll(async () => {
  root = await tempRoot('redesk-verify-test-');
  const dir = await makeAttempt(join(root.dir, 'src'), { expert, ticket: ticketFor(organizer, expert) });
  good = (await sealAttempt(dir, { expertKey: expert, env: testEnv(), appVersion: '1.0.0', outFile: join(root.dir, 'good.redesk') })).file;
  const signers = join(root.dir, 'allowed_signers');
  await writeAllowedSigners(signers, [['expert@lab', expert.publicKey]]);
  opts = { allowedSigners: signers, organizerKey: organizer.publicKey };
});
afterAll(() => root.cleanup());

const fresh = () => join(root.dir, `t${n++}.redesk`);
async function codeOf(file: string, o: Partial<VerifyBundleOptions> = {}) {
  const v = await verifyBundleFile(file, { ...opts, ...o });
  return v.code;
}
/** Offset of an entry's data in the file (entries here have short names: one header block each). */
async function dataOffset(file: string, name: string): Promise<number> {
  const bytes = await readFile(file);
  let at = 0;
  for (;;) {
    const entryName = bytes.subarray(at, at + 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(bytes.subarray(at + 124, at + 136).toString('latin1'), 8);
    if (entryName === name) return at + 512;
    at += 512 + Math.ceil(size / 512) * 512;
  }
}

describe('verifyBundle', () => {
  it('accepts the sealed bundle', async () => {
    const v = await verifyBundleFile(good, opts);
    expect(v).toMatchObject({ ok: true, code: null, signer: 'expert@lab' });
    expect(v.message).toMatch(/^ok: toy_env-/);
  });

  it('a changed submission byte: BUNDLE_HASH_MISMATCH', async () => {
    const f = fresh();
    const bytes = await readFile(good);
    bytes[(await dataOffset(good, 'submission/solution.py')) + 2] ^= 1;
    await writeFile(f, bytes);
    expect(await codeOf(f)).toBe('BUNDLE_HASH_MISMATCH');
  });

  it('a changed manifest field: BUNDLE_SIGNATURE_INVALID', async () => {
    const f = fresh();
    const bytes = await readFile(good);
    const at = bytes.indexOf('"final": 5');
    bytes.write('"final": 4', at);
    await writeFile(f, bytes);
    expect(await codeOf(f)).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('a manifest re-signed by another key: BUNDLE_SIGNER_UNKNOWN', async () => {
    const f = fresh();
    await rebuildBundle(good, f, { manifest: (m) => (m.score.final = 1), signWith: stranger.privateKey });
    expect(await codeOf(f)).toBe('BUNDLE_SIGNER_UNKNOWN');
  });

  it('a signature swapped for one over another manifest: BUNDLE_SIGNATURE_INVALID', async () => {
    const other = await makeAttempt(join(root.dir, 'other'), { expert, id: 'toy_env-20261201T100000-beef' });
    const otherBundle = (await sealAttempt(other, { expertKey: expert, appVersion: '1', outFile: join(root.dir, 'other.redesk') })).file;
    const [, otherSig] = await readEntries(otherBundle);
    const entries = await readEntries(good);
    entries[1] = otherSig!;
    const f = fresh();
    await writeFile(f, tarBytes(entries));
    expect(await codeOf(f)).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('the expert re-signs a manifest naming another expert: BUNDLE_SIGNATURE_INVALID', async () => {
    const f = fresh();
    await rebuildBundle(good, f, { manifest: (m) => (m.expert.publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBjr0fSdx2cd4PS4sKVv0cEHW4YXdB0FuXd8uI/zbDEW'), signWith: expert.privateKey });
    expect(await codeOf(f)).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('entries removed, added, duplicated, reordered', async () => {
    const cases: [string, (l: RawEntry[]) => RawEntry[], string][] = [
      ['removed', (l) => l.filter((e) => e.name !== 'submission/notes.md'), 'BUNDLE_ENTRY_MISSING'],
      ['removed last', (l) => l.slice(0, -1), 'BUNDLE_ENTRY_MISSING'],
      ['added', (l) => [...l, { name: 'submission/extra.py', data: Buffer.from('x') }], 'BUNDLE_ENTRY_EXTRA'],
      ['added in the middle', (l) => [l[0]!, { name: 'zzz', data: Buffer.from('x') }, ...l.slice(1)], 'BUNDLE_ENTRY_EXTRA'],
      ['duplicated', (l) => [...l, l[0]!], 'BUNDLE_ENTRY_DUPLICATE'],
      ['manifest twice', (l) => [...l, { name: 'manifest.json', data: Buffer.from('{}') }], 'BUNDLE_ENTRY_DUPLICATE'],
      ['reordered', (l) => [l[1]!, l[0]!, ...l.slice(2)], 'BUNDLE_ENTRY_MISSING'],
      ['../ name', (l) => [...l, { name: '../evil.sh', data: Buffer.from('rm -rf /') }], 'BUNDLE_UNSAFE_PATH'],
      ['absolute name', (l) => [...l, { name: '/etc/passwd', data: Buffer.from('x') }], 'BUNDLE_UNSAFE_PATH'],
      ['symlink', (l) => [...l, { name: 'submission/link', data: Buffer.alloc(0), flag: '2', linkname: '/etc/passwd' }], 'BUNDLE_UNSAFE_ENTRY'],
      ['hardlink', (l) => [...l, { name: 'submission/hl', data: Buffer.alloc(0), flag: '1', linkname: 'manifest.json' }], 'BUNDLE_UNSAFE_ENTRY'],
      ['device', (l) => [...l, { name: 'submission/dev', data: Buffer.alloc(0), flag: '3' }], 'BUNDLE_UNSAFE_ENTRY'],
      ['claims 1 TB', (l) => l.map((e) => (e.name === 'submission/notes.md' ? { ...e, claimSize: 1e12 } : e)), 'BUNDLE_SIZE_MISMATCH'],
    ];
    for (const [what, edit, code] of cases) {
      const f = fresh();
      await rebuildBundle(good, f, { entries: edit });
      expect(await codeOf(f), what).toBe(code);
    }
  });

  it('a truncated tar: BUNDLE_TRUNCATED; bytes after its end: BUNDLE_MALFORMED', async () => {
    const size = (await readFile(good)).length;
    for (const cut of [300, 4000, size - 1536, size - 700, size - 1]) {
      const f = fresh();
      await copyFile(good, f);
      await truncate(f, cut);
      expect(await codeOf(f), `cut at ${cut}`).toBe('BUNDLE_TRUNCATED');
    }
    const f = fresh();
    await writeFile(f, Buffer.concat([await readFile(good), Buffer.alloc(10240), Buffer.from('x')]));
    expect(await codeOf(f)).toBe('BUNDLE_MALFORMED');
    const padded = fresh();
    await writeFile(padded, Buffer.concat([await readFile(good), Buffer.alloc(10240)]));
    expect(await codeOf(padded)).toBe(null);
  });

  it('tickets: expired, wrong env, wrong organizer, missing organizer key', async () => {
    const check = async (ticket: ReturnType<typeof ticketFor>, name: string, o: Partial<VerifyBundleOptions> = {}) => {
      const dir = await makeAttempt(join(root.dir, name), { expert, ticket });
      const { file } = await sealAttempt(dir, { expertKey: expert, appVersion: '1' });
      return verifyBundleFile(file, { ...opts, ...o });
    };
    expect((await check(ticketFor(organizer, expert, { notAfter: new Date('2026-12-01T09:00:00Z') }), 'exp')).code).toBe('TICKET_EXPIRED');
    expect((await check(ticketFor(organizer, expert, { notBefore: new Date('2026-12-01T11:00:00Z') }), 'nyv')).code).toBe('TICKET_NOT_YET_VALID');
    expect((await check(ticketFor(organizer, expert, { env: { id: 'toy_env', version: '1.0.0', hash: 'd'.repeat(64) } }), 'env')).code).toBe('TICKET_ENV_MISMATCH');
    expect((await check(ticketFor(organizer, stranger), 'who')).code).toBe('TICKET_EXPERT_MISMATCH');
    expect((await check(ticketFor(stranger, expert), 'org')).code).toBe('TICKET_SIGNATURE_INVALID');
    const self = await check(ticketFor(stranger, expert), 'self', { organizerKey: undefined });
    expect(self.ok).toBe(true);
    expect(self.warnings.join()).toMatch(/organizer key it names/);
    expect(ENV_HASH).toHaveLength(64);
  });

  it('the trajectory cut after its last record and re-sealed by the expert: BUNDLE_TRAJECTORY_MISMATCH', async () => {
    const cutLastLine = (b: Buffer) => {
      const s = b.toString('utf8').trimEnd().split('\n');
      return Buffer.from(s.slice(0, -1).join('\n') + '\n');
    };
    const f = fresh();
    await rebuildBundle(good, f, {
      entries: (l) => l.map((e) => (e.name === 'events/events-000001.jsonl' || e.name === 'events/checkpoints.jsonl' ? { ...e, data: cutLastLine(e.data) } : e)),
      rehash: true,
      signWith: expert.privateKey,
    });
    expect(await codeOf(f)).toBe('BUNDLE_TRAJECTORY_MISMATCH');
    // Cutting only the record (its checkpoint kept) is truncation the chain itself catches.
    const g = fresh();
    await rebuildBundle(good, g, { entries: (l) => l.map((e) => (e.name === 'events/events-000001.jsonl' ? { ...e, data: cutLastLine(e.data) } : e)), rehash: true, signWith: expert.privateKey });
    expect(await codeOf(g)).toBe('LOG_TRUNCATED');
  });

  it('a folder: every bundle, a reused ticket flagged, exit status all-or-nothing', async () => {
    const dir = join(root.dir, 'folder');
    await mkdir(dir);
    const ticket = ticketFor(organizer, expert);
    for (const [i, id] of ['toy_env-20261201T100000-0001', 'toy_env-20261201T100000-0002'].entries()) {
      const a = await makeAttempt(join(root.dir, `f${i}`), { expert, ticket, id, state: { startedAt: `2026-12-01T1${i}:00:00.000Z` } });
      await sealAttempt(a, { expertKey: expert, appVersion: '1', outFile: join(dir, `${id}.redesk`) });
    }
    await copyFile(good, join(dir, 'good.redesk'));
    const r = await verifyBundles(dir, opts);
    expect(r.ok).toBe(false);
    expect(r.bundles.map((b) => [b.file.split('/').pop(), b.code])).toEqual([
      ['good.redesk', null],
      ['toy_env-20261201T100000-0001.redesk', null],
      ['toy_env-20261201T100000-0002.redesk', 'TICKET_REUSED'],
    ]);
    expect((await verifyBundles(good, opts)).ok).toBe(true);
    await expect(verifyBundles(join(root.dir, 'nothing-here'), opts)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('extracts the submission only under the folder it is given', async () => {
    const out = join(root.dir, 'extract');
    await mkdir(out);
    const v = await verifyBundleFile(good, { ...opts, extractSubmissionTo: out });
    expect(v.ok).toBe(true);
    expect((await readdir(out)).sort()).toEqual(['notes.md', 'solution.py']);
  });
});

/** Deterministic PRNG for the fuzz test. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('verifyBundle fuzz', () => {
  it('1,000 mutated bundles: none crashes, none is accepted', { timeout: 120_000 }, async () => {
    const base = await readFile(good);
    const rand = rng(42);
    const int = (n: number) => Math.floor(rand() * n);
    const f = join(root.dir, 'fuzz.redesk');
    const codes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      let b: Buffer;
      const kind = i % 5;
      if (kind === 0 || kind === 1) {
        b = Buffer.from(base);
        for (let k = 0, flips = 1 + int(4); k < flips; k++) b[int(b.length)] ^= 1 + int(255);
      } else if (kind === 2) b = base.subarray(0, int(base.length));
      else if (kind === 3) {
        const at = int(base.length);
        b = Buffer.concat([base.subarray(0, at), Buffer.from([int(256)]), base.subarray(at)]);
      } else {
        // Swap two 512-byte blocks.
        b = Buffer.from(base);
        const blocks = b.length / 512;
        const [x, y] = [int(blocks), int(blocks)];
        if (x === y) b[x * 512] ^= 0xff;
        else {
          const t = Buffer.from(b.subarray(x * 512, x * 512 + 512));
          b.copy(b, x * 512, y * 512, y * 512 + 512);
          t.copy(b, y * 512);
        }
      }
      if (b.equals(base)) continue;
      await writeFile(f, b);
      const v = await verifyBundleFile(f, opts);
      expect(v.ok, `mutation ${i} (kind ${kind}) was accepted`).toBe(false);
      expect(v.code).not.toBe('INTERNAL');
      codes.set(v.code!, (codes.get(v.code!) ?? 0) + 1);
    }
    expect(codes.size).toBeGreaterThan(4);
  });
});

describe('verifyBundle on what is not a bundle', () => {
  it('names a missing file and a file that is not a tar', async () => {
    expect(await codeOf(join(root.dir, 'missing.redesk'))).toBe('FILE_NOT_FOUND');
    const f = fresh();
    await writeFile(f, 'hello, not a tar\n'.repeat(100));
    expect(await codeOf(f)).toBe('BUNDLE_MALFORMED');
    const empty = fresh();
    await writeFile(empty, '');
    expect(await codeOf(empty)).toBe('BUNDLE_TRUNCATED');
  });
});

/**
 * A scripted typist for the crash test: opens (and so recovers) the log, then types into a pretend terminal with
 * echo and bursts of output, flushing at pretend state changes, until it is killed. It prints one line per fact
 * the parent checks after the kill:
 *   ready <lastSeq before this run>
 *   durable <seq> <sha256 of that record's line>
 * Usage: node typist.mjs <attemptDir> <dataDir> <run> <seed>
 */
import { hash } from 'node:crypto';
import { EventLog } from '../EventLog';
import { loadOrCreateKey } from '../../keys/keyStore';
import { silentLogger, systemClock } from '../../systemClock';

const [attemptDir, dataDir, run, seedText] = process.argv.slice(2) as [string, string, string, string];
let seed = Number(seedText) >>> 0;
/** mulberry32: a seeded PRNG, so a failing run can be replayed from its seed. */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let x = seed;
  x = Math.imul(x ^ (x >>> 15), x | 1);
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}

const key = await loadOrCreateKey(dataDir, 'expert');
const clock = systemClock();
const log = await EventLog.open({
  attemptDir,
  attemptId: 'att-crash',
  key,
  clock,
  logger: silentLogger,
  // Short intervals so that a run of a few hundred ms commits, checkpoints and rolls segments many times.
  tuning: { commitIntervalMs: 10, checkpointIntervalMs: 40, segmentMaxBytes: 16 * 1024 },
});
const hashes = new Map<number, string>();
log.onDurable((seq) => {
  process.stdout.write(`durable ${seq} ${hashes.get(seq)}\n`);
  for (const s of hashes.keys()) if (s <= seq) hashes.delete(s);
});
process.stdout.write(`ready ${log.recovery?.lastSeq ?? -1}\n`);

const ptyId = `run-${run}`;
const baseT = log.lastT;
const mono0 = clock.monoMs();
const now = () => baseT + (clock.monoMs() - mono0);
const add = (src: Parameters<EventLog['append']>[0], kind: string, data: Record<string, unknown>) => {
  const r = log.append(src, kind, data as never, now());
  hashes.set(r.seq, hash('sha256', JSON.stringify(r), 'hex'));
};

const words = ['ls', 'python train.py', 'nvidia-smi', 'cat log.txt', 'git diff'];
for (;;) {
  const word = words[Math.floor(random() * words.length)]!;
  for (const ch of word + '\r') {
    add('pty', 'pty.input', { ptyId, data: ch });
    add('pty', 'pty.output', { ptyId, data: ch === '\r' ? '\r\n' : ch });
    await new Promise((r) => setTimeout(r, random() * 3));
  }
  for (let i = Math.floor(random() * 20); i > 0; i--) add('pty', 'pty.output', { ptyId, data: `output line ${i} ${'#'.repeat(Math.floor(random() * 120))}\r\n` });
  if (random() < 0.2) {
    add('app', 'app.note', { text: `state change in run ${run}` });
    await log.flush();
  }
}

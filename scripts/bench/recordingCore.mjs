// The recording-overhead measurement itself (issue #3), apart from how its modules are built, so the same code
// runs from scripts/bench/recording.mjs here and from a self-contained bundle elsewhere.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

const print = (name, value, unit, goal) => console.log(`${name}: ${value} ${unit}${goal ? ` (goal ${goal})` : ''}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Output of a real pty through PtyHostClient, as the app receives it, with and without appending every batch to an
 * attempt's trajectory (the same AttemptLog the services use: secret redaction, hash chain, group commit with
 * fdatasync). A and B alternate in one run, in both orders, so drift (CPU frequency, cache, other load) falls on
 * both; the figure is the ratio of the medians.
 */
export async function benchRecording({ PtyHostClient, EventLog, AttemptLog, systemClock, silentLogger }, { entry, mb, rounds, dir: parent }) {
  const dir = await mkdtemp(join(parent, 'redesk-bench-rec-'));
  const client = new PtyHostClient({ entry, logger: silentLogger });
  try {
    const clock = systemClock();
    const t0 = clock.monoMs();
    const log = await EventLog.open({ attemptDir: dir, attemptId: 'bench-rec', key: generateKeyPairSync('ed25519'), clock, logger: silentLogger, secrets: ['sk-bench-not-in-output'] });
    const attemptLog = new AttemptLog({ attemptId: 'bench-rec', log, now: () => clock.monoMs() - t0, emit: () => {}, logger: silentLogger });
    const ptyId = await client.create({ cwd: dir, cols: 120, rows: 40, attemptId: 'bench-rec' });

    let recording = false;
    let chars = 0;
    let batches = 0;
    let done;
    // The app's path (services.ts): the transport's listener forwards each batch to the renderer, then the
    // recorder's listener appends it. The stand-in for transport and renderer acknowledges at once, a renderer that
    // parses in no time: the hardest case for hiding the recorder's work, which then overlaps only the pty host
    // reading the next batch. The marker is built by the shell, so the echoed command line cannot match it.
    client.onData((id, data) => {
      chars += data.length;
      batches++;
      client.ack(id, data.length);
      if (data.includes('__DONE_42')) done?.();
    });
    client.onData((id, data) => {
      if (recording) attemptLog.append('pty', 'pty.output', { ptyId: id, data });
    });
    const run = async (rec) => {
      await new Promise((r) => setTimeout(r, 300)); // the previous run's group commit lands outside this one
      recording = rec;
      chars = 0;
      batches = 0;
      const finished = new Promise((r) => (done = r));
      const start = performance.now();
      const cpu0 = process.cpuUsage();
      if (rec) attemptLog.append('pty', 'pty.input', { ptyId, data: 'cmd\r' });
      client.input(ptyId, `head -c ${mb * 1024 * 1024} /dev/zero | base64 -w 100; echo __DONE_$((40+2))\r`);
      await finished;
      const s = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpu0);
      recording = false;
      // This process's CPU time per second of the run: whether the receiving side could be what limits throughput.
      return { mbps: chars / 1e6 / s, chars, batches, cpu: ((cpu.user + cpu.system) / 1e6 / s) * 100 };
    };

    await run(false); // warm up: the shell's first command, page cache, JIT
    const off = [];
    const on = [];
    const cpuOff = [];
    const cpuOn = [];
    let last;
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const rec of order) {
        last = await run(rec);
        (rec ? on : off).push(last.mbps);
        (rec ? cpuOn : cpuOff).push(last.cpu);
      }
    }
    await attemptLog.flush();
    const ratio = median(on) / median(off);
    print('recording.pty_throughput_off', median(off).toFixed(1), 'MB/s (median)');
    print('recording.pty_throughput_on', median(on).toFixed(1), 'MB/s (median)');
    print('recording.throughput_ratio', ratio.toFixed(3), 'on/off', '>= 0.95');
    print('recording.receiver_cpu_off', median(cpuOff).toFixed(0), '% of a core (median)');
    print('recording.receiver_cpu_on', median(cpuOn).toFixed(0), '% of a core (median)');
    print('recording.runs', `${rounds} x A/B of ${mb} MiB base64 (~${(last.chars / 1e6).toFixed(1)} M chars, ~${last.batches} batches each)`, '');
    print('recording.log_records', attemptLog.status().lastSeq + 1, `records, durable to seq ${attemptLog.status().durableSeq}`);
    await attemptLog.close();
  } finally {
    await client.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

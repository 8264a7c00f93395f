#!/usr/bin/env node
// Bundle bench (issue #4): sealing and verifying a large submission, as a ratio to `openssl dgst -sha256` over the
// same files in the same run (about the CPU's hashing limit), with peak memory; and aggregating many small bundles.
//   node scripts/bench/bundle.mjs [--gib 2] [--bundles 1000] [--dir D]
// Prints `name: value unit (goal ...)` lines. Seal and verify run in child processes so their peak RSS is their own.
import { loadSources } from './loadSources.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    gib: { type: 'string', default: '2' },
    bundles: { type: 'string', default: '1000' },
    dir: { type: 'string', default: tmpdir() },
    child: { type: 'string' },
    attempt: { type: 'string' },
    file: { type: 'string' },
    signers: { type: 'string' },
    out: { type: 'string' },
    key: { type: 'string' },
  },
});

const lib = await loadSources(
  'bundle',
  `export { sealAttempt } from './main/node/bundle/sealAttempt';
   export { verifyBundleFile } from './main/node/bundle/verifyBundle';
   export { aggregateBundles } from './main/node/report/aggregateBundles';
   export { makeAttempt, keyPair, testEnv, writeAllowedSigners } from './main/node/bundle/testKit';`,
  { rebuild: !args.child },
);
const print = (name, value, unit, goal) => console.log(`${name}: ${value} ${unit}${goal ? ` (goal ${goal})` : ''}`);
const peakMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

if (args.child) {
  // One measured step in its own process: prints JSON {seconds, peakMiB, ...}.
  const t0 = performance.now();
  if (args.child === 'seal') {
    const key = await import('node:fs/promises').then((fs) => fs.readFile(args.key, 'utf8'));
    const { createPrivateKey } = await import('node:crypto');
    const r = await lib.sealAttempt(args.attempt, { expertKey: { privateKey: createPrivateKey(key) }, env: lib.testEnv({ maxFileBytes: 4 * 1024 ** 3 }), appVersion: 'bench', outFile: args.out });
    console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakMiB: peakMiB(), bytes: r.bytes }));
  } else if (args.child === 'verify') {
    const v = await lib.verifyBundleFile(args.file, { allowedSigners: args.signers });
    console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakMiB: peakMiB(), ok: v.ok, code: v.code }));
  } else if (args.child === 'aggregate') {
    const r = await lib.aggregateBundles(args.file, { allowedSigners: args.signers, outDir: args.out });
    console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakMiB: peakMiB(), counted: r.summary.bundles.counted }));
  }
  process.exit(0);
}

const child = (argv) => {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};

const work = await mkdtemp(join(args.dir, 'redesk-bundle-bench-'));
try {
  const key = lib.keyPair();
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(work, 'key.pem'), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const signers = join(work, 'allowed_signers');
  await lib.writeAllowedSigners(signers, [['bench', key.publicKey]]);

  // A submission of --gib GiB: four large files and a hundred small ones.
  const total = Number(args.gib) * 1024 ** 3;
  const attempt = await lib.makeAttempt(join(work, 'big'), { expert: key, files: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`src/f${i}.py`, `x = ${i}\n`])) });
  const ws = join(attempt, 'workspace');
  await mkdir(join(ws, 'out'), { recursive: true });
  const block = randomBytes(1 << 20);
  const files = [];
  for (let i = 0; i < 4; i++) {
    const p = join(ws, 'out', `part${i}.bin`);
    const fh = await open(p, 'w');
    for (let w = 0; w < total / 4; w += block.length) await fh.write(block);
    await fh.close();
    files.push(p);
  }
  const openssl = () => {
    const t0 = performance.now();
    execFileSync('openssl', ['dgst', '-sha256', ...files], { stdio: 'ignore' });
    return (performance.now() - t0) / 1000;
  };
  // Flush the files just written, so their writeback does not slow what is measured; then warm the page cache.
  execFileSync('sync');
  openssl();
  const base = openssl();
  const gb = total / 1e9;
  print(`openssl dgst -sha256 over ${args.gib} GiB`, (gb / base).toFixed(2), 'GB/s');
  // The disk's own bound for a durable copy: dd writing as many bytes and syncing them (the seal must do both).
  const ddFile = join(work, 'dd.bin');
  const dd = () => {
    const t0 = performance.now();
    execFileSync('dd', ['if=/dev/zero', `of=${ddFile}`, 'bs=1M', `count=${Math.round(total / 2 ** 20)}`, 'conv=fdatasync'], { stdio: 'ignore' });
    const s = (performance.now() - t0) / 1000;
    execFileSync('rm', ['-f', ddFile]);
    return s;
  };
  const disk = dd();
  print(`dd write + fdatasync of ${args.gib} GiB`, (gb / disk).toFixed(2), 'GB/s');
  const bundle = join(work, 'big.redesk');
  const seal = child(['--child', 'seal', '--attempt', attempt, '--key', join(work, 'key.pem'), '--out', bundle]);
  print('seal throughput', (gb / seal.seconds).toFixed(2), 'GB/s');
  print('seal / openssl', (base / seal.seconds).toFixed(2), 'ratio', '≥ 0.8');
  print('seal / dd (write + fdatasync)', (disk / seal.seconds).toFixed(2), 'ratio');
  print('seal peak memory', seal.peakMiB, 'MiB', '< 300');
  const verify = child(['--child', 'verify', '--file', bundle, '--signers', signers]);
  if (!verify.ok) throw new Error(`the bench bundle did not verify: ${verify.code}`);
  print('verify throughput', (gb / verify.seconds).toFixed(2), 'GB/s');
  print('verify / openssl', (base / verify.seconds).toFixed(2), 'ratio', '≥ 0.8');
  print('verify peak memory', verify.peakMiB, 'MiB', '< 300');
  await rm(join(work, 'big'), { recursive: true, force: true });
  await rm(bundle, { force: true });

  // --bundles small bundles, one attempt sealed again and again under new ids.
  const n = Number(args.bundles);
  const small = await lib.makeAttempt(join(work, 'small'), { expert: key });
  const dir = join(work, 'bundles');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await lib.sealAttempt(small, { expertKey: key, env: lib.testEnv(), appVersion: 'bench', outFile: join(dir, `b${String(i).padStart(5, '0')}.redesk`) });
  print(`seal ${n} small bundles`, ((performance.now() - t0) / 1000).toFixed(1), 's');
  const agg = child(['--child', 'aggregate', '--file', dir, '--signers', signers, '--out', join(work, 'report')]);
  print(`aggregate ${agg.counted} bundles`, agg.seconds.toFixed(1), 's', '< 10 on 2 cores');
  print('aggregate peak memory', agg.peakMiB, 'MiB');
} finally {
  await rm(work, { recursive: true, force: true });
}

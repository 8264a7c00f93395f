#!/usr/bin/env node
// Browser-mode figures (issue 2): start-to-interactive time, terminal throughput against xterm.js alone in the
// same page, the host's peak memory during the flood, and keystroke-to-screen echo latency.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FLOOD_MB = Number(process.env.BENCH_FLOOD_MB ?? 50);
const KEYS = Number(process.env.BENCH_KEYS ?? 200);
const browserPath = process.env.REDESK_BROWSER ?? '/usr/bin/chromium';

function vm(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchUi() {
  const dataDir = mkdtempSync(join(tmpdir(), 'redesk-bench-'));
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const t0 = performance.now();
  const host = spawn(process.execPath, [join(root, 'bin', 'redesk.js'), 'serve', '--no-open', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const results = {};
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (d) => {
        out += d;
        const m = /redesk: open (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      host.on('exit', (c) => reject(new Error(`host exited ${c}`)));
    });
    await page.goto(`${url}&bench=1`);
    await page.getByTestId('env-card-prefix_sum_mini').waitFor();
    results.startToInteractiveMs = performance.now() - t0;

    await page.getByTestId('env-card-prefix_sum_mini').click();
    await page.getByTestId('consent').check();
    await page.getByTestId('start-attempt').click();
    await page.getByTestId('terminal-1').waitFor();
    await page.waitForFunction(() => /#\/attempt\//.test(location.hash));
    const attemptId = await page.evaluate(() => decodeURIComponent(location.hash.replace(/^#\/attempt\//, '')));
    // The shell is ready once its prompt (ending in # or $, perhaps wrapped) is on screen.
    await page.waitForFunction((id) => {
      const t = window.__redeskBench.terminal(id, 1);
      if (!t) return false;
      const b = t.buffer.active;
      let text = '';
      for (let y = 0; y <= b.baseY + b.cursorY; y++) text += b.getLine(y)?.translateToString(true) ?? '';
      return /[#$]\s*$/.test(text);
    }, attemptId);
    const ptyHostPid = () => childrenOf(host.pid).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('ptyHost'));

    // Throughput through the whole path: pty → host batching → WebSocket → xterm, with flow control.
    const floodCmd = `head -c ${FLOOD_MB}M /dev/urandom | base64; echo __BENCH_$((40+2))_DONE__`;
    const done = page.evaluate(
      (id) =>
        new Promise((resolve) => {
          const t = window.__redeskBench.terminal(id, 1);
          const start = performance.now();
          const sub1 = t.onWriteParsed(() => {
            const b = t.buffer.active;
            for (let y = Math.max(0, b.cursorY - 2); y <= b.cursorY; y++) {
              if (b.getLine(b.baseY + y)?.translateToString().includes('__BENCH_42_DONE__')) {
                sub1.dispose();
                resolve({ ms: performance.now() - start });
                return;
              }
            }
          });
        }),
      attemptId,
    );
    let peakSampled = 0;
    const sampler = setInterval(() => {
      const pids = [host.pid, ptyHostPid()].filter(Boolean);
      peakSampled = Math.max(peakSampled, pids.reduce((s, p) => s + vm(p, 'VmRSS'), 0));
    }, 100);
    await page.keyboard.type(floodCmd);
    await page.keyboard.press('Enter');
    const flood = await done;
    clearInterval(sampler);
    const floodChars = Math.ceil((FLOOD_MB * 1024 * 1024) / 3) * 4;
    const floodCharsWithNewlines = floodChars + Math.ceil(floodChars / 76) * 2;
    results.terminalMs = flood.ms;
    results.terminalMBps = floodCharsWithNewlines / 1e6 / (flood.ms / 1000);
    results.hostPeakRssBytes = vm(host.pid, 'VmHWM');
    const ph = ptyHostPid();
    results.ptyHostPeakRssBytes = ph ? vm(ph, 'VmHWM') : 0;
    results.sampledPeakBothBytes = peakSampled;

    // The same bytes written straight into xterm.js in the same page, same size, no transport.
    const base = await page.evaluate(
      async ({ id, total }) => {
        const live = window.__redeskBench.terminal(id, 1);
        const el = document.createElement('div');
        const rect = live.element.getBoundingClientRect();
        Object.assign(el.style, { position: 'fixed', left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px`, zIndex: 9999 });
        document.body.appendChild(el);
        const t = new window.__redeskBench.Terminal({ cols: live.cols, rows: live.rows, scrollback: 10000, fontSize: 13 });
        t.open(el);
        const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
        let chunk = '';
        while (chunk.length < 1 << 20) {
          let line = '';
          for (let i = 0; i < 76; i++) line += abc[(Math.random() * 64) | 0];
          chunk += line + '\r\n';
        }
        const start = performance.now();
        // Written as fast as xterm takes it, with at most two 1 MB pieces queued (its write buffer, like the
        // host's flow control, is then never the limit and memory stays flat).
        await new Promise((resolve) => {
          let written = 0;
          let inflight = 0;
          const pump = () => {
            while (inflight < 2 && written < total) {
              const piece = chunk.slice(0, Math.min(chunk.length, total - written));
              written += piece.length;
              inflight++;
              t.write(piece, () => {
                inflight--;
                if (written >= total && inflight === 0) resolve(undefined);
                else pump();
              });
            }
          };
          pump();
        });
        const ms = performance.now() - start;
        t.dispose();
        el.remove();
        return { ms };
      },
      { id: attemptId, total: floodCharsWithNewlines },
    );
    results.xtermAloneMs = base.ms;
    results.throughputRatio = base.ms / flood.ms;

    // Keystroke to screen: xterm's input event → pty host → shell echo → back → parsed → painted.
    await page.keyboard.press('Control+U');
    const lat = await page.evaluate(
      async ({ id, n }) => {
        const t = window.__redeskBench.terminal(id, 1);
        const times = [];
        for (let i = 0; i < n; i++) {
          const before = t.buffer.active.cursorX;
          const start = performance.now();
          // Done when xterm has painted the row the echo landed on (its onRender fires after the DOM update).
          await new Promise((resolve) => {
            let parsed = false;
            const subParsed = t.onWriteParsed(() => {
              if (t.buffer.active.cursorX !== before) parsed = true;
            });
            const subRender = t.onRender(() => {
              if (!parsed) return;
              subParsed.dispose();
              subRender.dispose();
              resolve(undefined);
            });
            t.input(i % 40 === 39 ? '\u0015' : 'a', true);
          });
          times.push(performance.now() - start);
        }
        return times;
      },
      { id: attemptId, n: KEYS },
    );
    lat.sort((a, b) => a - b);
    results.echoP50Ms = pct(lat, 50);
    results.echoP99Ms = pct(lat, 99);
    return results;
  } finally {
    await browser.close();
    host.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printUi(r) {
  const mb = (b) => (b / 1024 / 1024).toFixed(0);
  console.log(`start to interactive UI: ${r.startToInteractiveMs.toFixed(0)} ms (goal < 3000)`);
  console.log(`terminal throughput, ${FLOOD_MB} MiB base64 through the pty host and WebSocket: ${r.terminalMs.toFixed(0)} ms, ${r.terminalMBps.toFixed(1)} MB/s`);
  console.log(`xterm.js alone, same bytes, same page: ${r.xtermAloneMs.toFixed(0)} ms`);
  console.log(`throughput ratio (transport / xterm alone): ${r.throughputRatio.toFixed(2)} (goal >= 0.7)`);
  console.log(`host peak RSS during the flood: ${mb(r.hostPeakRssBytes)} MB; pty host ${mb(r.ptyHostPeakRssBytes)} MB (goal < 300 MB)`);
  console.log(`keystroke-to-screen echo: p50 ${r.echoP50Ms.toFixed(1)} ms, p99 ${r.echoP99Ms.toFixed(1)} ms (goal p99 < 30)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printUi(await benchUi());
}

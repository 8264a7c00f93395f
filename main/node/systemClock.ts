import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Clock, Logger } from '../common/clock';

/**
 * The real clock. monoMs counts from boot (os.uptime is CLOCK_BOOTTIME on Linux, so suspend is included and a
 * changed wall clock is not), refined within the process by performance.now() for millisecond resolution.
 */
export function systemClock(): Clock {
  const uptimeAtStartMs = uptime() * 1000;
  const perfAtStart = performance.now();
  let bootId: string | undefined;
  return {
    monoMs: () => uptimeAtStartMs + (performance.now() - perfAtStart),
    bootId: () => (bootId ??= readBootId(uptimeAtStartMs)),
    wallMs: () => Date.now(),
  };
}

function readBootId(uptimeMs: number): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Elsewhere, the boot's wall time to the minute identifies it well enough.
    return `boot-${Math.round((Date.now() - uptimeMs) / 60_000)}`;
  }
}

export function consoleLogger(prefix = 'redesk'): Logger {
  const out = (level: string, msg: string, extra?: Record<string, unknown>) =>
    process.stderr.write(`${prefix} ${level}: ${msg}${extra ? ' ' + JSON.stringify(extra) : ''}\n`);
  return {
    info: (m, e) => (process.env.REDESK_DEBUG ? out('info', m, e) : undefined),
    warn: (m, e) => out('warn', m, e),
    error: (m, e) => out('error', m, e),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

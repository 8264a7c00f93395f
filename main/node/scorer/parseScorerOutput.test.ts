import { describe, expect, it } from 'vitest';
import { withMemoryLimit } from './memoryLimit';
import { baselineOf, parseScorerOutput } from './parseScorerOutput';
import { substituteArgv } from './substituteArgv';

describe('parseScorerOutput', () => {
  it('takes the last non-empty line, ignoring chatter and trailing blank lines', () => {
    const r = parseScorerOutput('compiling...\n{"score": 0.1}\n\n{"score": 2.5, "message": "fast", "details": {"runs": 3}}\n\n');
    expect(r).toEqual({ ok: true, score: 2.5, message: 'fast', details: { runs: 3 } });
  });

  it('accepts a null score and fills message and details', () => {
    expect(parseScorerOutput('{"score": null}')).toEqual({ ok: true, score: null, message: '', details: {} });
  });

  it.each([
    ['', 'printed nothing'],
    ['{"score": 1', 'not JSON'],
    ['[1, 2]', 'not an object'],
    ['{"message": "hi"}', 'no "score"'],
    ['{"score": "1"}', 'finite number or null'],
    ['{"score": 1e999}', 'finite number or null'],
  ])('rejects %j', (stdout, why) => {
    const r = parseScorerOutput(stdout);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });
});

describe('baselineOf', () => {
  it('reads numeric start and reference and ignores anything else', () => {
    expect(baselineOf({ baseline: { start: 6.4, reference: 2.1 } })).toEqual({ start: 6.4, reference: 2.1 });
    expect(baselineOf({ baseline: { start: '6.4', reference: 2.1 } })).toBeUndefined();
    expect(baselineOf({ baseline: { start: 1, reference: 1 } })).toBeUndefined();
    expect(baselineOf({})).toBeUndefined();
  });
});

describe('substituteArgv', () => {
  it('fills every placeholder, inside arguments too, and leaves other braces', () => {
    const values = { workspace: '/w', envDir: '/e', cacheDir: '/c', python: 'py' };
    expect(substituteArgv(['{python}', 'score.py', '--ws={workspace}', '{cacheDir}/x', '{envDir}', '{other}'], values)).toEqual([
      'py',
      'score.py',
      '--ws=/w',
      '/c/x',
      '/e',
      '{other}',
    ]);
  });
});

describe('withMemoryLimit', () => {
  it('uses prlimit on Linux when it is there, a ulimit shell elsewhere, nothing on Windows', () => {
    expect(withMemoryLimit(['py', 's.py'], 200, { platform: 'linux', prlimit: '/usr/bin/prlimit' }).argv).toEqual([
      '/usr/bin/prlimit',
      `--as=${200 * 1024 * 1024}`,
      '--',
      'py',
      's.py',
    ]);
    const sh = withMemoryLimit(['py', 's.py'], 200, { platform: 'darwin' });
    expect(sh.method).toBe('ulimit');
    expect(sh.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(sh.argv[2]).toContain('ulimit -v 204800');
    expect(sh.argv.slice(-2)).toEqual(['py', 's.py']);
    expect(withMemoryLimit(['py'], 200, { platform: 'win32' })).toEqual({ argv: ['py'], method: 'none' });
    expect(withMemoryLimit(['py'], undefined, { platform: 'linux', prlimit: '/usr/bin/prlimit' }).method).toBe('none');
  });
});

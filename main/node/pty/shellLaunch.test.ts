import { describe, expect, it } from 'vitest';
import { shellLaunch } from './shellLaunch';

describe('shellLaunch', () => {
  it("runs the user's $SHELL with a colour terminal, not as a login shell on Linux (which would reset PATH)", () => {
    const l = shellLaunch({ baseEnv: { SHELL: '/usr/bin/zsh', PATH: '/bin' }, platform: 'linux' });
    expect(l).toMatchObject({ file: '/usr/bin/zsh', args: [] });
    expect(shellLaunch({ baseEnv: { SHELL: '/bin/zsh' }, platform: 'darwin' }).args).toEqual(['-l']);
    expect(l.env).toMatchObject({ PATH: '/bin', TERM: 'xterm-256color', COLORTERM: 'truecolor' });
  });

  it('falls back to bash without $SHELL, or when $SHELL names a missing file', () => {
    expect(shellLaunch({ baseEnv: {}, platform: 'linux' }).file).toBe('bash');
    expect(shellLaunch({ baseEnv: { SHELL: '/gone/zsh' }, platform: 'linux', exists: () => false })).toMatchObject({
      file: 'bash',
      args: [],
    });
    // A name on no PATH folder (an unset variable restored as the string "undefined", say) is stale too.
    const onPath = (p: string) => p === '/usr/bin/zsh';
    expect(shellLaunch({ baseEnv: { SHELL: 'undefined', PATH: '/bin:/usr/bin' }, platform: 'linux', exists: onPath }).file).toBe('bash');
    expect(shellLaunch({ baseEnv: { SHELL: 'zsh', PATH: '/bin:/usr/bin' }, platform: 'linux', exists: onPath }).file).toBe('zsh');
  });

  it("lets the caller's environment win, except the terminal variables", () => {
    const l = shellLaunch({ baseEnv: { HOME: '/root', TERM: 'dumb' }, env: { HOME: '/w', SHELL: '/bin/sh', TERM: 'vt100' }, platform: 'linux' });
    expect(l).toMatchObject({ file: '/bin/sh', env: { HOME: '/w', TERM: 'xterm-256color' } });
  });

  it("drops the host process's own variables", () => {
    const l = shellLaunch({ baseEnv: { ELECTRON_RUN_AS_NODE: '1', NODE_CHANNEL_FD: '3', KEEP: 'y' }, platform: 'linux' });
    expect(l.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(l.env.NODE_CHANNEL_FD).toBeUndefined();
    expect(l.env.KEEP).toBe('y');
  });

  it('passes no login flag to a program that is not a known shell', () => {
    expect(shellLaunch({ baseEnv: { SHELL: '/usr/bin/python3' }, platform: 'linux' }).args).toEqual([]);
  });
});

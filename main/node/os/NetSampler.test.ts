import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NetSampler, type NetRecord } from './NetSampler';

const lo: NetworkInterfaceInfo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' };
const eth = (address: string): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:42:ac:11:00:02', internal: false, cidr: `${address}/24` });

function sampler(): { s: NetSampler; set(list: NodeJS.Dict<NetworkInterfaceInfo[]>): void; got: NetRecord[]; tick(): void; intervals: number } {
  let list: NodeJS.Dict<NetworkInterfaceInfo[]> = {};
  const got: NetRecord[] = [];
  let fn: (() => void) | undefined;
  const k = {
    intervals: 0,
    got,
    set: (l: NodeJS.Dict<NetworkInterfaceInfo[]>) => (list = l),
    tick: () => fn?.(),
    s: new NetSampler((r) => got.push(r), {
      read: () => list,
      timers: {
        setInterval: (f) => {
          fn = f;
          k.intervals++;
          return 1;
        },
        clearInterval: () => (fn = undefined),
      },
    }),
  };
  return k;
}

describe('NetSampler', () => {
  it('records the interfaces up at start, then each one that goes down, comes up or changes address', () => {
    const k = sampler();
    k.set({ lo: [lo], eth0: [eth('10.0.0.5')] });
    k.s.start();
    expect(k.got).toEqual([
      { name: 'lo', up: true, addresses: ['127.0.0.1/8'], internal: true, online: true, interfaces: ['eth0', 'lo'] },
      { name: 'eth0', up: true, addresses: ['10.0.0.5/24'], internal: false, online: true, interfaces: ['eth0', 'lo'] },
    ]);
    k.tick();
    expect(k.got).toHaveLength(2); // nothing changed, nothing recorded

    k.set({ lo: [lo] }); // the cable is pulled: offline
    k.tick();
    expect(k.got.at(-1)).toEqual({ name: 'eth0', up: false, addresses: [], internal: false, online: false, interfaces: ['lo'] });

    k.set({ lo: [lo], eth0: [eth('10.0.0.9')] });
    k.tick();
    expect(k.got.at(-1)).toMatchObject({ name: 'eth0', up: true, addresses: ['10.0.0.9/24'], online: true });
    expect(k.got).toHaveLength(4);
  });

  it('stops polling when stopped, and after a pause records only what changed during it', () => {
    const k = sampler();
    k.set({ lo: [lo], wlan0: [eth('192.168.1.2')] });
    k.s.start();
    k.s.stop();
    k.set({ lo: [lo] });
    k.tick();
    expect(k.got).toHaveLength(2);
    k.s.start();
    expect(k.intervals).toBe(2);
    expect(k.got.slice(2)).toEqual([{ name: 'wlan0', up: false, addresses: [], internal: false, online: false, interfaces: ['lo'] }]);
  });
});

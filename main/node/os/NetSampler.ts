import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { realIntervalTimers, type IntervalTimers, type Sampler } from './Sampler';

/** Often enough to see a cable pulled or Wi-Fi joined, rarely enough to cost nothing. */
export const NET_POLL_MS = 3_000;

/** os.net: one interface came up, went down or changed addresses, with the expert's offline state after it. */
export interface NetRecord {
  name: string;
  up: boolean;
  addresses: string[];
  internal: boolean;
  /** Whether any non-loopback interface is up: false means the machine is offline. */
  online: boolean;
  /** The interfaces up after this change. */
  interfaces: string[];
}

type Read = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

interface IfState {
  addresses: string[];
  internal: boolean;
}

/**
 * Polls the network interfaces and records each change. os.networkInterfaces() lists the interfaces that are up
 * with an address; one that leaves the list went down. The first poll records every interface up at that moment
 * (the state the attempt starts in); after a pause, the first poll records what changed during it.
 */
export class NetSampler implements Sampler {
  private known = new Map<string, IfState>();
  private timer?: unknown;

  constructor(
    private readonly record: (r: NetRecord) => void,
    private readonly opts: { read?: Read; timers?: IntervalTimers; intervalMs?: number } = {},
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.poll();
    this.timer = (this.opts.timers ?? realIntervalTimers).setInterval(() => this.poll(), this.opts.intervalMs ?? NET_POLL_MS);
  }

  stop(): void {
    if (this.timer !== undefined) (this.opts.timers ?? realIntervalTimers).clearInterval(this.timer);
    this.timer = undefined;
  }

  poll(): void {
    let now: Map<string, IfState>;
    try {
      now = snapshot((this.opts.read ?? networkInterfaces)());
    } catch {
      return; // a transient failure to list interfaces is not a change
    }
    const online = [...now.values()].some((i) => !i.internal);
    const interfaces = [...now.keys()].sort();
    for (const [name, was] of this.known) {
      if (!now.has(name)) this.record({ name, up: false, addresses: [], internal: was.internal, online, interfaces });
    }
    for (const [name, is] of now) {
      const was = this.known.get(name);
      if (!was || was.addresses.join() !== is.addresses.join()) this.record({ name, up: true, addresses: is.addresses, internal: is.internal, online, interfaces });
    }
    this.known = now;
  }
}

function snapshot(list: NodeJS.Dict<NetworkInterfaceInfo[]>): Map<string, IfState> {
  const out = new Map<string, IfState>();
  for (const [name, infos] of Object.entries(list)) {
    if (!infos?.length) continue;
    out.set(name, { addresses: infos.map((i) => i.cidr ?? i.address).sort(), internal: infos.every((i) => i.internal) });
  }
  return out;
}

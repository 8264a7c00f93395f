import type { Command } from 'commander';
import { RedeskError } from '../../common/errors';
import { defaultDataDir } from '../../node/appPaths';
import { loadKey, loadOrCreateKey, type KeyRole, type StoredKey } from '../../node/keys/keyStore';
import { fail, print } from '../output';

interface Opts {
  role: string;
  dataDir?: string;
  json?: boolean;
}

const ROLES: KeyRole[] = ['expert', 'organizer'];

function role(o: Opts): KeyRole {
  if (!ROLES.includes(o.role as KeyRole)) throw new RedeskError('BAD_REQUEST', `--role must be expert or organizer, not ${JSON.stringify(o.role)}.`);
  return o.role as KeyRole;
}

/** What a user checks: the public key to hand out and its fingerprint (never the private key). */
function describe(k: StoredKey): { role: KeyRole; publicKey: string; fingerprint: string; keyPath: string; pubPath: string; created: boolean } {
  return { role: k.role, publicKey: k.openSsh, fingerprint: k.fingerprint, keyPath: k.keyPath, pubPath: k.pubPath, created: k.created };
}

function human(d: ReturnType<typeof describe>): string {
  return [`${d.publicKey}`, `${d.fingerprint}`, `  ${d.role} key ${d.created ? 'made' : 'kept'} at ${d.keyPath}`].join('\n');
}

/** `redesk keys`: the Ed25519 keys that sign trajectories (expert) and packs and tickets (organizer). */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('make and show the Ed25519 signing keys');
  const common = (c: Command) =>
    c
      .option('--role <role>', 'expert or organizer', 'expert')
      .option('--data-dir <dir>', 'data directory (default: the OS app-data folder)')
      .option('--json', 'print JSON');

  common(keys.command('init').description('make the key if there is none (an existing key is never replaced); prints its public key')).action(
    async (o: Opts) => {
      try {
        const d = describe(await loadOrCreateKey(o.dataDir ?? defaultDataDir(), role(o)));
        print(!!o.json, d, () => human(d));
      } catch (e) {
        fail(e, !!o.json);
      }
    },
  );

  common(keys.command('show').description('print the public key (OpenSSH) and its SHA256 fingerprint')).action(async (o: Opts) => {
    try {
      const d = describe(await loadKey(o.dataDir ?? defaultDataDir(), role(o)));
      print(!!o.json, d, () => human(d));
    } catch (e) {
      fail(e, !!o.json);
    }
  });
}

/**
 * Entry of the pty host process (bundled to dist/node/ptyHost.js, node-pty external). Started by PtyHostClient
 * through a HostSpawner: child_process.fork headless, Electron's utilityProcess.fork in the desktop app.
 */
import { spawn } from 'node-pty';
import { toErrorData } from '../../common/errors';
import { parentChannel } from './parentChannel';
import { PtyHost } from './PtyHost';

const channel = parentChannel();
if (!channel) {
  process.stderr.write('redesk pty host: no parent channel; it is started by the app (PtyHostClient), not by hand\n');
  process.exit(2);
}

const host = new PtyHost((msg) => channel.send(msg), spawn);
channel.onMessage((msg) => host.handle(msg));

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  host.dispose();
  process.exit(0);
}
// Without the app nobody can see these terminals: hang them up rather than leave orphaned shells and jobs.
channel.onClose(shutdown);
process.on('SIGTERM', shutdown);
// Ctrl-C in the console that started `redesk serve` reaches the whole process group; the app decides whether the
// terminals go, through the channel or SIGTERM.
process.on('SIGINT', () => {});
// One bad message must not take down every terminal (and the hours of training running in them): report, go on.
process.on('uncaughtException', (e) => channel.send({ type: 'error', error: toErrorData(e) }));

import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { RedeskApi } from '../common/api';
import { RedeskError, toErrorData } from '../common/errors';
import { dispatch } from '../node/dispatch';
import type { EventBus } from '../node/EventBus';
import { APP_ORIGIN } from './protocol';

export const CALL_CHANNEL = 'redesk:call';
export const EVENT_CHANNEL = 'redesk:event';

/**
 * Only our own page, in a top frame we created, may call the services (VS Code's validatedIpcMain does the same:
 * check the channel and the sender frame).
 */
function senderAllowed(e: IpcMainInvokeEvent, windows: Set<WebContents>): boolean {
  const frame = e.senderFrame;
  if (!frame || !windows.has(e.sender)) return false;
  if (frame !== e.sender.mainFrame) return false;
  return frame.url.startsWith(APP_ORIGIN + '/');
}

export function registerIpc(api: RedeskApi, events: EventBus, windows: Set<WebContents>): () => void {
  ipcMain.handle(CALL_CHANNEL, async (e, method: unknown, args: unknown) => {
    if (!senderAllowed(e, windows)) {
      return { ok: false, error: new RedeskError('FORBIDDEN_ORIGIN', 'IPC from an unexpected frame was refused').toData() };
    }
    try {
      return await dispatch(api, method, args);
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  });
  const off = events.on((name, payload) => {
    for (const wc of windows) if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, name, payload);
  });
  return () => {
    off();
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}

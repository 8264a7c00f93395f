import { API_METHODS, type ApiMethod, type RedeskApi } from '../common/api';
import { RedeskError, toErrorData, type RedeskErrorData } from '../common/errors';

/**
 * Validates and runs one request from a transport (IPC or WebSocket): the method must be in the contract and the
 * arguments an array. Results and errors come back as plain data.
 */
export async function dispatch(
  api: RedeskApi,
  method: unknown,
  args: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: RedeskErrorData }> {
  try {
    if (typeof method !== 'string' || !(API_METHODS as readonly string[]).includes(method)) {
      throw new RedeskError('UNKNOWN_METHOD', `unknown method ${JSON.stringify(method)}`);
    }
    if (!Array.isArray(args)) throw new RedeskError('BAD_REQUEST', 'args must be an array');
    const fn = api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(api, args);
    return { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}

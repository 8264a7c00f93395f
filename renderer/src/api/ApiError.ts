import type { RedeskErrorData } from '../../../main/common/errors';

/**
 * An API failure as the UI sees it. `code` is a contract ErrorCode from the host, or DISCONNECTED when the request
 * was lost with the connection (the renderer's own code: the host never saw the answer go out).
 */
export class ApiError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly where?: string;

  constructor(data: { code: string; message: string; hint?: string; where?: string }) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    this.hint = data.hint;
    this.where = data.where;
  }

  static fromWire(data: RedeskErrorData): ApiError {
    return new ApiError(data);
  }

  /** Anything a transport rejected with, as an ApiError (Electron IPC may hand back a plain object or an Error). */
  static from(e: unknown): ApiError {
    if (e instanceof ApiError) return e;
    const o = e as { code?: unknown; message?: unknown; hint?: unknown; where?: unknown } | null;
    if (o && typeof o === 'object' && typeof o.code === 'string') {
      return new ApiError({
        code: o.code,
        message: typeof o.message === 'string' ? o.message : o.code,
        hint: typeof o.hint === 'string' ? o.hint : undefined,
        where: typeof o.where === 'string' ? o.where : undefined,
      });
    }
    return new ApiError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
  }
}

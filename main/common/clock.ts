/** Time sources, injected into services so tests can drive them. */
export interface Clock {
  /** Monotonic milliseconds that survive process restarts within one boot (CLOCK_BOOTTIME on Linux). */
  monoMs(): number;
  /** Identifies the boot `monoMs` is counted from; a new boot means mono values are not comparable. */
  bootId(): string;
  /** Wall clock, for records only; never for measuring attempt time. */
  wallMs(): number;
}

export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

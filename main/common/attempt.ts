/**
 * The attempt, as DESIGN.md "The attempt" describes it: states, transitions, the score log row.
 * Pure data and rules; the service that persists it lives in main/node/attempts.
 */

export const AttemptStates = ['ready', 'running', 'paused', 'submitted', 'scored', 'sealed', 'expired'] as const;
export type AttemptState = (typeof AttemptStates)[number];

/** Allowed transitions. `expired` is a submit the clock made; it goes on to scored like submitted does. */
const transitions: Record<AttemptState, readonly AttemptState[]> = {
  ready: ['running'],
  running: ['paused', 'submitted', 'expired'],
  paused: ['running', 'submitted', 'expired'],
  submitted: ['scored'],
  expired: ['scored'],
  scored: ['sealed'],
  sealed: [],
};

export function canTransition(from: AttemptState, to: AttemptState): boolean {
  return transitions[from].includes(to);
}

/** States in which the expert may still work, score and pause. */
export function isActive(state: AttemptState): boolean {
  return state === 'running' || state === 'paused';
}

/** A row of scores.jsonl. Field names follow the METR task standard's score log, plus ours. */
export interface ScoreRow {
  /** 1-based position in the log. */
  n: number;
  score: number | null;
  /** Normalized as DESIGN.md says; null when score is null or no baseline is known. */
  normalized: number | null;
  message: string;
  details: Record<string, unknown>;
  /** Attempt time (ms) when the score was requested. */
  elapsedMs: number;
  /** Wall clock (ISO) when the result came back. */
  wall: string;
  /** How long the scorer ran. */
  durationMs: number;
  /** Set when score is null because the scorer failed (crash, timeout, garbage, OOM). */
  errorCode?: string;
}

export interface PauseRecord {
  reason: string;
  startedAtMs: number;
  startedWall: string;
  endedAtMs?: number;
  endedWall?: string;
  /** Length of the pause (monotonic clock); attempt time does not advance while paused. */
  durationMs?: number;
  /** What ended it: the expert, the pause budget running out (auto-resume), a submit, or expiry. */
  endedBy?: 'expert' | 'budget' | 'submit' | 'expiry';
}

export interface Baseline {
  start: number;
  reference: number;
  /** "fixed" from env.json, or "calibrated" on this machine by the scorer. */
  source: 'fixed' | 'calibrated';
}

export interface PreflightCheck {
  name: string;
  ok: boolean;
  /** What was found. */
  found: string;
  /** What the environment asks for. */
  needed: string;
}

export interface PreflightReport {
  envId: string;
  ready: boolean;
  checks: PreflightCheck[];
  /** Facts about the machine, stored with the attempt. */
  machine: {
    platform: string;
    arch: string;
    cpuModel: string;
    cpus: number;
    ramGiB: number;
    freeDiskGiB: number;
    python?: string;
    gpus: { name: string; memoryMiB: number }[];
    driverVersion?: string;
    cudaVersion?: string;
  };
  checkedAt: string;
}

/** Who made an agent attempt: the name and model it declared, and the token usage it reported (summed). */
export interface AgentInfo {
  name: string;
  model?: string;
  version?: string;
  usage?: AgentUsage;
}

export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  /** In US dollars, where the agent reports it. */
  costUsd?: number;
  reports: number;
}

export interface AttemptInfo {
  id: string;
  envId: string;
  envVersion: string;
  envTitle: string;
  variant: string;
  state: AttemptState;
  /** Practice attempts run without an organizer's ticket. */
  practice: boolean;
  dir: string;
  workspace: string;
  createdAt: string;
  startedAt?: string;
  submittedAt?: string;
  timeLimitMs: number;
  /** Attempt time used so far (running intervals only). */
  elapsedMs: number;
  remainingMs: number;
  /** Whether the clock is advancing now; clients extrapolate elapsedMs from `asOfWall` while true. */
  clockRunning: boolean;
  asOfWall: string;
  pause: { allowed: boolean; maxTotalMs?: number; usedMs: number };
  pauses: PauseRecord[];
  scoreDirection: 'min' | 'max';
  scoreAggregate: 'best' | 'last';
  scoreVisible: boolean;
  baseline?: Baseline;
  scores: ScoreRow[];
  finalScore: number | null;
  normalizedScore: number | null;
  envHash: string;
  scorerHash: string;
  preflight?: PreflightReport;
  /** The ticket the attempt runs under (absent for practice). */
  ticketId?: string;
  /** The signed bundle, once sealed. */
  bundle?: { file: string };
  /** Set for an attempt made by an AI agent (`redesk agent run`); absent for a human's. */
  agent?: AgentInfo;
}

export interface AttemptSummary {
  id: string;
  envId: string;
  state: AttemptState;
  createdAt: string;
  dir: string;
  finalScore: number | null;
  normalizedScore: number | null;
  /** The agent's name (and model), for agent attempts. */
  agent?: { name: string; model?: string };
}

/** Warning thresholds before expiry, in minutes (as the issue asks: 30 and 5). */
export const WARNING_MINUTES = [30, 5] as const;

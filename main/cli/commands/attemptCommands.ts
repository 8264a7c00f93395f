import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { AttemptInfo, PreflightReport, ScoreRow } from '../../common/attempt';
import type { RedeskApi } from '../../common/api';
import { openApi } from '../apiFor';
import { fail, fmtMs, fmtScore, print } from '../output';
import { describeUnmet, unmetRequirements } from '../../node/envs/requirements';

interface Opts {
  dataDir?: string;
  json?: boolean;
}

function describe(a: AttemptInfo): string {
  const lines = [
    `${a.id}  ${a.envId}@${a.envVersion}  ${a.state}${a.practice ? ' (practice)' : ''}`,
    `  time used ${fmtMs(a.elapsedMs)} of ${fmtMs(a.timeLimitMs)}, ${fmtMs(a.remainingMs)} left`,
    `  workspace ${a.workspace}`,
    `  scores ${a.scores.length}; final ${fmtScore(a.finalScore)}, normalized ${fmtScore(a.normalizedScore)}`,
  ];
  if (a.bundle) lines.push(`  sealed: ${a.bundle.file}`);
  return lines.join('\n');
}

function describeRow(r: ScoreRow): string {
  return `#${r.n} at ${fmtMs(r.elapsedMs)}: score ${fmtScore(r.score)}, normalized ${fmtScore(r.normalized)}${r.errorCode ? ` [${r.errorCode}]` : ''}\n  ${r.message}`;
}

async function run<T>(o: Opts, call: (api: RedeskApi) => Promise<T>, human: (v: T) => string): Promise<void> {
  try {
    const s = await openApi(o.dataDir);
    try {
      const v = await call(s.api);
      print(!!o.json, v, () => human(v));
    } finally {
      await s.close();
    }
  } catch (e) {
    fail(e, !!o.json);
  }
}

export function registerAttemptCommands(program: Command): void {
  const attempt = program.command('attempt').description('start and drive attempts headlessly (scripts, agents)');
  const common = (c: Command) => c.option('--data-dir <dir>', 'data directory (default: the OS app-data folder)').option('--json', 'print JSON');

  common(attempt.command('start <env>').description('start an attempt: copies the starter into a new workspace'))
    .option('--variant <name>', 'environment variant (default: the env\'s default)')
    .option('--ticket <file>', 'the organizer\'s ticket.json (ticket.json.sig beside it); without one the attempt is practice')
    .option('--force', 'start although GPUs, Python packages or assets are missing (never over an asset with a wrong hash)')
    .action((envId: string, o: Opts & { variant?: string; ticket?: string; force?: boolean }) =>
      run(o, (api) => api.attemptStart(envId, { variant: o.variant, ...(o.ticket ? { ticket: resolve(o.ticket) } : {}), ...(o.force ? { force: true } : {}) }), describe),
    );
  common(attempt.command('list').description('list attempts')).action((o: Opts) =>
    run(o, (api) => api.attemptList(), (l) => l.map((a) => `${a.id}  ${a.state}  final ${fmtScore(a.finalScore)}  normalized ${fmtScore(a.normalizedScore)}`).join('\n')),
  );
  common(attempt.command('status <id>').description('state, clock and scores of an attempt')).action((id: string, o: Opts) =>
    run(o, (api) => api.attemptStatus(id), describe),
  );
  common(attempt.command('score <id>').description('run the scorer on the workspace now; prints the new score-log row')).action(
    (id: string, o: Opts) => run(o, (api) => api.attemptScore(id), describeRow),
  );
  common(attempt.command('pause <id>').description('pause the clock, if the environment allows'))
    .option('--reason <text>', 'why (recorded)', 'paused from the command line')
    .action((id: string, o: Opts & { reason: string }) => run(o, (api) => api.attemptPause(id, o.reason), describe));
  common(attempt.command('resume <id>').description('resume the clock')).action((id: string, o: Opts) =>
    run(o, (api) => api.attemptResume(id), describe),
  );
  common(attempt.command('submit <id>').description('submit the workspace as it stands and compute the final score')).action(
    (id: string, o: Opts) => run(o, (api) => api.attemptSubmit(id), describe),
  );
  common(program.command('preflight <env>').description('check this machine against what an environment needs'))
    .option('--variant <name>', 'environment variant')
    .action((envId: string, o: Opts & { variant?: string }) =>
      run(o, (api) => api.preflight(envId, o.variant), (r) =>
        [
          `${r.ready ? 'READY' : 'NOT READY'}: ${r.envId}`,
          ...r.checks.map((c) => `  ${c.ok ? 'ok ' : 'NO '} ${c.name}: found ${c.found}; needs ${c.needed}`),
          ...requirementLines(r),
        ].join('\n'),
      ),
    );
}

/** What an attempt start would refuse over, worded as the refusal words it. */
function requirementLines(r: PreflightReport): string[] {
  const unmet = unmetRequirements(r);
  return unmet.length ? ['An attempt cannot start until these are supplied (ENV_REQUIREMENTS_UNMET):', ...describeUnmet(unmet).map((l) => `  - ${l}`)] : [];
}

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleJsonSchemas } from '../../common/bundle';
import { RedeskError } from '../../common/errors';
import { appPaths, defaultDataDir } from '../../node/appPaths';
import { AttemptStore } from '../../node/attempts/AttemptStore';
import { rescoreBundle, sealAttempt, verifyBundles, type BundleVerdict, type RescoreResult } from '../../node/bundle';
import type { LoadedEnv } from '../../node/contracts';
import { EnvRegistry } from '../../node/envs/EnvRegistry';
import { loadOrCreateKey } from '../../node/keys/keyStore';
import { toPublicKey } from '../../node/keys/openssh';
import { aggregateBundles, type ReportSummary } from '../../node/report';
import { ScorerRunner } from '../../node/scorer/ScorerRunner';
import { appVersion } from '../../node/services';
import { silentLogger } from '../../node/systemClock';
import { issueTicket } from '../../node/tickets';
import { fail, fmtScore, print } from '../output';

interface Common {
  dataDir?: string;
  json?: boolean;
}

const DATA_DIR = ['--data-dir <dir>', 'data directory (default: the OS app-data folder)'] as const;

/**
 * Tickets, bundles and the organizer's side: `ticket issue`, `bundle export`, `bundle schema`, `verify`,
 * `rescore`, `aggregate`. Everything works offline, from files; nothing needs a running app.
 */
export function registerBundleCommands(program: Command): void {
  const ticket = program.command('ticket').description('organizer tickets: permission for one expert key to run one environment once');
  ticket
    .command('issue')
    .description('issue a ticket signed by the organizer key (made on first use): writes ticket.json and ticket.json.sig')
    .requiredOption('--env <id@version>', 'environment and version, as in this install (e.g. prefix_sum_mini@1.0.0)')
    .requiredOption('--expert <pubkey-file>', "the expert's public key file (`redesk keys show` prints it), or the key line itself")
    .requiredOption('--not-before <iso>', 'the attempt may start from this time (ISO 8601)')
    .requiredOption('--not-after <iso>', 'the attempt must start by this time (ISO 8601)')
    .option('--time-limit-minutes <n>', "overrides the environment's time limit", Number)
    .option('--variant <name>', 'require this variant')
    .option('--note <text>', 'a note carried in the ticket')
    .option('--out <file>', 'where to write the ticket (default ticket-<id>.json here); the .sig goes beside it')
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (o: Common & { env: string; expert: string; notBefore: string; notAfter: string; timeLimitMinutes?: number; variant?: string; note?: string; out?: string }) => {
      try {
        const [id, version] = o.env.split('@');
        if (!id || !version) throw new RedeskError('BAD_REQUEST', `--env must be <id>@<version>, not ${JSON.stringify(o.env)}.`);
        const dataDir = o.dataDir ?? defaultDataDir();
        const env = await new EnvRegistry({ dirs: appPaths(dataDir).envDirs }).load(id, o.variant);
        if (env.spec.version !== version) {
          throw new RedeskError('ENV_NOT_FOUND', `This install has ${id}@${env.spec.version}, not ${version}.`, { hint: 'Issue tickets from an install with the environment version the experts will run.' });
        }
        const organizer = await loadOrCreateKey(dataDir, 'organizer');
        const signed = issueTicket({
          organizerKey: organizer.privateKey,
          env: { id, version, hash: env.envHash, ...(o.variant ? { variant: env.variant } : {}) },
          expertKey: await readKeyArg(o.expert),
          notBefore: new Date(o.notBefore),
          notAfter: new Date(o.notAfter),
          ...(o.timeLimitMinutes !== undefined ? { timeLimitMinutes: o.timeLimitMinutes } : {}),
          ...(o.note ? { note: o.note } : {}),
        });
        const out = resolve(o.out ?? `ticket-${signed.ticket.id.slice(0, 8)}.json`);
        await writeFile(out, signed.json, { flag: 'wx' });
        await writeFile(`${out}.sig`, signed.sig, { flag: 'wx' });
        const result = { file: out, sig: `${out}.sig`, ticket: signed.ticket };
        print(!!o.json, result, () =>
          [
            `ticket ${signed.ticket.id} for ${id}@${version} (env ${env.envHash.slice(0, 12)}…)`,
            `  expert ${signed.ticket.expert.fingerprint}, start between ${signed.ticket.notBefore} and ${signed.ticket.notAfter}`,
            `  signed by organizer ${organizer.fingerprint}`,
            `  wrote ${out} and ${out}.sig`,
          ].join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  const bundle = program.command('bundle').description('signed result bundles');
  bundle
    .command('export <attempt-id>')
    .description('seal a submitted attempt into a signed .redesk bundle (tar)')
    .option('--out <file>', 'the bundle file (default <attempt-id>.redesk here)')
    .option('--agent <name>', 'mark the attempt as made by this AI agent')
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (id: string, o: Common & { out?: string; agent?: string }) => {
      try {
        const dataDir = o.dataDir ?? defaultDataDir();
        const paths = new AttemptStore(dataDir, silentLogger).paths(id);
        if (!existsSync(paths.state)) throw new RedeskError('ATTEMPT_NOT_FOUND', `No attempt ${id} in ${dataDir}.`, { hint: 'List attempts with `redesk attempt list`.' });
        const state = JSON.parse(await readFile(paths.state, 'utf8')) as { envId: string; variant: string };
        const env = await new EnvRegistry({ dirs: appPaths(dataDir).envDirs }).load(state.envId, state.variant).catch(() => undefined as LoadedEnv | undefined);
        const r = await sealAttempt(paths.dir, {
          expertKey: await loadOrCreateKey(dataDir, 'expert'),
          env,
          appVersion: appVersion(appPaths(dataDir).root),
          outFile: resolve(o.out ?? `${id}.redesk`),
          ...(o.agent ? { agent: { name: o.agent } } : {}),
        });
        print(!!o.json, { file: r.file, bytes: r.bytes, warnings: r.warnings, manifest: r.manifest }, () =>
          [
            `sealed ${r.file} (${r.bytes} bytes, ${r.manifest.files.length} entries)`,
            `  ${r.manifest.env.id}@${r.manifest.env.version}, final ${fmtScore(r.manifest.score.final)}, normalized ${fmtScore(r.manifest.score.normalized)}, ${r.manifest.ticket ? `ticket ${r.manifest.ticket.id}` : 'practice'}`,
            `  signed by ${r.manifest.expert.fingerprint}`,
            ...r.warnings.map((w) => `  warning: ${w}`),
          ].join('\n'),
        );
      } catch (e) {
        fail(e, !!o.json);
      }
    });
  bundle
    .command('schema')
    .description('print the JSON Schemas of manifest.json and ticket.json (or write them with --out-dir)')
    .option('--out-dir <dir>', 'write manifest.schema.json and ticket.schema.json here')
    .action(async (o: { outDir?: string }) => {
      const s = bundleJsonSchemas();
      if (!o.outDir) return void process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      await mkdir(o.outDir, { recursive: true });
      await writeFile(join(o.outDir, 'manifest.schema.json'), JSON.stringify(s.manifest, null, 2) + '\n');
      await writeFile(join(o.outDir, 'ticket.schema.json'), JSON.stringify(s.ticket, null, 2) + '\n');
    });

  program
    .command('verify <bundle-or-dir>')
    .description('verify a bundle, or every .redesk in a folder: signatures, hashes, ticket, trajectory; exit 0 only if all pass')
    .requiredOption('--allowed-signers <file>', 'OpenSSH allowed_signers: the expert keys you accept')
    .option('--organizer-key <file>', 'the organizer public key tickets must be signed by')
    .option('--json', 'print JSON: {"ok", "bundles": [{"file", "ok", "code", "message", …}]}')
    .action(async (target: string, o: { allowedSigners: string; organizerKey?: string; json?: boolean }) => {
      try {
        const report = await verifyBundles(target, { allowedSigners: o.allowedSigners, organizerKey: o.organizerKey ? await readKeyArg(o.organizerKey) : undefined });
        const out = { ok: report.ok, bundles: report.bundles.map(brief) };
        print(!!o.json, out, () =>
          [
            ...report.bundles.map((b) => `${b.ok ? 'ok  ' : `FAIL ${b.code}`}  ${b.file}\n  ${b.message}${b.warnings.map((w) => `\n  warning: ${w}`).join('')}`),
            `${report.bundles.filter((b) => b.ok).length} of ${report.bundles.length} bundle(s) verified`,
          ].join('\n'),
        );
        process.exitCode = report.ok ? 0 : 1;
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  program
    .command('rescore <bundle>')
    .description("run this install's scorer on a bundle's submission and show it beside the sealed score")
    .option('--env-dir <dir>', 'the environment folder to score with (default: this install\'s environment of that id)')
    .option('--allowed-signers <file>', 'require the bundle to be signed by one of these experts')
    .option('--organizer-key <file>', 'the organizer public key its ticket must be signed by')
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (file: string, o: Common & { envDir?: string; allowedSigners?: string; organizerKey?: string }) => {
      try {
        const r = await rescoreBundle(resolve(file), {
          envs: new EnvRegistry({ dirs: appPaths(o.dataDir ?? defaultDataDir()).envDirs }),
          ...(o.envDir ? { envDir: resolve(o.envDir) } : {}),
          scorer: new ScorerRunner({ logger: silentLogger }),
          ...(o.allowedSigners ? { allowedSigners: o.allowedSigners } : {}),
          ...(o.organizerKey ? { organizerKey: await readKeyArg(o.organizerKey) } : {}),
        });
        print(!!o.json, r, () => describeRescore(r));
        if (r.rescored.score === null) process.exitCode = 1;
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  program
    .command('aggregate <dir>')
    .description('verify a folder of bundles and write report.html, attempts.csv and summary.json')
    .requiredOption('--out <report-dir>', 'where the report goes')
    .requiredOption('--allowed-signers <file>', 'OpenSSH allowed_signers: the expert keys you accept')
    .option('--organizer-key <file>', 'the organizer public key tickets must be signed by')
    .option('--seed <n>', 'bootstrap seed (the same seed gives the same report)', Number)
    .option('--resamples <n>', 'bootstrap resamples (default 1000)', Number)
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, o: { out: string; allowedSigners: string; organizerKey?: string; seed?: number; resamples?: number; json?: boolean }) => {
      try {
        const r = await aggregateBundles(dir, {
          outDir: o.out,
          allowedSigners: o.allowedSigners,
          ...(o.organizerKey ? { organizerKey: await readKeyArg(o.organizerKey) } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          ...(o.resamples !== undefined ? { resamples: o.resamples } : {}),
        });
        print(!!o.json, { files: r.files, summary: r.summary }, () => describeSummary(r.summary, r.files.html));
      } catch (e) {
        fail(e, !!o.json);
      }
    });
}

/** A public key given as a file holding it (OpenSSH .pub or PEM), or as the key line itself. */
async function readKeyArg(arg: string) {
  const text = existsSync(arg) ? await readFile(arg, 'utf8') : arg;
  return toPublicKey(text.trim());
}

function brief(b: BundleVerdict) {
  const m = b.manifest;
  return {
    file: b.file,
    ok: b.ok,
    code: b.code,
    message: b.message,
    warnings: b.warnings,
    ...(b.signer ? { signer: b.signer } : {}),
    ...(m ? { attempt: m.attempt.id, env: `${m.env.id}@${m.env.version}`, ticket: m.ticket?.id ?? null, final: m.score.final, normalized: m.score.normalized } : {}),
  };
}

function describeRescore(r: RescoreResult): string {
  return [
    `${r.attempt} (${r.env.id}@${r.env.version}, ${r.env.variant})`,
    `  sealed:    score ${fmtScore(r.sealed.final)}, normalized ${fmtScore(r.sealed.normalized)}`,
    `  rescored:  score ${fmtScore(r.rescored.score)}, normalized ${fmtScore(r.rescored.normalized)}${r.rescored.errorCode ? ` [${r.rescored.errorCode}]` : ''} in ${(r.rescored.durationMs / 1000).toFixed(1)} s`,
    `  ${r.rescored.message}`,
    ...r.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}

function describeSummary(s: ReportSummary, html: string): string {
  const lines = [`${s.bundles.counted} of ${s.bundles.total} bundle(s) counted (${s.bundles.failed} failed, ${s.bundles.duplicates} reused ticket(s))`];
  for (const e of s.environments) {
    for (const [g, x] of Object.entries(e.groups)) lines.push(`  ${e.id} ${g}s: ${x.runs} run(s), mean normalized ${fmtScore(x.normalized.value)} [${fmtScore(x.normalized.ci.lo)}, ${fmtScore(x.normalized.ci.hi)}]`);
  }
  for (const f of s.failures) lines.push(`  not counted: ${f.code} ${f.file}`);
  lines.push(`report: ${html}`);
  return lines.join('\n');
}

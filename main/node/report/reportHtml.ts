import { esc, lineChart, PALETTE, type ChartSeries } from './svgChart';
import { GROUPS, type Group, type RunRecord } from './runs';
import type { EnvGroupStats, ReportSummary, ValueCI } from './summarize';

const GROUP_COLOR: Record<Group, string> = { human: PALETTE[0]!, agent: PALETTE[1]! };

/** report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched). */
export function reportHtml(s: ReportSummary, runs: readonly RunRecord[]): string {
  const body = [
    `<h1>redesk report</h1>`,
    `<p class="meta">Generated ${esc(s.generatedAt)} · ${s.bundles.total} bundle(s): ${s.bundles.counted} counted, ${s.bundles.failed} failed verification, ${s.bundles.duplicates} reused ticket(s)${s.review ? `, ${s.review.invalidated.length} invalidated in review` : ''} · bootstrap ${s.resamples} resamples, seed ${s.seed}</p>`,
    overview(s),
    agentCost(runs),
    ...s.environments.map((e) => envSection(e, runs.filter((r) => r.envId === e.id))),
    problems(s),
    reviewSection(s),
    methods(),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>redesk report</title>
<style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}

function overview(s: ReportSummary): string {
  const rows = GROUPS.filter((g) => s.groups[g]).map((g) => {
    const x = s.groups[g]!;
    return `<tr><td>${g}</td><td>${x.runs}</td><td>${x.environments}</td><td>${ci(x.meanNormalized)}</td>${['p10', 'p25', 'p50', 'p75', 'p90'].map((p) => `<td>${num(x.percentiles[p])}</td>`).join('')}</tr>`;
  });
  if (!rows.length) return `<section><h2>Overview</h2><p>No bundle verified; nothing to aggregate.</p></section>`;
  const charts = GROUPS.filter((g) => s.groups[g]).map((g) => {
    const x = s.groups[g]!;
    const inMs = x.scoreAtBudget.every((b) => b.runMs !== undefined);
    const series: ChartSeries[] = x.scoreAtBudget.map((b) => ({
      name: inMs ? `runs of ${hours(b.runMs!)}` : `runs of ${b.runFraction} × limit`,
      dots: true,
      points: b.points.map((p) => ({
        x: inMs ? p.budgetMs! / 3_600_000 : p.budgetLimits,
        y: p.value,
        lo: p.ci.lo,
        hi: p.ci.hi,
        label: `k=${p.k}: ${num(p.value)} [${num(p.ci.lo)}, ${num(p.ci.hi)}]`,
      })),
    }));
    return lineChart({
      title: `${g}s: score@k against total time budget`,
      xLabel: inMs ? 'total time budget (hours, log scale)' : 'total time budget (attempt lengths, log scale)',
      yLabel: 'normalized score',
      series,
      xScale: 'log2',
      yInclude: [0, 1],
    });
  });
  return `<section><h2>Overview</h2>
<table><thead><tr><th>group</th><th>runs</th><th>envs</th><th>mean normalized [95% CI]</th><th>p10</th><th>p25</th><th>median</th><th>p75</th><th>p90</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Score@k: for a total budget split into k runs of one length, the expected best (or, for environments scored by their last value, the expected) normalized score of k runs, averaged over environments; bands are 95% bootstrap intervals.</p>
<div class="charts">${charts.join('')}</div></section>`;
}

function envSection(e: ReportSummary['environments'][number], runs: RunRecord[]): string {
  const groupRows = GROUPS.filter((g) => e.groups[g]).map((g) => statsRow(g, e.groups[g]!));
  const kRows = GROUPS.filter((g) => e.groups[g]).map((g) => `<tr><td>${g}</td>${e.groups[g]!.scoreAtK.map((k) => `<td>k=${k.k}: ${ci(k)}</td>`).join('')}</tr>`);
  const curve = lineChart({
    title: `${e.id}: mean normalized score over attempt time`,
    xLabel: 'attempt time (hours)',
    yLabel: 'normalized score',
    series: GROUPS.filter((g) => e.groups[g]).map((g) => ({ name: `${g}s (${e.groups[g]!.runs})`, color: GROUP_COLOR[g], points: e.groups[g]!.curve.map((p) => ({ x: p.tMs / 3_600_000, y: p.mean })) })),
    xFormat: (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2)),
    yInclude: [0, 1],
  });
  const attempts = runs.map(
    (r) =>
      `<tr><td>${esc(r.attempt)}</td><td>${r.group}${r.agent ? ` (${esc(r.agent)})` : ''}${r.usage ? `<br><span class="ci">${usageText(r.usage)}</span>` : ''}</td><td title="${esc(r.expert)}">${esc(r.signer ?? r.expert.slice(0, 16))}</td><td>${r.ticketId ? esc(r.ticketId.slice(0, 8)) : 'practice'}</td><td>${hours(r.elapsedMs)} / ${hours(r.timeLimitMs)}</td><td>${r.validScores}/${r.scoreCount}</td><td>${num(r.final)}</td><td>${num(r.normalized)}</td><td>${r.manual ? `${num(r.manual.mean)} <span class="ci">(${r.manual.scores.map((x) => `${esc(x.judge)} ${num(x.value)}`).join(', ')})</span>` : '—'}</td><td>${r.invalidated ? `<strong>invalidated</strong> by ${esc(r.invalidated.judge)}: ${esc(r.invalidated.reason)}` : ''}</td></tr>`,
  );
  return `<section><h2>${esc(e.id)} <span class="sub">${esc(e.title)}</span></h2>
<p class="meta">versions ${e.versions.map(esc).join(', ')} · raw score: ${e.direction === 'min' ? 'lower' : 'higher'} is better · final = ${e.aggregate === 'best' ? 'best' : 'last'} valid score · time limit ${hours(e.timeLimitMs)}</p>
<table><thead><tr><th>group</th><th>runs</th><th>mean normalized [95% CI]</th><th>p10</th><th>p25</th><th>median</th><th>p75</th><th>p90</th><th>best raw</th><th>median raw</th></tr></thead><tbody>${groupRows.join('')}</tbody></table>
<table class="k"><thead><tr><th>group</th><th colspan="12">score@k of full-length runs [95% CI]</th></tr></thead><tbody>${kRows.join('')}</tbody></table>
<div class="charts">${curve}</div>
<details><summary>${runs.length} attempt(s)</summary><table><thead><tr><th>attempt</th><th>group</th><th>signer</th><th>ticket</th><th>time used</th><th>valid scores</th><th>final</th><th>normalized</th><th>manual (judges' mean)</th><th>review</th></tr></thead><tbody>${attempts.join('')}</tbody></table></details>
</section>`;
}

function statsRow(g: Group, x: EnvGroupStats): string {
  const p = x.normalized.percentiles;
  return `<tr><td>${g}</td><td>${x.runs}</td><td>${ci(x.normalized)}</td>${['p10', 'p25', 'p50', 'p75', 'p90'].map((k) => `<td>${num(p[k])}</td>`).join('')}<td>${num(x.raw.best)}</td><td>${num(x.raw.median)}</td></tr>`;
}

function problems(s: ReportSummary): string {
  const fails = s.failures.map((f) => `<tr><td>${esc(f.file)}</td><td><code>${esc(f.code)}</code></td><td>${esc(f.message)}</td></tr>`);
  const dups = s.duplicates.map((d) => `<tr><td><code>${esc(d.ticketId)}</code></td><td>${esc(d.kept)}</td><td>${d.dropped.map(esc).join('<br>')}</td></tr>`);
  return `<section><h2>Not counted</h2>
${fails.length ? `<h3>Failed verification (${fails.length})</h3><table><thead><tr><th>bundle</th><th>code</th><th>why</th></tr></thead><tbody>${fails.join('')}</tbody></table>` : '<p>Every bundle verified.</p>'}
${dups.length ? `<h3>Reused tickets (${dups.length})</h3><p class="note">A ticket admits one attempt: the one that started first counts.</p><table><thead><tr><th>ticket</th><th>counted</th><th>not counted</th></tr></thead><tbody>${dups.join('')}</tbody></table>` : '<p>No ticket was used twice.</p>'}
</section>`;
}

function reviewSection(s: ReportSummary): string {
  const r = s.review;
  if (!r) return '';
  const judges = [...new Set(r.manualScores.flatMap((m) => m.scores.map((x) => x.judge)))].sort();
  const manual = r.manualScores.map(
    (m) => `<tr><td>${esc(m.envId)}</td><td>${esc(m.attempt)}</td><td>${m.group}</td>${judges.map((j) => `<td>${num(m.scores.find((x) => x.judge === j)?.value)}</td>`).join('')}<td>${num(m.mean)}</td></tr>`,
  );
  const inv = r.invalidated.map((x) => `<tr><td>${esc(x.envId)}</td><td>${esc(x.attempt)}</td><td>${x.group}</td><td>${esc(x.reason)}</td><td>${esc(x.judge)} <code>${esc(x.fingerprint)}</code></td><td>${esc(x.t)}</td></tr>`);
  const hist = r.history.map((h) => `<tr><td>${esc(h.t)}</td><td>${h.kind}</td><td>${esc(h.attempt)}</td><td>${esc(h.judge)}</td><td>${esc(h.reason ?? '')}</td></tr>`);
  const bad = r.invalidLines.map((l) => `<tr><td>${l.line}</td><td><code>${esc(l.code)}</code></td><td>${esc(l.message)}</td></tr>`);
  return `<section><h2>Review</h2>
<p class="meta">${r.records} signed review record(s)${r.reveals.length ? ` · revealed by ${r.reveals.map((x) => `${esc(x.judge)} (${esc(x.t)})`).join(', ')}` : ' · still blind'}</p>
${inv.length ? `<h3>Invalidated (${inv.length}): not in the statistics</h3><table><thead><tr><th>env</th><th>attempt</th><th>group</th><th>reason</th><th>judge</th><th>when</th></tr></thead><tbody>${inv.join('')}</tbody></table>` : '<p>No attempt is invalidated.</p>'}
${manual.length ? `<h3>Manual scores</h3><table><thead><tr><th>env</th><th>attempt</th><th>group</th>${judges.map((j) => `<th>${esc(j)}</th>`).join('')}<th>mean</th></tr></thead><tbody>${manual.join('')}</tbody></table>` : ''}
${hist.length ? `<h3>Invalidations and restores</h3><table><thead><tr><th>when</th><th>what</th><th>attempt</th><th>judge</th><th>reason</th></tr></thead><tbody>${hist.join('')}</tbody></table>` : ''}
${bad.length ? `<h3>Review lines that failed their check (${bad.length}): ignored</h3><table><thead><tr><th>line</th><th>code</th><th>why</th></tr></thead><tbody>${bad.join('')}</tbody></table>` : ''}
</section>`;
}

function methods(): string {
  return `<section class="methods"><h2>Methods</h2><ul>
<li>Normalized score n = (s − s<sub>start</sub>) / (s<sub>ref</sub> − s<sub>start</sub>), clipped below at 0 (RE-Bench); an attempt with no valid score counts as 0.</li>
<li>Score@k is the mean, over all k-subsets of an environment's runs, of the subset's best normalized score (exactly, by order statistics); for environments scored by their last value it is the mean. Runs shorter than the limit are the recorded runs cut at that time (the score log's best, or last, value by then).</li>
<li>95% intervals: percentile bootstrap, runs resampled with replacement within each environment, statistics averaged over environments; fixed seed, so the same bundles give the same report.</li>
<li>Humans and agents (bundles whose manifest names an agent) are summarized separately. Only bundles that verified count.</li>
</ul></section>`;
}

function ci(x: ValueCI): string {
  return `${num(x.value)} <span class="ci">[${num(x.ci.lo)}, ${num(x.ci.hi)}]</span>`;
}

function num(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3);
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 1 ? `${Number.isInteger(h) ? h : h.toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px}
.sub{font-weight:normal;color:#555;font-size:15px}.meta,.note{color:#555}.ci{color:#666;font-size:12px}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{width:100%;max-width:640px;height:auto;background:#fff}
.chart .title{font-weight:600;font-size:13px}.chart .tick,.chart .legend{font-size:11px;fill:#333}.chart .label{font-size:12px;fill:#333}
.chart .grid{stroke:#eee}.chart .axis{stroke:#888}.chart .line{fill:none;stroke-width:2}.chart .band{opacity:.15}.chart .whisker{stroke-width:1.5}
details{margin:6px 0}code{font-size:12px}
@media print{.chart{max-width:100%}}
`;

/** "12,345 in / 678 out tokens · $0.42": an agent run's reported usage. */
function usageText(u: NonNullable<RunRecord['usage']>): string {
  const cost = u.costUsd !== undefined ? ` · $${u.costUsd.toFixed(2)}` : '';
  return `${u.inputTokens.toLocaleString('en-US')} in / ${u.outputTokens.toLocaleString('en-US')} out tokens${cost}`;
}

/** What the agent runs reported spending (report_usage), per agent: the cost view beside the scores. */
function agentCost(runs: readonly RunRecord[]): string {
  const byAgent = new Map<string, { runs: number; reporting: number; input: number; output: number; cost: number; costRuns: number; normalized: number }>();
  for (const r of runs) {
    if (r.group !== 'agent' || r.invalidated) continue;
    const a = byAgent.get(r.agent ?? '?') ?? { runs: 0, reporting: 0, input: 0, output: 0, cost: 0, costRuns: 0, normalized: 0 };
    a.runs++;
    a.normalized += r.normalized ?? 0;
    if (r.usage) {
      a.reporting++;
      a.input += r.usage.inputTokens;
      a.output += r.usage.outputTokens;
      if (r.usage.costUsd !== undefined) {
        a.cost += r.usage.costUsd;
        a.costRuns++;
      }
    }
    byAgent.set(r.agent ?? '?', a);
  }
  if (byAgent.size === 0) return '';
  const rows = [...byAgent].map(
    ([name, a]) =>
      `<tr><td>${esc(name)}</td><td>${a.runs}</td><td>${a.reporting}</td><td>${a.input.toLocaleString('en-US')}</td><td>${a.output.toLocaleString('en-US')}</td><td>${a.costRuns ? `$${a.cost.toFixed(2)}` : '—'}</td><td>${a.costRuns ? `$${(a.cost / a.costRuns).toFixed(2)}` : '—'}</td><td>${num(a.normalized / a.runs)}</td></tr>`,
  );
  return `<section><h2>Agents: reported usage</h2>
<table><thead><tr><th>agent</th><th>runs</th><th>runs reporting usage</th><th>input tokens</th><th>output tokens</th><th>cost</th><th>cost per run</th><th>mean normalized</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">As each agent reported it through the report_usage tool (summed per attempt, kept in the signed manifest); runs that reported nothing count as runs but add no usage.</p></section>`;
}

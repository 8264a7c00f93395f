/**
 * The path-patching explorer in browser mode, against the real engine and the shipped hand-built induction model
 * (L0H0 a previous-token head, L1H0 an induction head reading it through K): choose the model, type the prompts and
 * see them tokenised, run the sweep, find L0H0 → L1H0.k among the strongest cells and click it, look at L0H0's
 * attention pattern, build the induction hypothesis and see it explain ≥ 95% (and almost nothing without K), export
 * CSV, PNG and JSON. Bad input gets an inline error with its code. Screenshots go to test-results/explorer-<step>.png.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { root, shots } from '../support/host';
import { formatRaw } from '../../renderer/src/lib/numbers';
import { openE2eSession, type E2eSession } from '../support/e2e';

const MODEL = 'induction_handbuilt';
/** Enough pairs that a sweep runs for a few seconds, so Cancel can stop it. */
const PAIRS = 400;

let e2e: E2eSession | undefined;
let downloads = '';
let url = '';
let page: Page;

async function shot(step: string): Promise<void> {
  await page.screenshot({ path: join(shots, `explorer-${step}.png`) });
}

/** Clicks the centre of a heatmap cell, found from the layout the canvas publishes, as a pointer would. */
async function pointAtCell(testId: string, row: number, col: number, click: boolean): Promise<void> {
  const canvas = page.getByTestId(testId);
  await canvas.scrollIntoViewIfNeeded();
  const layout = JSON.parse((await canvas.getAttribute('data-layout'))!) as { left: number; top: number; cellW: number; cellH: number };
  const box = (await canvas.boundingBox())!;
  const x = box.x + layout.left + (col + 0.5) * layout.cellW;
  const y = box.y + layout.top + (row + 0.5) * layout.cellH;
  if (click) await page.mouse.click(x, y);
  else await page.mouse.move(x, y);
}

async function download(testId: string): Promise<{ name: string; bytes: Buffer }> {
  const pending = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const d = await pending;
  const file = join(downloads, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), bytes: readFileSync(file) };
}

async function explainProportion(): Promise<number> {
  await page.getByTestId('explain-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="explain-result"]') || document.querySelector('[data-testid="explain-error"]'), null, {
    timeout: 60_000,
  });
  const error = page.getByTestId('explain-error');
  if (await error.count()) throw new Error(`explain failed: ${await error.textContent()}`);
  return Number(await page.getByTestId('explain-result').getAttribute('data-proportion'));
}

beforeAll(async () => {
  e2e = await openE2eSession('explorer', {
    viewport: { width: 1400, height: 1200 },
    acceptDownloads: true,
    prepare: (dataDir) => {
      // An imported model with a part missing: listed with its error, not chosen.
      const shipped = join(root, 'resources', 'models', MODEL);
      const broken = join(dataDir, 'models', 'broken_copy');
      mkdirSync(broken, { recursive: true });
      for (const f of readdirSync(shipped)) if (f !== 'attn1.onnx') copyFileSync(join(shipped, f), join(broken, f));
    },
  });
  ({ url, page } = e2e);
  downloads = e2e.tempDir('dl');
});

afterAll(async () => {
  await e2e?.close();
});

describe('path-patching explorer in browser mode', () => {
  it('sweeps the hand-built induction model, finds its circuit, explains it and exports', async () => {
    await page.goto(url);
    await page.getByTestId('open-explorer').click();
    await page.getByTestId('explorer-view').waitFor();
    await page.getByTestId(`model-${MODEL}`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId(`model-${MODEL}`).textContent()).toContain('2 layer(s) × 2 head(s)');
    const broken = page.getByTestId('model-broken_copy');
    expect(await broken.getAttribute('aria-disabled')).toBe('true');
    expect(await broken.textContent()).toMatch(/MODEL_[A-Z_]+/);
    await page.getByTestId(`model-${MODEL}`).click();

    // Bad input first: an unknown token is shown inline with its code, and blocks the run.
    await page.getByTestId('prompt-clean').fill('a b z');
    await page.getByTestId('tokens-clean-error').waitFor();
    expect(await page.getByTestId('tokens-clean-error').getAttribute('data-code')).toBe('MODEL_UNKNOWN_TOKEN');
    await shot('bad-token');

    // The induction task: "g" was followed by "h" earlier in the clean prompt; the counterfactual changes the token
    // before "h", so an induction head can no longer find the match through its keys.
    await page.getByTestId('prompt-clean').fill('a b c d e f g h a b c d e f g');
    await page.getByTestId('prompt-corrupt').fill('a b c d e f p h a b c d e f g');
    await page.getByTestId('answer-correct').fill('h');
    await page.getByTestId('answer-incorrect').fill('p');
    await page.waitForFunction(() => document.querySelector('[data-testid="tokens-corrupt"]')?.getAttribute('data-count') === '15');
    expect(await page.getByTestId('tokens-clean').getAttribute('data-count')).toBe('15');
    expect(await page.locator('[data-testid="tokens-clean"] .token-chip').allTextContents()).toEqual('a b c d e f g h a b c d e f g'.split(' '));
    await shot('inputs');

    await page.getByTestId('sweep-run').click();
    await page.getByTestId('sweep-heatmap').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('sweep-error').count()).toBe(0);
    expect(await page.getByTestId('sweep-meta').textContent()).toMatch(/cpu/);
    expect(await page.getByTestId('explorer-provider').textContent()).toContain('cpu');
    await shot('sweep');

    // L0H0 → L1H0.k is among the strongest cells.
    const strongest = await page.locator('[data-testid="sweep-strongest"] li').evaluateAll((items) =>
      items.map((li) => ({ sender: li.getAttribute('data-sender'), receiver: li.getAttribute('data-receiver'), effect: Number(li.getAttribute('data-effect')) })),
    );
    const k = strongest.findIndex((c) => c.sender === 'L0H0' && c.receiver === 'L1H0.k');
    expect(k, JSON.stringify(strongest)).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(4);
    expect(strongest[k]!.effect).toBeGreaterThan(0.5);
    // A path into Q from the previous-token head is not among them.
    expect(strongest.slice(0, 4).some((c) => c.sender === 'L0H0' && c.receiver === 'L1H0.q')).toBe(false);

    // Click that cell on the canvas: the detail panel names it and gives the numbers.
    const senders = ['embed', 'L0H0', 'L0H1', 'L1H0', 'L1H1'];
    const receivers = ['L0H0.q', 'L0H0.k', 'L0H0.v', 'L0H1.q', 'L0H1.k', 'L0H1.v', 'L1H0.q', 'L1H0.k', 'L1H0.v', 'L1H1.q', 'L1H1.k', 'L1H1.v', 'logits'];
    await pointAtCell('sweep-heatmap', senders.indexOf('L0H0'), receivers.indexOf('L1H0.k'), false);
    expect(await page.getByTestId('sweep-heatmap-tip').textContent()).toMatch(/^L0H0 → L1H0\.k: \d+\.\d% of total/);
    await pointAtCell('sweep-heatmap', senders.indexOf('L0H0'), receivers.indexOf('L1H0.k'), true);
    await page.getByTestId('cell-detail').waitFor();
    expect(await page.getByTestId('cell-detail-sender').textContent()).toBe('L0H0');
    expect(await page.getByTestId('cell-detail-receiver').textContent()).toBe('L1H0.k');
    expect(await page.getByTestId('cell-detail-effect').textContent()).toMatch(/^\d+\.\d%$/);
    const patchedShown = (await page.getByTestId('cell-detail-patched').textContent())!;
    await shot('cell');

    // L0H0's pattern on the clean prompt: each query attends to the token before it.
    await page.getByTestId('attention-layer').selectOption('0');
    await page.getByTestId('attention-head').selectOption('0');
    await page.getByTestId('attention-heatmap').waitFor();
    await pointAtCell('attention-heatmap', 5, 4, false);
    const tip = (await page.getByTestId('attention-heatmap-tip').textContent())!;
    expect(tip).toMatch(/^query 5 f → key 4 e: /);
    expect(Number(tip.split(': ')[1])).toBeGreaterThan(0.9);
    await shot('attention');

    // The hypothesis: the K path from the detail panel, the Q and V paths typed.
    await page.getByTestId('cell-detail-add').click();
    for (const p of ['embed>L1H0.q>logits', 'embed > L1H0.v > logits']) {
      await page.getByTestId('path-input').fill(p);
      await page.getByTestId('path-add').click();
    }
    await page.getByTestId('path-input').fill('embed>L2H0>logits');
    await page.getByTestId('path-add').click();
    expect(await page.getByTestId('path-error').textContent()).toContain('2 layer(s)');
    expect(await page.locator('[data-testid="hypothesis-paths"] li').evaluateAll((li) => li.map((x) => x.getAttribute('data-path')))).toEqual([
      'embed>L0H0>L1H0.k>logits',
      'embed>L1H0.q>logits',
      'embed>L1H0.v>logits',
    ]);
    const withK = await explainProportion();
    expect(withK).toBeGreaterThanOrEqual(0.95);
    expect(await page.getByTestId('explain-proportion').textContent()).toMatch(/^\d+\.\d%$/);
    await shot('hypothesis');

    // Without the path into K the circuit explains almost nothing.
    await page.getByRole('button', { name: 'Remove embed>L0H0>L1H0.k>logits' }).click();
    expect(await explainProportion()).toBeLessThanOrEqual(0.1);

    // Exports: the CSV matrix with labels, the heatmap as PNG, the results as JSON.
    const csv = await download('export-csv');
    expect(csv.name).toMatch(new RegExp(`^sweep-${MODEL}-\\d{8}T\\d{6}\\.csv$`));
    const lines = csv.bytes.toString('utf8').trim().split('\r\n');
    expect(lines[0]!.split(',').slice(1)).toEqual(receivers);
    expect(lines.map((l) => l.split(',')[0])).toEqual(['effect (sender \\ receiver)', ...senders]);
    const kEffect = Number(lines[1 + senders.indexOf('L0H0')]!.split(',')[1 + receivers.indexOf('L1H0.k')]);
    expect(kEffect).toBeCloseTo(strongest[k]!.effect, 10);
    const metricCsv = (await download('export-csv-metric')).bytes.toString('utf8').trim().split('\r\n');
    expect(metricCsv[0]!.startsWith('logit-diff (sender \\ receiver),')).toBe(true);
    const patched = Number(metricCsv[1 + senders.indexOf('L0H0')]!.split(',')[1 + receivers.indexOf('L1H0.k')]);
    expect(formatRaw(patched)).toBe(patchedShown);
    const png = await download('export-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const json = JSON.parse((await download('export-json')).bytes.toString('utf8')) as { sweep: { senders: string[] }; request: { modelId: string } };
    expect(json.sweep.senders).toEqual(senders);
    expect(json.request.modelId).toBe(MODEL);
    await shot('export');

    // A dataset of pairs instead of the typed prompts: a bad file says what is wrong; a good one shows its count.
    await page.getByTestId('dataset-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"clean": 1}') });
    expect(await page.getByTestId('dataset-error').textContent()).toContain('bad.json: Expected an array');
    const pairs = Array.from({ length: PAIRS }, (_, i) => {
      const s = Array.from({ length: 8 }, (_, j) => 'abcdefgh'[(i + j) % 8]!);
      const x = 'ijklmnop'[i % 8]!;
      return { clean: [...s, ...s.slice(0, 7)].join(' '), corrupt: [...s.slice(0, 6), x, s[7], ...s.slice(0, 7)].join(' '), answers: [s[7], x] };
    });
    await page.getByTestId('dataset-file').setInputFiles({ name: 'pairs.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(pairs)) });
    await page.getByTestId('dataset').waitFor();
    expect(await page.getByTestId('dataset').getAttribute('data-count')).toBe(String(PAIRS));
    await shot('dataset');
    // A long run shows its progress and stops on Cancel; the last result stays.
    await page.getByTestId('sweep-run').click();
    await page.getByTestId('sweep-progress').waitFor();
    await page.getByTestId('sweep-progress-cancel').click();
    await page.getByTestId('sweep-cancelled').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('sweep-prompts').textContent()).toContain('a b c d e f p h a b c d e f g');
    await shot('cancelled');
    await page.getByTestId('dataset-clear').click();

    // A prompt longer than the context (32) is refused with a clear, coded error, not a crash.
    const long = Array.from({ length: 40 }, (_, i) => 'abcdefgh'[i % 8]).join(' ');
    await page.getByTestId('prompt-clean').fill(long);
    await page.getByTestId('prompt-corrupt').fill(long);
    await page.getByTestId('tokens-corrupt-error').waitFor();
    expect(await page.getByTestId('tokens-clean-error').getAttribute('data-code')).toBe('PATCH_PROMPT_TOO_LONG');
    expect(await page.getByTestId('sweep-run').isDisabled()).toBe(true);
    // The host says the same, with the same code, when asked for the prompt's attention patterns.
    await page.getByTestId('attention-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('attention-error').getAttribute('data-code')).toBe('PATCH_PROMPT_TOO_LONG');
    // The last sweep stays on screen with the prompts it was run on.
    expect(await page.getByTestId('sweep-prompts').textContent()).toContain('a b c d e f p h a b c d e f g');
    await shot('too-long');

    // A reload comes back to the Explorer (the view lives in the URL fragment).
    await page.reload();
    await page.getByTestId('explorer-view').waitFor();
    await page.getByTestId(`model-${MODEL}`).waitFor({ timeout: 30_000 });

    // Back home, and the Explorer is one click away again.
    await page.getByTestId('explorer-home').click();
    await page.getByTestId('open-explorer').waitFor();
  });

  it('sweeps the trained 2-layer model with KL, which needs no answers', async () => {
    await page.getByTestId('open-explorer').click();
    await page.getByTestId('model-attn_only_2l').click();
    expect(await page.getByTestId('model-attn_only_2l').textContent()).toContain('2 layer(s) × 4 head(s)');
    await page.getByTestId('metric').selectOption('kl');
    // Asking for CUDA on a machine without it runs on cpu, and the page says so.
    // The select says so before the run too, with the reason.
    expect(await page.locator('[data-testid="provider"] option[value="cuda"]').textContent()).toBe('CUDA (NVIDIA) — not installed here');
    expect(await page.locator('[data-testid="provider"] option[value="cpu"]').textContent()).toBe('CPU');
    await page.getByTestId('provider').selectOption('cuda');
    expect(await page.getByTestId('provider-unavailable').textContent()).toMatch(/^CUDA \(NVIDIA\) is not available here \(libonnxruntime_providers_cuda\.so is not installed.*\); runs use the CPU\.$/);
    await page.getByTestId('answer-correct').fill('');
    await page.getByTestId('answer-incorrect').fill('');
    const seg = 'q w e r t y u i o p k j'.split(' ');
    await page.getByTestId('prompt-clean').fill([...seg, ...seg.slice(0, 8)].join(' '));
    await page.getByTestId('prompt-corrupt').fill([...'z x c v b n m a s d f l'.split(' '), ...seg.slice(0, 8)].join(' '));
    await page.waitForFunction(() => document.querySelector('[data-testid="tokens-corrupt"]')?.getAttribute('data-count') === '20');
    await page.getByTestId('sweep-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sweep-meta"]')?.textContent?.includes('KL'), null, { timeout: 120_000 });
    const layout = JSON.parse((await page.getByTestId('sweep-heatmap').getAttribute('data-layout'))!) as { rows: number; cols: number };
    // embed + 8 heads; the q, k, v of 8 heads + logits.
    expect(layout).toMatchObject({ rows: 9, cols: 25 });
    expect(await page.getByTestId('explorer-provider').textContent()).toBe('execution provider: cpu (cuda is not installed here)');
    expect(await page.locator('[data-testid="sweep-strongest"] li').count()).toBe(8);
    // A layer-1 head does not feed a layer-0 input: that cell is hatched and says so.
    await pointAtCell('sweep-heatmap', 5, 0, false);
    expect(await page.getByTestId('sweep-heatmap-tip').textContent()).toBe('L1H0 → L0H0.q: not downstream');
    await shot('trained');
  });
});

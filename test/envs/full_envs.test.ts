import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectEnvDir, loadEnvDir } from '../../main/node/envs/loadEnvDir';
import { runPreflight } from '../../main/node/envs/preflight';
import { envDir, REPO, SYSTEM_PYTHON } from './envScoring';

/**
 * The full-only environments (optimize_llm_foundry, nanogpt_chat_rl, rust_codecontests_inference) and the full
 * variant of small_scaling_law: their env.json validates, preflight on this GPU-less machine names what is missing,
 * and the scoring logic that needs no GPU runs for real on tiny fake inputs.
 */
const FULL_ENVS = ['optimize_llm_foundry', 'nanogpt_chat_rl', 'rust_codecontests_inference', 'small_scaling_law'];
const KIT = join(REPO, 'resources', 'python');
const run = promisify(execFile);

interface ScorerLine {
  score: number | null;
  message: string;
  details: Record<string, unknown>;
}

function lastJsonLine(stdout: string): ScorerLine {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as ScorerLine;
}

/** Runs an environment's scorer script directly (cwd: the environment folder), as the app would. */
async function scorer(id: string, script: string, args: string[], env: Record<string, string> = {}): Promise<ScorerLine> {
  const { stdout } = await run(SYSTEM_PYTHON, [join('scorer', script), ...args], {
    cwd: envDir(id),
    env: { ...process.env, PYTHONPATH: KIT, PYTHONDONTWRITEBYTECODE: '1', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return lastJsonLine(stdout);
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'redesk-fullenvs-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fresh(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe.each(FULL_ENVS)('%s, full variant', (id) => {
  it('validates, and every file asset it declares is reported missing here', async () => {
    const env = await loadEnvDir(envDir(id), 'full', { assets: 'none' });
    expect(env.variant).toBe('full');
    expect(env.spec.assets.length).toBeGreaterThan(0);
    for (const a of env.spec.assets) {
      expect(a.description, a.path).toBeTruthy();
      expect(a.obtain, a.path).toBeTruthy();
    }
    const inspected = await inspectEnvDir(envDir(id), 'full', { assets: 'size' });
    const files = env.spec.assets.filter((a) => !a.external).map((a) => a.path);
    expect(inspected.issues.map((i) => i.code)).toEqual(files.map(() => 'ENV_ASSET_MISSING'));
    expect(inspected.issues.map((i) => i.message).join('\n')).toContain(files[0]!);
  });

  it('is not ready on this machine, and preflight names the GPUs and assets it lacks', async () => {
    const env = await loadEnvDir(envDir(id), 'full', { assets: 'none' });
    const report = await runPreflight(env, { python: SYSTEM_PYTHON });
    expect(report.ready).toBe(false);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    for (const a of env.spec.assets.filter((x) => !x.external)) expect(failed).toContain(`Asset ${a.path}`);
    if (env.spec.hardware.gpus > 0 && spawnSync('nvidia-smi', ['-L']).status !== 0) expect(failed).toContain('GPUs');
  });
});

/** A safetensors file of float32 tensors, written the way the format is specified (length, JSON header, data). */
function safetensors(tensors: Record<string, { shape: number[]; data: number[] }>): Buffer {
  const header: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = Buffer.from(new Float32Array(t.data).buffer);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...chunks]);
}

describe('optimize_llm_foundry scorer on tiny fake weights', () => {
  const REF = { embed: [1, 2, 3, 4, 5, 6], layer: [0.5, -0.5, 0.25, 0] };
  let assets: string;
  const workspaces: string[] = [];

  // finetune.sh copies the named weights into trained_model/ after a short sleep, as a real run would write them.
  function workspace(name: string, script: string, weights?: Buffer): string {
    const ws = fresh(`llmf-${name}`);
    if (weights) writeFileSync(join(ws, 'out.safetensors'), weights);
    writeFileSync(join(ws, 'finetune.sh'), `set -e\ntest -d "$ASSETS_DIR/trained_model_reference"\n${script}\n`);
    chmodSync(join(ws, 'finetune.sh'), 0o755);
    workspaces.push(ws);
    return ws;
  }
  const WRITE = 'sleep 0.3\nmkdir -p trained_model\ncp out.safetensors trained_model/model.safetensors';
  const score = (ws: string) => scorer('optimize_llm_foundry', 'score.py', ['--workspace', ws, '--assets', assets]);

  beforeAll(() => {
    assets = fresh('llmf-assets');
    mkdirSync(join(assets, 'trained_model_reference'));
    writeFileSync(
      join(assets, 'trained_model_reference', 'model.safetensors'),
      safetensors({
        'model.embed_tokens.weight': { shape: [3, 2], data: REF.embed },
        'model.layers.0.w': { shape: [2, 2], data: REF.layer },
        'lm_head.weight': { shape: [3, 2], data: REF.embed },
      }),
    );
  });

  it('scores ln(seconds) of the run when the weights stay within 5.3, by the paper\'s norm', { timeout: 60_000 }, async () => {
    // embed: one element off by 3 (tensor norm 3); layer: every element off by 0.1 (tensor norm 0.2); the LM head,
    // which the paper's comparison leaves out, off by a lot. Names without the "model." prefix (AutoModel's).
    const weights = safetensors({
      'embed_tokens.weight': { shape: [3, 2], data: [4, 2, 3, 4, 5, 6] },
      'layers.0.w': { shape: [2, 2], data: REF.layer.map((v) => v + 0.1) },
      'lm_head.weight': { shape: [3, 2], data: [100, 100, 100, 100, 100, 100] },
    });
    const r = await score(workspace('close', WRITE, weights));
    expect(r.score, r.message).not.toBeNull();
    const seconds = r.details.seconds as number;
    expect(seconds).toBeGreaterThan(0.3);
    expect(r.score!).toBeCloseTo(Math.log(seconds), 2);
    expect(r.details.normDiff as number).toBeCloseTo(3.2, 5);
    expect(r.details.maxAbsDiff as number).toBeCloseTo(3, 5);
    expect(r.details.identicalToReference).toBe(false);
  });

  it('refuses weights that drifted past 5.3 with WEIGHTS_DIVERGED', { timeout: 60_000 }, async () => {
    const weights = safetensors({
      'model.embed_tokens.weight': { shape: [3, 2], data: [1, 2, 3, 4, 5, 11.4] },
      'model.layers.0.w': { shape: [2, 2], data: REF.layer },
    });
    const r = await score(workspace('drift', WRITE, weights));
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('WEIGHTS_DIVERGED');
    expect(r.details.normDiff as number).toBeCloseTo(5.4, 4);
  });

  it('flags weights identical to the reference for review', { timeout: 60_000 }, async () => {
    const weights = readFileSync(join(assets, 'trained_model_reference', 'model.safetensors'));
    const r = await score(workspace('copy', WRITE, weights));
    expect(r.details.identicalToReference).toBe(true);
    expect(r.details.normDiff).toBe(0);
  });

  it('refuses tensors that do not match the reference\'s names or shapes', { timeout: 60_000 }, async () => {
    const renamed = safetensors({ 'model.embed_tokens.weight': { shape: [3, 2], data: REF.embed } });
    expect((await score(workspace('missing', WRITE, renamed))).details.code).toBe('WEIGHTS_MISMATCH');
    const reshaped = safetensors({
      'model.embed_tokens.weight': { shape: [2, 3], data: REF.embed },
      'model.layers.0.w': { shape: [2, 2], data: REF.layer },
    });
    const r = await score(workspace('shape', WRITE, reshaped));
    expect(r.details.code).toBe('WEIGHTS_MISMATCH');
    expect(r.message).toContain('shape');
  });

  it('removes an earlier trained_model/ first, so a script that trains nothing scores nothing', { timeout: 60_000 }, async () => {
    const ws = workspace('stale', 'true');
    mkdirSync(join(ws, 'trained_model'));
    cpSync(join(assets, 'trained_model_reference', 'model.safetensors'), join(ws, 'trained_model', 'model.safetensors'));
    const r = await score(ws);
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('NO_WEIGHTS');
    expect(existsSync(join(ws, 'trained_model'))).toBe(false);
  });

  it('reads pytorch_model.bin as plain tensors only: a pickle that runs code is refused, unrun', { timeout: 60_000 }, async () => {
    const plain = workspace(
      'bin',
      `mkdir -p trained_model\n${SYSTEM_PYTHON} -c "import torch; torch.save({'model.embed_tokens.weight': torch.tensor(${JSON.stringify(REF.embed)}).reshape(3, 2), ` +
        `'model.layers.0.w': torch.tensor(${JSON.stringify(REF.layer)}).reshape(2, 2) + 0.5}, 'trained_model/pytorch_model.bin')"`,
    );
    const ok = await score(plain);
    expect(ok.score, ok.message).not.toBeNull();
    expect(ok.details.normDiff as number).toBeCloseTo(1, 5);
    const evil = workspace(
      'pickle',
      `mkdir -p trained_model\n${SYSTEM_PYTHON} -c "
import os, torch
class Boom:
    def __reduce__(self):
        return (os.system, ('touch ' + os.path.abspath('pwned'),))
torch.save({'model.embed_tokens.weight': Boom()}, 'trained_model/pytorch_model.bin')"`,
    );
    const r = await score(evil);
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('WEIGHTS_UNREADABLE');
    expect(existsSync(join(evil, 'pwned'))).toBe(false);
  });

  it('reports a failing finetune.sh with its exit code and last output', { timeout: 60_000 }, async () => {
    const r = await score(workspace('fail', 'echo "CUDA out of memory" >&2\nexit 3'));
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('SOLUTION_FAILED');
    expect(r.message).toContain('exited with code 3');
    expect(r.message).toContain('CUDA out of memory');
  });
});

describe('nanogpt_chat_rl judging with a fake judge', () => {
  type Mode = 'fair' | 'first' | 'garbage';
  let server: Server;
  let base: string;
  let mode: Mode = 'fair';
  // What the judge saw: per prompt id, whether the candidate's answer came first.
  const seen = new Map<string, boolean[]>();
  const N = 40;
  const dir = () => join(root, 'chat');

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const message = JSON.parse(body).messages[0].content as string;
        const a = /Reply A:\n(.*)\n\nReply B:/s.exec(message)![1]!;
        const b = /Reply B:\n(.*)\n\nWhich reply/s.exec(message)![1]!;
        const id = /cand-(\d+)/.exec(a + b)?.[1] ?? /base-(\d+)/.exec(a + b)![1]!;
        seen.set(id, [...(seen.get(id) ?? []), a.startsWith('cand-')]);
        // Fair: prefers the answer saying GOOD, wherever it stands; tie when neither does.
        const verdict =
          mode === 'first' ? 'A' : mode === 'garbage' ? 'I cannot decide.' : a.includes('GOOD') ? 'A' : b.includes('GOOD') ? 'B' : 'TIE';
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: verdict } }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    mkdirSync(dir());
    const lines = (f: (i: number) => object) => Array.from({ length: N }, (_, i) => JSON.stringify(f(i))).join('\n') + '\n';
    writeFileSync(join(dir(), 'prompts.jsonl'), lines((i) => ({ id: String(i), prompt: `question ${i}?` })));
    writeFileSync(join(dir(), 'baseline.jsonl'), lines((i) => ({ id: String(i), answer: `base-${i} meh` })));
    // The candidate is better on every third prompt, and as good elsewhere.
    writeFileSync(join(dir(), 'candidate.jsonl'), lines((i) => ({ id: String(i), answer: `cand-${i} ${i % 3 === 0 ? 'GOOD' : 'meh'}` })));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const judge = (seed: number, judgeBase = base) => {
    seen.clear();
    return scorer(
      'nanogpt_chat_rl',
      'judge.py',
      ['--prompts', 'prompts.jsonl', '--candidate', 'candidate.jsonl', '--baseline', 'baseline.jsonl', '--seed', String(seed), '--out', 'verdicts.jsonl'].map(
        (a) => (a.endsWith('.jsonl') ? join(dir(), a) : a),
      ),
      { JUDGE_API_BASE: judgeBase, JUDGE_API_KEY: 'test-key', JUDGE_MODEL: 'fake-judge' },
    );
  };
  const verdicts = () =>
    readFileSync(join(dir(), 'verdicts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; candidateFirst: boolean });

  it('computes the win rate with ties as half, whatever order each pair is shown in', { timeout: 60_000 }, async () => {
    mode = 'fair';
    const r = await judge(7);
    const good = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === 0).length;
    expect(r.score).toBeCloseTo((good + (N - good) / 2) / N, 10);
    expect(r.details).toMatchObject({ comparisons: N, wins: good, ties: N - good, losses: 0, seed: 7 });
    // The order the judge saw is the order the verdicts record, and both orders occur.
    for (const v of verdicts()) expect(seen.get(v.id)).toEqual([v.candidateFirst]);
    const first = r.details.candidateFirst as number;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(N);
  });

  it('draws the order afresh per seed, so a judge that always picks A scores the share shown first', { timeout: 60_000 }, async () => {
    mode = 'first';
    const r1 = await judge(1);
    const order1 = verdicts().map((v) => v.candidateFirst);
    expect(r1.score).toBeCloseTo(order1.filter(Boolean).length / N, 10);
    expect(r1.score!).toBeGreaterThan(0.2);
    expect(r1.score!).toBeLessThan(0.8);
    await judge(2);
    expect(verdicts().map((v) => v.candidateFirst)).not.toEqual(order1);
    expect((await judge(1)).score).toBe(r1.score);
  });

  it('asks again when the verdict cannot be read, then counts a tie', { timeout: 60_000 }, async () => {
    mode = 'garbage';
    const r = await judge(3);
    expect(r.score).toBe(0.5);
    expect(r.details.unparsedVerdicts).toBe(N);
    expect([...seen.values()].every((s) => s.length === 2)).toBe(true);
  });

  it('gives no score, with JUDGE_UNAVAILABLE, when the judge cannot be reached', { timeout: 60_000 }, async () => {
    const r = await judge(4, 'http://127.0.0.1:9/v1');
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('JUDGE_UNAVAILABLE');
  });

  it('refuses a workspace without a model before generating anything', { timeout: 60_000 }, async () => {
    const r = await scorer('nanogpt_chat_rl', 'score.py', ['--workspace', fresh('chat-empty'), '--assets', dir()]);
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('NO_MODEL');
  });
});

describe('rust_codecontests_inference: problems and counting', () => {
  // A CodeContests row, with the fields of DeepMind's data set.
  const row = (name: string, extra: object = {}) => ({
    name,
    description: `Print the sum of two integers (${name}).`,
    public_tests: { input: ['1 2\n'], output: ['3\n'] },
    private_tests: { input: ['10 -4\n', '1000000000 1000000000\n'], output: ['6\n', '2000000000\n'] },
    generated_tests: { input: ['0 0\n'], output: ['0'] },
    time_limit: { seconds: 0, nanos: 500_000_000 },
    memory_limit_bytes: 256 * 1024 * 1024,
    ...extra,
  });
  const py = (code: string): unknown => {
    const out = spawnSync(SYSTEM_PYTHON, ['-c', `import json, sys\nsys.path.insert(0, "scorer")\nimport problems as pr\n${code}`], {
      cwd: envDir('rust_codecontests_inference'),
      env: { ...process.env, PYTHONPATH: KIT, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    });
    expect(out.stderr).toBe('');
    return JSON.parse(out.stdout);
  };

  it('parses a problem: every test set judged, only the public ones shown, time limits clamped', () => {
    const r = py(`p = pr.parse_problem(json.loads(${JSON.stringify(JSON.stringify(row('sum')))}))
print(json.dumps({"tests": len(p["tests"]), "tl": p["time_limit_s"], "statement": pr.statement(p)}))`) as {
      tests: number;
      tl: number;
      statement: Record<string, unknown>;
    };
    expect(r.tests).toBe(4);
    expect(r.tl).toBe(1); // 0.5 s raised to the 1 s floor
    expect(Object.keys(r.statement).sort()).toEqual(['description', 'memory_limit_bytes', 'name', 'public_tests', 'time_limit_s']);
    expect(JSON.stringify(r.statement)).not.toContain('2000000000');
  });

  it('refuses problems that cannot be judged, and compares outputs token by token', () => {
    const r = py(`out = {}
for name, row in [("no_tests", {"name": "x", "description": "d"}), ("uneven", {"name": "y", "description": "d", "public_tests": {"input": ["1"], "output": []}})]:
    try:
        pr.parse_problem(row); out[name] = "parsed"
    except pr.ProblemError as e:
        out[name] = str(e)
out["match"] = [pr.outputs_match("3\\n4 5\\n", "3 4\\n5"), pr.outputs_match("3", "3 0"), pr.outputs_match("", "")]
out["fraction"] = [pr.fraction_solved([{"solved": True}, {"solved": False}, {"solved": False}, {"solved": True}]), pr.fraction_solved([])]
print(json.dumps(out))`) as Record<string, unknown>;
    expect(r.no_tests).toContain('no tests');
    expect(r.uneven).toContain('1 inputs and 0 outputs');
    expect(r.match).toEqual([true, false, true]);
    expect(r.fraction).toEqual([0.5, 0]);
  });
});

const rustc = spawnSync('rustc', ['--version']).status === 0;

describe.skipIf(!rustc)('rust_codecontests_inference: judging real Rust (needs rustc)', () => {
  const GOOD = 'use std::io::*;\nfn main(){let mut s=String::new();stdin().read_to_string(&mut s).unwrap();let v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();println!("{}",v[0]+v[1]);}\n';
  const SOLUTIONS: Record<string, string> = {
    good: GOOD,
    wrong: GOOD.replace('v[0]+v[1]', 'v[0]-v[1]'),
    overflow: GOOD.replaceAll('i64', 'i32'),
    slow: 'fn main(){std::thread::sleep(std::time::Duration::from_secs(5));println!("3");}\n',
    broken: 'fn main() { let x: i32 = "no"; }\n',
    // Would read the held-out tests at compile time; refused before rustc runs.
    cheat: 'const T: &str = include_str!("/etc/hostname");\nfn main() { print!("{}", T); }\n',
  };
  let problemsFile: string;

  beforeAll(() => {
    const dir = fresh('rust');
    problemsFile = join(dir, 'problems.jsonl');
    const rows = Object.keys(SOLUTIONS).map((name) => ({
      name,
      description: 'Print the sum of two integers.',
      public_tests: { input: ['1 2\n'], output: ['3\n'] },
      private_tests: { input: ['10 -4\n', '2000000000 2000000000\n'], output: ['6\n', '4000000000\n'] },
      time_limit: { seconds: 1 },
    }));
    writeFileSync(problemsFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  });

  it('solves only what compiles and passes every test in time', { timeout: 180_000 }, async () => {
    const solutions = join(root, 'rust', 'solutions.jsonl');
    writeFileSync(solutions, Object.entries(SOLUTIONS).map(([name, code]) => JSON.stringify({ name, code })).join('\n') + '\n');
    const r = await scorer('rust_codecontests_inference', 'score.py', ['--workspace', root, '--problems', problemsFile, '--solutions', solutions]);
    expect(r.score).toBeCloseTo(1 / 6, 10);
    const verdicts = Object.fromEntries((r.details.verdicts as { name: string; verdict: string }[]).map((v) => [v.name, v.verdict]));
    expect(verdicts).toEqual({
      good: 'accepted',
      wrong: 'test 1: wrong answer',
      overflow: expect.stringMatching(/^test 3: (wrong answer|runtime error)/),
      slow: 'test 1: time limit exceeded',
      broken: expect.stringMatching(/^compile error: error/),
      cheat: expect.stringMatching(/^forbidden: include/),
    });
  });

  it('runs the workspace scaffold (a fake model here) on the statements only, in the guard', { timeout: 180_000 }, async () => {
    const ws = fresh('rust-ws');
    // The fake "model": a known-good program for "good", a wrong one otherwise; it records what it was shown.
    writeFileSync(
      join(ws, 'solve.py'),
      `import json, os\nGOOD = ${JSON.stringify(GOOD)}\ndef generate_solution(problem):\n` +
        `    with open(os.path.join(os.path.dirname(__file__), "seen_" + problem["name"] + ".json"), "w") as f:\n` +
        `        json.dump(problem, f)\n    return GOOD if problem["name"] in ("good", "overflow") else "fn main() {}"\n`,
    );
    const r = await scorer('rust_codecontests_inference', 'score.py', ['--workspace', ws, '--problems', problemsFile]);
    expect(r.score, r.message).toBeCloseTo(2 / 6, 10);
    const seen = readFileSync(join(ws, 'seen_good.json'), 'utf8');
    expect(seen).toContain('1 2');
    expect(seen).not.toContain('2000000000');
  });

  it('lets the guarded scaffold test candidates on the public examples through the scorer (rust.check), by its rules', { timeout: 240_000 }, async () => {
    const ws = fresh('rust-check');
    // Three candidates per problem, tried in order: a forbidden one, a wrong one, the right one. The scaffold keeps the
    // first that passes the public examples; what check() said is written down for the test to read.
    const candidates = [SOLUTIONS.cheat, SOLUTIONS.wrong, GOOD];
    writeFileSync(
      join(ws, 'solve.py'),
      `import json, os\nfrom redesk_envkit.rust import check\nCANDIDATES = ${JSON.stringify(candidates)}\n` +
        `def generate_solution(problem):\n    seen = []\n    for code in CANDIDATES:\n` +
        `        r = check(code, problem["public_tests"], problem["time_limit_s"])\n        seen.append(r["verdict"])\n` +
        `        if r["verdict"] == "accepted":\n            break\n` +
        `    with open(os.path.join(os.path.dirname(__file__), "checked_" + problem["name"] + ".json"), "w") as f:\n` +
        `        json.dump(seen, f)\n    return code\n`,
    );
    const r = await scorer('rust_codecontests_inference', 'score.py', ['--workspace', ws, '--problems', problemsFile]);
    // GOOD passes every test of every problem but "overflow" (whose private test needs i64: GOOD has it).
    expect(r.score, r.message).toBeCloseTo(1, 10);
    const seen = JSON.parse(readFileSync(join(ws, 'checked_good.json'), 'utf8')) as string[];
    expect(seen).toEqual([expect.stringMatching(/^forbidden: include/), 'test 1: wrong answer', 'accepted']);
  });

  it('checks candidates in the terminal too (no scorer: compiled here), and refuses a malformed request', () => {
    const out = spawnSync(
      SYSTEM_PYTHON,
      ['-c', `import json\nfrom redesk_envkit.rust import check, answer_check\nr = check(${JSON.stringify(GOOD)}, [{"input": "2 2\\n", "output": "4"}])\n` +
        `try:\n    answer_check({"op": "rust.check", "code": "", "tests": "nope"})\n    bad = None\nexcept ValueError as e:\n    bad = str(e)\nprint(json.dumps({"r": r, "bad": bad}))`],
      { env: { ...process.env, PYTHONPATH: KIT, PYTHONDONTWRITEBYTECODE: '1' }, encoding: 'utf8' },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ r: { verdict: 'accepted', passed: 1, tests: 1 }, bad: expect.stringMatching(/tests must be a list/) });
  });

  it('catches a scaffold that reads the environment folder (where the held-out problems live)', { timeout: 120_000 }, async () => {
    const ws = fresh('rust-cheat');
    writeFileSync(
      join(ws, 'solve.py'),
      'import os\ndef generate_solution(problem):\n    try:\n        open(os.path.join(os.environ["REDESK_ENV_DIR"], "scorer", "problems.py")).read()\n' +
        '    except Exception:\n        pass\n    return ""\n',
    );
    const r = await scorer('rust_codecontests_inference', 'score.py', ['--workspace', ws, '--problems', problemsFile]);
    expect(r.score).toBeNull();
    expect(r.details.code).toBe('SANDBOX_VIOLATION');
  });
});

const lib = await import('./node_modules/.cache/redesk-bench/patching.mjs');
const e = new lib.PatchEngine(await lib.loadModelDir('/tmp/h1b/mid'), { inThread: true, threads: 2 });
const seq = (k) => Array.from({ length: 32 }, (_, i) => `t${(i * k + 3) % 50}`).join(' ');
const t = performance.now();
await e.sweep({ pairs: [{ clean: seq(7), corrupt: seq(13), answers: ['t3', 't4'] }], metric: 'logit-diff' });
console.log('ms', (performance.now() - t).toFixed(0), 'onnx', e.runner.busyMs.toFixed(0));
await e.close();

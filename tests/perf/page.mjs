// Page performance at scale (issue 11), in headless Chromium driven by playwright-core. For each
// size it opens a fresh kind-multi playground playing at 60×, adds workers (~100 pods each),
// scales a Deployment to the size, and prints what a learner feels:
//   load      navigation → page usable (loading note gone, terminal ready), and the first
//             command's answer (Enter → output in the page), also counted from navigation
//   scale     the longest task after Enter on `kubectl scale` (the freeze), the real time
//             until every replica is Ready, and the frame times meanwhile
//   frames    frame times p50/p95/max and long tasks while playing at 60× (steady, all Ready)
//   commands  Enter → output for a few kubectl commands with all those pods
//   memory    JS heap and WebAssembly memory before and after 10 s of playing with no input,
//             and the DOM's element count
// It measures and prints; it asserts no threshold (a timed assertion would be flaky on a
// shared machine). It fails only when the page breaks (an error, or a size never settles).
//
// At the controllers' real pace (kube-controller-manager's client: 20 requests a second) a
// scale to 100,000 takes 5,000 virtual seconds, hours of real time here. So from 100,000 pods
// on (or at any size with --qps N) the playground is instead a kind config (the toolbar's
// "kind config…") with all its workers and the controller manager's `kube-api-qps` raised to
// N (default 200, burst 1.5×: the `pace-fast-controllers` golden's config), as a kind
// cluster's kubeadmConfigPatches raise it: the same pods, created in 500 virtual seconds
// instead of 5,000 (a higher N shortens little: placing each pod on one of 1,000 nodes is
// most of the time, and an instant's batch of pods holds the page longer). The real time is
// still printed, and every 30 s while it waits, how many replicas are Ready.
// With --profile FILE, Chrome's sampling profiler runs from `kubectl scale` until all are Ready:
// the profile is written to FILE (one per size: FILE's name gets the size), and what the long
// tasks spent their time in is printed (`long_tasks.mjs`).
// Usage: node tests/perf/page.mjs DIST_DIR [--sizes 1k,10k,100k] [--qps N] [--ready-limit SECONDS] [--profile FILE]
import { writeFileSync } from 'node:fs';
import { launchChromium, signal } from '../e2e/lib.mjs';
import { summarize } from './long_tasks.mjs';
import { serveApart } from './serve.mjs';

const args = process.argv.slice(2);
const valued = ['--sizes', '--qps', '--ready-limit', '--profile'];
const dist = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1])) ?? 'dist';
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const SIZES = option('--sizes', '1k,10k').split(',').map((s) => Number(s.replace(/k$/i, '000')));
/// The controllers' kube-api-qps for a size: the default (20, kind-multi) below 100,000.
const qpsFor = (pods) => (args.includes('--qps') ? Number(option('--qps')) : pods >= 100_000 ? 200 : null);
/// How long (real seconds) the scale-up may take before the size counts as failed.
const readyLimitMs = Number(option('--ready-limit', '1800')) * 1000;
/// Where to write the scale-up's CPU profile, if anywhere.
const profileFile = option('--profile', null);
/// kind-multi has 3 workers; the rest are added with `kubeplay node add`. A kind worker runs
/// 110 pods (2 of them DaemonSet pods), so 100 replicas per worker fit; at most 999 workers,
/// as the playground runs at most 1,000 nodes (999 × 108 pods still hold 100,000).
const workersFor = (pods) => Math.min(999, Math.max(3, Math.ceil(pods / 100)));

// Installed before the page's own scripts: long tasks, the moment the page became usable, the
// latency of each Enter in the terminal, and the WebAssembly memory (captured when the module
// is instantiated, since wasm-bindgen keeps it private).
function instrument() {
  const perf = { longtasks: [], usableAt: null, instantiatedAt: null, enters: [], answers: [], memories: [] };
  window.__perf = perf;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) perf.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (...a) {
      const result = await original.apply(this, a);
      perf.instantiatedAt = performance.now();
      const exports = (result.instance ?? result).exports;
      for (const value of Object.values(exports)) if (value instanceof WebAssembly.Memory) perf.memories.push(value);
      return result;
    };
  }
  const ready = () => !document.getElementById('loading') && document.querySelector('textarea[aria-label="Terminal"]');
  new MutationObserver((_, observer) => {
    if (perf.usableAt === null && ready()) {
      perf.usableAt = performance.now();
      window.__kubeplayUsable();
    }
    const output = document.querySelector('[aria-label="Terminal output"]');
    if (output && !output.__observed) {
      output.__observed = true;
      new MutationObserver(() => perf.answers.push(performance.now())).observe(output, { attributes: true, attributeFilter: ['data-version'] });
    }
    if (perf.usableAt !== null && output?.__observed) observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && e.target?.getAttribute?.('aria-label') === 'Terminal') perf.enters.push(e.timeStamp);
  }, true);
}

const ms = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : `${Math.round(v)} ms`);
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const quantile = (values, q) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

async function measureSize(browser, origin, pods) {
  const figures = { pods, nodes: workersFor(pods) + 1 };
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  // The page says when it is usable through a binding rather than being polled: Playwright's
  // waitForFunction first evaluates its own 330 KB script in the page, 7–35 ms of the main
  // thread that landed in the load it measured (the wasm is its `load` event's last resource).
  const usable = signal();
  await context.exposeBinding('__kubeplayUsable', () => usable.resolve());
  await context.addInitScript(instrument);
  const page = await context.newPage();
  // At scale a frozen page can hold a key press for a long time: that is a figure, not a failure.
  page.setDefaultTimeout(600_000);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const cdp = await context.newCDPSession(page);
  const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
  const output = page.locator('[aria-label="Terminal output"]');
  const perf = (body, arg) => page.evaluate(body, arg);

  /// Types a command, presses Enter, waits for the answer; returns Enter → output in ms.
  async function run(command, { timeout = 120_000 } = {}) {
    const before = await perf(() => [window.__perf.enters.length, window.__perf.answers.length]);
    await terminal.fill(command);
    await terminal.press('Enter');
    await page.waitForFunction(([e, a]) => window.__perf.enters.length > e && window.__perf.answers.length > a, before, { timeout });
    return perf(([e, a]) => window.__perf.answers[a] - window.__perf.enters[e], before);
  }
  async function lastOutput() {
    return page.evaluate(() => {
      const lines = [...document.querySelectorAll('[aria-label="Terminal output"] > div')];
      const last = lines.map((l) => l.classList.contains('prompt')).lastIndexOf(true);
      return lines.slice(last + 1).map((l) => l.innerText).join('\n');
    });
  }
  /// Polls `kubectl get deploy load` until READY is `want/want`; returns the real ms waited.
  /// A long wait prints its progress every 30 s (READY, virtual age of the Deployment).
  async function waitReady(want, limitMs) {
    const start = Date.now();
    let told = start;
    let ready = '';
    while (Date.now() - start < limitMs) {
      await run('kubectl get deployment load --no-headers');
      const columns = (await lastOutput()).trim().split(/\s+/);
      ready = columns[1];
      if (ready === `${want}/${want}`) return Date.now() - start;
      if (Date.now() - told >= 30_000) {
        told = Date.now();
        const memory = await perf(() => window.__perf.memories.reduce((sum, m) => sum + m.buffer.byteLength, 0));
        console.log(`  … ${Math.round((told - start) / 1000)} s: READY ${ready}, deployment AGE ${columns[4]}, wasm memory ${mb(memory)}`);
      }
      await page.waitForTimeout(1000);
    }
    throw new Error(`deployment load not ${want}/${want} Ready after ${limitMs / 1000} s real time (READY ${ready})`);
  }
  const memory = async () => {
    const heap = await cdp.send('Runtime.getHeapUsage');
    return perf((h) => ({
      jsHeap: h.usedSize,
      wasm: window.__perf.memories.reduce((sum, m) => sum + m.buffer.byteLength, 0),
      dom: document.getElementsByTagName('*').length,
    }), heap);
  };
  /// Frame times and long tasks over `seconds` of real time.
  async function frames(seconds) {
    return perf(async (seconds) => {
      const deltas = [];
      const from = performance.now();
      await new Promise((resolve) => {
        let last = null;
        const tick = (now) => {
          if (last !== null) deltas.push(now - last);
          last = now;
          if (now - from < seconds * 1000) requestAnimationFrame(tick); else resolve();
        };
        requestAnimationFrame(tick);
      });
      const tasks = window.__perf.longtasks.filter((t) => t.start >= from);
      return { deltas, longtasks: tasks.map((t) => t.duration), span: performance.now() - from };
    }, seconds);
  }

  // Load: a fresh playground (no saved state in a new context), playing at 60×.
  await page.goto(`${origin}/?preset=kind-multi&speed=60`, { waitUntil: 'commit' });
  await usable.within(60_000, 'the page never became usable');
  const first = await run('kubectl get nodes');
  const load = await perf(() => ({ usable: window.__perf.usableAt, answered: window.__perf.answers[0],
    instantiated: window.__perf.instantiatedAt,
    marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kubeplay:')).map((m) => `${m.name.slice(9)} ${Math.round(m.startTime)} ms`).join(', '),
    fetched: performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.responseEnd,
    boot: Math.max(0, ...window.__perf.longtasks.filter((t) => t.start < window.__perf.usableAt).map((t) => t.duration)) }));
  figures.load = { usable: load.usable, firstCommand: first, firstAnsweredAt: load.answered, longestBootTask: load.boot,
    wasmFetched: load.fetched, instantiated: load.instantiated, marks: load.marks };

  // Workers, then a Deployment of one replica.
  const qps = qpsFor(pods);
  if (qps) {
    figures.qps = qps;
    const booting = Date.now();
    await page.locator('#preset').selectOption('config');
    await page.getByRole('textbox', { name: 'kind cluster config' }).fill(kindConfig(workersFor(pods), qps));
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    await run('kubectl get nodes --no-headers | wc -l', { timeout: 600_000 });
    const nodes = Number((await lastOutput()).trim());
    if (nodes !== workersFor(pods) + 1) throw new Error(`the kind config made ${nodes} nodes, not ${workersFor(pods) + 1}`);
    figures.configBoot = Date.now() - booting;
  } else {
    const extra = workersFor(pods) - 3;
    if (extra > 0) await run(Array.from({ length: extra }, () => 'kubeplay node add').join('\n'), { timeout: 600_000 });
    const added = await lastOutput();
    if (/error/i.test(added)) throw new Error(`kubeplay node add failed: ${added.split('\n').find((l) => /error/i.test(l))}`);
  }
  await run('kubectl create deployment load --image=nginx --replicas=1');
  await waitReady(1, 300_000);

  // Scale: the longest task from Enter until every replica is Ready, and the frames meanwhile.
  const scaleFrom = await perf(() => {
    const deltas = [];
    window.__perf.scaleFrames = deltas;
    let last = null;
    const tick = (now) => {
      if (last !== null) deltas.push(now - last);
      last = now;
      if (window.__perf.scaleFrames === deltas) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return performance.now();
  });
  if (profileFile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    const before = await perf(() => performance.now());
    await cdp.send('Profiler.start');
    figures.profiledFrom = (before + (await perf(() => performance.now()))) / 2;
  }
  const scaleAnswer = await run(`kubectl scale deployment load --replicas=${pods}`, { timeout: 600_000 });
  const readyAfter = await waitReady(pods, readyLimitMs);
  if (profileFile) {
    const { profile } = await cdp.send('Profiler.stop');
    const file = profileFile.replace(/(\.cpuprofile)?$/, `-${pods}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const tasks = await perf((from) => window.__perf.longtasks.filter((t) => t.start >= from).map((t) => [t.start, t.duration]), scaleFrom);
    const longest = tasks.filter(([, duration]) => duration >= 100);
    figures.profile = [`written to ${file}`, ...summarize(profile, tasks, figures.profiledFrom),
      ...(longest.length ? ['of which the tasks of 100 ms or more:', ...summarize(profile, longest, figures.profiledFrom)] : [])];
  }
  const scaleTasks = await perf((from) => window.__perf.longtasks.filter((t) => t.start >= from).map((t) => t.duration), scaleFrom);
  const scaleFrames = await perf(() => { const deltas = window.__perf.scaleFrames; window.__perf.scaleFrames = null; return deltas; });
  figures.scale = { answer: scaleAnswer, freeze: Math.max(0, ...scaleTasks), longtasks: scaleTasks.length, readyAfter,
    p50: quantile(scaleFrames, 0.5), p95: quantile(scaleFrames, 0.95),
    // Frames that took three display frames or more (60 Hz), the ones a p95 of 33 ms allows 5% of.
    over33: scaleFrames.filter((d) => d > 2.5 * (1000 / 60)).length / Math.max(1, scaleFrames.length) };

  // Frames while playing at 60× with every pod Running.
  const steady = await frames(5);
  figures.frames = { p50: quantile(steady.deltas, 0.5), p95: quantile(steady.deltas, 0.95), max: Math.max(...steady.deltas),
    fps: steady.deltas.length / (steady.span / 1000), longtasks: steady.longtasks.length,
    longtaskShare: steady.longtasks.reduce((a, b) => a + b, 0) / steady.span };

  // kubectl with many pods: the median of three runs of each.
  figures.commands = {};
  for (const command of ['kubectl get deployments', 'kubectl get nodes', 'kubectl describe deployment load', 'kubectl get pods --field-selector=status.phase=Pending']) {
    const times = [];
    for (let i = 0; i < 3; i++) times.push(await run(command));
    figures.commands[command] = quantile(times, 0.5);
  }

  // Memory over 10 s of playing with nothing typed.
  const before = await memory();
  await page.waitForTimeout(10_000);
  const after = await memory();
  figures.memory = { before, after };
  figures.errors = errors;
  await context.close();
  return figures;
}

/// A kind config with `workers` workers whose controller manager's client sends `qps` a second.
function kindConfig(workers, qps) {
  return ['kind: Cluster', 'apiVersion: kind.x-k8s.io/v1alpha4', 'kubeadmConfigPatches:', '- |',
    '  kind: ClusterConfiguration', '  controllerManager:', '    extraArgs:',
    `      kube-api-qps: "${qps}"`, `      kube-api-burst: "${Math.round(qps * 1.5)}"`, 'nodes:', '- role: control-plane',
    ...Array.from({ length: workers }, () => '- role: worker')].join('\n');
}

function print(f) {
  const cluster = f.qps ? `a kind config, controllers' kube-api-qps ${f.qps}, booted in ${(f.configBoot / 1000).toFixed(1)} s real` : 'kind-multi';
  console.log(`\n== ${f.pods.toLocaleString('en')} pods on ${f.nodes} nodes (${cluster}, playing at 60×) ==`);
  console.log(`load      usable ${ms(f.load.usable)} after navigation (wasm fetched at ${ms(f.load.wasmFetched)}, instantiated at ${ms(f.load.instantiated)}${f.load.marks ? `, ${f.load.marks}` : ''}; longest boot task ${ms(f.load.longestBootTask)}); first command answered ${ms(f.load.firstCommand)} after Enter, ${ms(f.load.firstAnsweredAt)} after navigation`);
  console.log(`scale     kubectl scale answered ${ms(f.scale.answer)}; longest task until all Ready ${ms(f.scale.freeze)} (${f.scale.longtasks} long tasks); all Ready ${(f.scale.readyAfter / 1000).toFixed(1)} s real after; frames meanwhile p50 ${ms(f.scale.p50)}, p95 ${ms(f.scale.p95)} (${(f.scale.over33 * 100).toFixed(1)}% over 33 ms)`);
  console.log(`frames    p50 ${ms(f.frames.p50)}, p95 ${ms(f.frames.p95)}, max ${ms(f.frames.max)}, ${f.frames.fps.toFixed(1)} fps; ${f.frames.longtasks} long tasks (${Math.round(f.frames.longtaskShare * 100)}% of the time)`);
  console.log(`commands  ${Object.entries(f.commands).map(([c, t]) => `${c}: ${ms(t)}`).join('; ')}`);
  const { before: b, after: a } = f.memory;
  console.log(`memory    JS heap ${mb(b.jsHeap)} → ${mb(a.jsHeap)}, wasm ${mb(b.wasm)} → ${mb(a.wasm)} over 10 s idle; ${b.dom.toLocaleString('en')} → ${a.dom.toLocaleString('en')} DOM elements`);
  for (const line of f.profile ?? []) console.log(`profile   ${line}`);
  if (f.errors.length) console.log(`errors    ${f.errors.join(' | ')}`);
}

const { origin, close } = await serveApart(dist);
const browser = await launchChromium();
let failed = false;
try {
  for (const pods of SIZES) {
    try {
      print(await measureSize(browser, origin, pods));
    } catch (error) {
      failed = true;
      console.log(`\n== ${pods.toLocaleString('en')} pods: FAILED: ${String(error.message).split('\n')[0]}`);
    }
  }
} finally {
  await browser.close();
  await close();
}
process.exit(failed ? 1 : 0);

// Where the page's time goes at scale: a Chrome CPU profile (DevTools protocol, through
// playwright's CDP session) of a few seconds while a Deployment scales up at 60×, summed by
// function (self time), so a change to the view is measured rather than guessed. Function
// names need a WebAssembly build that keeps its name section (e.g. `data-wasm-opt="0"` in a
// copy of index.html, or wasm-opt `-g`); without one, wasm functions show as wasm-function[N].
// Usage: node tests/perf/profile.mjs DIST_DIR [PODS] [SECONDS] [--save FILE.cpuprofile]
import { writeFileSync } from 'node:fs';
import { serve, launchChromium } from '../e2e/lib.mjs';

const args = process.argv.slice(2);
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--save');
const [dist = 'dist', podsArg = '10000', secondsArg = '6'] = positional;
const pods = Number(podsArg.replace(/k$/i, '000'));
const save = args.includes('--save') ? args[args.indexOf('--save') + 1] : null;

const { origin, close } = await serve({ dist });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(600_000);
  const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
  const run = async (command) => {
    const version = await page.locator('[aria-label="Terminal output"]').getAttribute('data-version');
    await terminal.fill(command);
    await terminal.press('Enter');
    await page.waitForFunction((v) => document.querySelector('[aria-label="Terminal output"]').dataset.version !== v, version);
  };
  await page.goto(`${origin}/?preset=kind-multi&speed=60`);
  await terminal.waitFor();
  const workers = Math.max(3, Math.ceil(pods / 100));
  if (workers > 3) await run(Array.from({ length: workers - 3 }, () => 'kubeplay node add').join('\n'));
  await run('kubectl create deployment load --image=nginx --replicas=1');
  await page.waitForTimeout(3000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  // From the Enter on `kubectl scale` (its answer and first frames included).
  await cdp.send('Profiler.start');
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask' });
  });
  await run(`kubectl scale deployment load --replicas=${pods}`);
  await page.waitForTimeout(Number(secondsArg) * 1000);
  console.log(`longest task: ${Math.round(await page.evaluate(() => window.__longest))} ms`);
  const { profile } = await cdp.send('Profiler.stop');
  if (save) writeFileSync(save, JSON.stringify(profile));
  // Self time per function, from the samples' time deltas.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`${pods} pods, ${secondsArg} s profiled from kubectl scale, at 60×: ${Math.round(total)} ms sampled`);
  for (const [name, t] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${t.toFixed(0).padStart(7)} ms ${(100 * t / total).toFixed(1).padStart(5)}%  ${name.slice(0, 140)}`);
  }
  // The browser's own work (style, layout, paint), which the CPU profile shows only as
  // "(program)": a trace of the same moment, summed by event.
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await page.waitForTimeout(3000);
  await cdp.send('Tracing.end');
  await done;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const durations = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || (main && (e.pid !== main.pid || e.tid !== main.tid))) continue;
    durations.set(e.name, (durations.get(e.name) ?? 0) + e.dur / 1000);
  }
  console.log('\n3 s traced right after, main thread, by event (nested events counted in each):');
  for (const [name, t] of [...durations.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${t.toFixed(0).padStart(7)} ms  ${name}`);
  }
} finally {
  await browser.close();
  await close();
}

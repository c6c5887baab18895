// Page load only (issue 11's "page load" target), several fresh loads in a row, in headless
// Chromium driven by playwright-core. Each run opens a fresh kind-multi playground (a new
// browser context: no saved playground, no HTTP or code cache) and prints:
//   usable    navigation → the loading note gone and the terminal on the page (what
//             tests/perf/page.mjs calls usable)
//   first     Enter → answer of `kubectl get nodes` typed as soon as the page is usable, and
//             whether the answer is the real node table (all four nodes Ready). Playwright
//             types it a few hundred ms after the page is usable; with --early the page itself
//             presses Enter in the first task after the terminal appears (before the cluster
//             has booted: the worst moment to ask), and then also prints the answer's time
//             after the terminal appeared — what a learner who pressed Enter at once would
//             wait, since a task running then holds the key press back before its Enter exists
//   where     the wasm's responseEnd (and usable − responseEnd: the page's own share, which
//             the machine's load moves less than the arrival of the wasm), the User Timing marks the page sets
//             (kubeplay:started, terminal-ready, cluster-booted, rendered) and the longest task
//             before the first answer
// then the median of each figure. It measures and prints; it asserts no time. The files are
// served from a process of their own (serve.mjs), as from a host; --same-process serves them
// from this one, as the e2e tests and earlier figures did.
// Given several DIST_DIRs (a build before and after a change), it alternates them run by run,
// so a shared machine's load falls on each alike, and prints each one's medians.
// Usage: node tests/perf/load.mjs DIST_DIR… [--runs N] [--preset kind-multi|kind] [--early] [--same-process]
import { serve, launchChromium, signal } from '../e2e/lib.mjs';
import { serveApart } from './serve.mjs';

const args = process.argv.slice(2);
const valued = ['--runs', '--preset'];
const dists = args.filter((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1]));
if (!dists.length) dists.push('dist');
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', '5'));
const preset = option('--preset', 'kind-multi');
const early = args.includes('--early');
const sameProcess = args.includes('--same-process');

// Installed before the page's scripts: long tasks, the moment the page became usable and each
// Enter in the terminal and each answer (the output's data-version changes).
function instrument(early) {
  const perf = { longtasks: [], usableAt: null, enters: [], answers: [] };
  window.__perf = perf;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) perf.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const ready = () => !document.getElementById('loading') && document.querySelector('textarea[aria-label="Terminal"]');
  new MutationObserver((_, observer) => {
    if (perf.usableAt === null && ready()) {
      perf.usableAt = performance.now();
      window.__kubeplayUsable();
      if (early) {
        setTimeout(() => {
          const terminal = document.querySelector('textarea[aria-label="Terminal"]');
          terminal.value = 'kubectl get nodes';
          terminal.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        }, 0);
      }
    }
    const output = document.querySelector('[aria-label="Terminal output"]');
    if (output && !output.__observed) {
      output.__observed = true;
      new MutationObserver(() => {
        if (!perf.enters.length) return;
        perf.answers.push(performance.now());
        if (perf.answers.length === 1) window.__kubeplayAnswered();
      }).observe(output, { attributes: true, attributeFilter: ['data-version'] });
    }
    if (perf.usableAt !== null && output?.__observed) observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && e.target?.getAttribute?.('aria-label') === 'Terminal') perf.enters.push(e.timeStamp);
  }, true);
}

async function once(browser, origin) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  // The page reports through bindings rather than being polled: Playwright's waitForFunction
  // first evaluates its own 330 KB script in the page, 7–35 ms of the main thread that landed
  // in the middle of the load it measured (the wasm is its `load` event's last resource).
  const usable = signal();
  const answered = signal();
  await context.exposeBinding('__kubeplayUsable', () => usable.resolve());
  await context.exposeBinding('__kubeplayAnswered', () => answered.resolve());
  await context.addInitScript(instrument, early);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/?preset=${preset}&speed=60`, { waitUntil: 'commit' });
  await usable.within(60_000, 'the page never became usable');
  if (!early) {
    const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
    await terminal.fill('kubectl get nodes');
    await terminal.press('Enter');
  }
  await answered.within(60_000, 'the first command was never answered');
  const answer = await page.evaluate(() => [...document.querySelectorAll('[aria-label="Terminal output"] > div')].map((l) => l.innerText).join('\n'));
  const nodes = preset === 'kind' ? 1 : 4;
  const real = (answer.match(/ Ready /g) ?? []).length === nodes && /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/.test(answer);
  const figures = await page.evaluate(() => {
    const p = window.__perf;
    const marks = Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kubeplay:'))
      .map((m) => [m.name.slice(9), m.startTime]));
    return {
      usable: p.usableAt, first: p.answers[0] - p.enters[0], answeredAt: p.answers[0], enteredAt: p.enters[0],
      wasm: performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.responseEnd,
      marks, longest: Math.max(0, ...p.longtasks.filter((t) => t.start < p.answers[0]).map((t) => t.duration)),
    };
  });
  await context.close();
  return { ...figures, real, errors };
}

const ms = (v) => (v === undefined || v === null || Number.isNaN(v) ? '—' : `${Math.round(v)} ms`);
const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
};

const servers = [];
for (const dist of dists) servers.push(sameProcess ? await serve({ dist }) : await serveApart(dist));
const browser = await launchChromium();
const all = dists.map(() => []);
let failed = false;
try {
  for (let i = 0; i < runs; i++) {
    for (const [d, dist] of dists.entries()) {
      const f = await once(browser, servers[d].origin);
      all[d].push(f);
      const marks = Object.entries(f.marks).map(([name, at]) => `${name} ${ms(at)}`).join(', ');
      const label = dists.length > 1 ? `${dist} ` : '';
      console.log(`${label}run ${i + 1}: usable ${ms(f.usable)}; first command ${ms(f.first)} after Enter${early ? `, ${ms(f.answeredAt - f.usable)} after the terminal appeared` : ''} (Enter at ${ms(f.enteredAt)}, answered at ${ms(f.answeredAt)}, ${f.real ? 'the real node table' : 'NOT the node table'}); wasm at ${ms(f.wasm)}; ${marks}; longest task ${ms(f.longest)}${f.errors.length ? `; errors: ${f.errors.join(' | ')}` : ''}`);
      if (!f.real || f.errors.length) failed = true;
    }
  }
} finally {
  await browser.close();
  for (const server of servers) await server.close();
}
for (const [d, dist] of dists.entries()) {
  const runsOf = all[d];
  const names = [...new Set(runsOf.flatMap((f) => Object.keys(f.marks)))];
  const label = dists.length > 1 ? `${dist}: ` : '';
  console.log(`${label}median of ${runsOf.length}: usable ${ms(median(runsOf.map((f) => f.usable)))}; first command ${ms(median(runsOf.map((f) => f.first)))} after Enter${early ? `, ${ms(median(runsOf.map((f) => f.answeredAt - f.usable)))} after the terminal appeared` : ''}; wasm at ${ms(median(runsOf.map((f) => f.wasm)))}, usable ${ms(median(runsOf.map((f) => f.usable - f.wasm)))} after it; ${names.map((n) => `${n} ${ms(median(runsOf.map((f) => f.marks[n])))}`).join(', ')}; longest task ${ms(median(runsOf.map((f) => f.longest)))}`);
}
process.exit(failed ? 1 : 0);

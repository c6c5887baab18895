// Traffic drawn live (issue 16), in headless Chromium: a Deployment behind a Service and a
// client pod whose script loops, typed in the page's terminal; with the clock playing, dots
// travel client → Service → pod and the chips' counters grow; paused, the dots stand still and
// the paths stay drawn with their counts; a Service with no endpoint shows refused requests;
// reduced motion draws no dots; 390 px; axe; past 200 pods the paths end at the lanes. Then a
// performance sample at ~100 requests/s (10 clients looping with `sleep 0.1`): frame times and
// long tasks are printed, never asserted.
// Usage: node tests/e2e/traffic.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf, axeViolations } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const site = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'traffic');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const LOOP = (pause) => `sh -c 'while true; do wget -qO- http://demo; sleep ${pause}; done'`;

async function freshPage(viewport, options = {}, query = '') {
  const context = await browser.newContext({ viewport, ...options });
  // Long tasks and frame times, recorded from the start (read by the performance sample).
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.origin}/index.html?preset=kind-multi&clock=paused${query}`);
  await terminalOf(page).terminal.waitFor();
  return { context, page, errors, ...terminalOf(page) };
}

/// Passes virtual time with the clock's Step 10s button.
async function step10s(page, times) {
  for (let i = 0; i < times; i++) await page.getByRole('button', { name: 'Step 10s' }).click();
}

/// A Deployment of 3 behind a Service, and `clients` pods that call it in a loop.
async function deployWithLoad(page, run, { clients = 1, pause = 1 } = {}) {
  await run('kubectl create deployment demo --image=demo:1.0.0 --replicas=3');
  await run('kubectl expose deployment demo --port=80');
  if (clients === 1) {
    await run(`kubectl run load --image=busybox --restart=Never -- ${LOOP(pause)}`);
  } else {
    await run(`for i in $(seq 1 ${clients}); do kubectl run load-$i --image=busybox --restart=Never -- ${LOOP(pause)}; done`);
  }
  await step10s(page, 3);
}

/// The overlay's dots: centre and class of each.
const dotsOf = (page) => page.$$eval('svg.traffic-overlay circle.traffic-dot', (circles) =>
  circles.map((c) => ({ x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')), failed: c.classList.contains('failed') })));
/// The legs' labels (a failed one says how many failed, in red).
const legsOf = (page) => page.$$eval('svg.traffic-overlay .traffic-label', (labels) =>
  labels.map((t) => ({ label: t.textContent, failed: t.classList.contains('failed') })));
/// Requests counted on the chips in the node lanes, by pod name.
const countersOf = (page) => page.$$eval('[data-pod] .pod-traffic', (spans) => Object.fromEntries(spans.map((s) =>
  [s.closest('[data-pod]').dataset.pod, { sent: Number(s.dataset.sent), served: Number(s.dataset.served), text: s.textContent }])));
const served = (counters) => Object.entries(counters).filter(([pod]) => pod.startsWith('demo-')).reduce((sum, [, c]) => sum + c.served, 0);

async function waitForDots(page, timeout = 15_000) {
  await page.waitForFunction(() => Number(document.querySelector('svg.traffic-overlay')?.dataset.dots ?? 0) > 0, null, { timeout });
}

// 1. Dots travel while the clock plays, counters grow, paused paths stay readable.
{
  const { context, page, run, errors } = await freshPage({ width: 1440, height: 900 });
  await deployWithLoad(page, run);
  await step('a Service anchor shows the Service and its ready endpoints', page, async () => {
    const service = page.locator('[data-service="demo"][data-namespace="default"]');
    await service.waitFor();
    const text = await service.innerText();
    expect(text.includes('demo') && text.includes('3 endpoints'), `the Service anchor says ${JSON.stringify(text)}`);
  });
  let before;
  await step('playing: dots appear and move client → Service → pod', page, async () => {
    before = await countersOf(page);
    await page.getByRole('button', { name: 'Play' }).click();
    await waitForDots(page);
    // Two samples a few frames apart: at 1× a dot crosses a leg in 0.4 s.
    let moved = false;
    for (let attempt = 0; attempt < 20 && !moved; attempt++) {
      const first = await dotsOf(page);
      await sleep(120);
      const second = await dotsOf(page);
      moved = first.length > 0 && second.length > 0
        && second.some((d) => !first.some((e) => Math.abs(e.x - d.x) < 0.5 && Math.abs(e.y - d.y) < 0.5));
      if (!moved) await sleep(200);
    }
    expect(moved, 'no dot moved between two samples');
    await page.locator('section.cluster').screenshot({ path: `${artifacts}/traffic-cluster-playing.png` });
    const legs = await legsOf(page);
    expect(legs.length >= 2, `expected the legs load → demo → pod, got ${JSON.stringify(legs)}`);
    expect(legs.every((l) => /\d/.test(l.label)), `a leg without its count: ${JSON.stringify(legs)}`);
  });
  await step('the chips count requests: the client sent, the demo pods served, and both grow', page, async () => {
    await sleep(3_000);
    const after = await countersOf(page);
    expect(after.load && after.load.sent > (before.load?.sent ?? 0), `load's sent counter did not grow: ${JSON.stringify(after.load)}`);
    expect(after.load.text.includes('sent'), `the counter is not in words: ${after.load.text}`);
    expect(served(after) > served(before), `the demo pods' served counters did not grow: ${JSON.stringify(after)}`);
    const chip = await page.locator('[data-pod="load"]').getAttribute('aria-pressed');
    expect(chip !== null, 'the client chip is not a button');
    const name = await page.locator('[data-pod="load"]').evaluate((b) => b.textContent);
    expect(/\d+ sent/.test(name), `the chip's accessible text has no counter: ${name}`);
  });
  await step('paused: the dots stand still and the paths stay drawn with their counts', page, async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await sleep(300);
    const first = await dotsOf(page);
    await sleep(600);
    const second = await dotsOf(page);
    expect(JSON.stringify(first) === JSON.stringify(second), `dots moved while paused: ${JSON.stringify(first)} → ${JSON.stringify(second)}`);
    const legs = await legsOf(page);
    expect(legs.length >= 2 && legs.some((l) => / req|\/s/.test(l.label)), `paths gone or unlabelled while paused: ${JSON.stringify(legs)}`);
    const counters = await countersOf(page);
    await sleep(500);
    expect(JSON.stringify(counters) === JSON.stringify(await countersOf(page)), 'counters changed while paused');
  });
  await step('axe: no violations with traffic drawn', page, async () => {
    const violations = await axeViolations(page);
    expect(violations.length === 0, violations.join('; '));
  });
  await step('a Service with no endpoint: the dots and paths of refused requests show in red, and say so', page, async () => {
    await run('kubectl scale deployment demo --replicas=0');
    await step10s(page, 1);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => document.querySelector('svg.traffic-overlay .traffic-leg.failed'), null, { timeout: 15_000 });
    const legs = await legsOf(page);
    expect(legs.some((l) => l.failed && l.label.includes('failed')), `no failed leg labelled: ${JSON.stringify(legs)}`);
    const service = await page.locator('[data-service="demo"]').innerText();
    expect(service.includes('no endpoints'), `the Service anchor says ${JSON.stringify(service)}`);
    await page.waitForFunction(() => document.querySelector('svg.traffic-overlay circle.traffic-dot.failed'), null, { timeout: 10_000 });
    await page.locator('section.cluster').screenshot({ path: `${artifacts}/traffic-cluster-refused.png` });
    await page.getByRole('button', { name: 'Pause' }).click();
  });
  await step('no page errors', page, async () => expect(errors.length === 0, errors.join('; ')));
  await context.close();
}

// 2. 390 px wide, and a learner who asked for reduced motion.
{
  const { context, page, run, errors } = await freshPage({ width: 390, height: 844 }, { reducedMotion: 'reduce' });
  await deployWithLoad(page, run);
  await step('390 px, reduced motion: no dots, still paths with counts, counters, nothing wider than the screen', page, async () => {
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => Number(document.querySelector('svg.traffic-overlay')?.dataset.legs ?? 0) >= 2, null, { timeout: 15_000 });
    await sleep(1_500);
    expect((await dotsOf(page)).length === 0, 'dots travel although reduced motion was asked for');
    await page.locator('[data-service="demo"]').scrollIntoViewIfNeeded();
    const widest = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(widest <= 390, `the page is ${widest} px wide`);
    const counters = await countersOf(page);
    expect(counters.load?.sent > 0, `no sent counter on the client: ${JSON.stringify(counters)}`);
    await page.locator('section.cluster').screenshot({ path: `${artifacts}/traffic-cluster-390.png` });
    const box = await page.locator('[data-service="demo"]').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390, `the Service anchor overflows: ${JSON.stringify(box)}`);
    await page.getByRole('button', { name: 'Pause' }).click();
  });
  await step('390 px: axe clean', page, async () => {
    const violations = await axeViolations(page);
    expect(violations.length === 0, violations.join('; '));
  });
  await step('390 px: no page errors', page, async () => expect(errors.length === 0, errors.join('; ')));
  await context.close();
}

// 3. Past 200 pods the lanes show counts instead of chips: the paths end at the lanes, merged.
{
  const { context, page, run, errors } = await freshPage({ width: 1440, height: 900 });
  page.setDefaultTimeout(120_000);
  await deployWithLoad(page, run);
  await run('kubectl scale deployment demo --replicas=240');
  await step10s(page, 9);
  await step('240 pods: lanes show counts, and the paths go from lane to Service to lane', page, async () => {
    await page.locator('.cluster-total').waitFor();
    expect((await page.locator('[data-pod]').count()) === 0, 'chips are shown although the lanes show counts');
    await page.getByRole('button', { name: 'Play' }).click();
    await waitForDots(page);
    const legs = await legsOf(page);
    // The client's lane → demo, and demo → each worker's lane (one merged leg per lane).
    expect(legs.length >= 2 && legs.length <= 5, `expected a few merged legs, got ${JSON.stringify(legs)}`);
    await page.locator('section.cluster').screenshot({ path: `${artifacts}/traffic-cluster-lanes.png` });
    await page.getByRole('button', { name: 'Pause' }).click();
  });
  await step('240 pods: no page errors', page, async () => expect(errors.length === 0, errors.join('; ')));
  await context.close();
}

// 4. Performance at ~100 requests/s: 10 clients each sending a request every ~0.1 s, with the
// traffic drawn, and the same page without its cluster panel (the simulation and the other
// panels alone), so the overlay's own share shows.
async function perfSample(label, query) {
  const { context, page, run, errors } = await freshPage({ width: 1440, height: 900 }, {}, query);
  page.setDefaultTimeout(120_000);
  await deployWithLoad(page, run, { clients: 10, pause: 0.1 });
  await step(`~100 requests/s, ${label}: frame times and long tasks while playing (printed, not asserted)`, page, async () => {
    await page.getByRole('button', { name: 'Play' }).click();
    if (!query) await waitForDots(page);
    await sleep(2_000);
    if (!query) await page.locator('section.cluster').screenshot({ path: `${artifacts}/traffic-cluster-100rps.png` });
    const figures = await page.evaluate(async () => {
      const longBefore = window.__longtasks.length;
      const frames = [];
      const dots = [];
      const started = performance.now();
      await new Promise((resolve) => {
        let last = null;
        const tick = (now) => {
          if (last !== null) frames.push(now - last);
          last = now;
          dots.push(Number(document.querySelector('svg.traffic-overlay')?.dataset.dots ?? 0));
          if (now - started < 10_000) requestAnimationFrame(tick); else resolve();
        };
        requestAnimationFrame(tick);
      });
      const q = (values, p) => { const s = [...values].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
      const long = window.__longtasks.slice(longBefore);
      return {
        frames: frames.length, p50: q(frames, 0.5), p95: q(frames, 0.95), max: Math.max(...frames),
        longTasks: long.length, longestTask: long.length ? Math.max(...long) : 0,
        dotsMax: Math.max(...dots), legs: Number(document.querySelector('svg.traffic-overlay')?.dataset.legs ?? 0),
        service: document.querySelector('[data-service="demo"]')?.textContent ?? '',
        elements: document.getElementsByTagName('*').length,
      };
    });
    console.log(`     ${label}: ${figures.frames} frames in 10 s, frame p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms; `
      + `long tasks ${figures.longTasks} (longest ${figures.longestTask.toFixed(0)} ms); dots at most ${figures.dotsMax}, legs ${figures.legs}; `
      + `Service anchor "${figures.service}"; ${figures.elements} elements`);
    expect(figures.frames > 0, 'no frames while playing');
    if (!query) expect(/\d+(\.\d)? req\/s/.test(figures.service), `the Service anchor shows no rate: ${figures.service}`);
    await page.getByRole('button', { name: 'Pause' }).click();
  });
  await step(`~100 requests/s, ${label}: no page errors`, page, async () => expect(errors.length === 0, errors.join('; ')));
  await context.close();
}
await perfSample('traffic drawn', '');
await perfSample('no cluster panel', '&panels=editor,terminal,events');

await browser.close();
await site.close();
process.exit(finish());

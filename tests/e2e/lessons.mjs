// End-to-end tests of workshop mode in headless Chromium: the lesson panel (?lesson=NAME), the
// lesson index, and a host page whose marked code blocks run in one embedded playground.
// Usage: node tests/e2e/lessons.mjs DIST_DIR [ARTIFACTS_DIR]
// The host page is built by Hugo from tests/hugo-site with the shortcodes in hugo/layouts/
// when `hugo` is installed; otherwise a static page with the markup the shortcodes render is
// used (the log says which). The playground and the host page are served on two origins.
import { createServer } from 'node:http';
import { readFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { shareLink } from './lib.mjs';

const dist = resolve(process.argv[2] ?? 'dist');
const artifacts = process.argv[3] ?? 'tests/artifacts';
await mkdir(artifacts, { recursive: true });

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
function serve(root, host) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(normalize(root))) { res.writeHead(403); return res.end(); }
    if (url.pathname.endsWith('/')) path = join(path, 'index.html');
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch { res.writeHead(404); res.end(); }
  });
  return new Promise((done) => server.listen(0, host, () => done(server)));
}
const playgroundServer = await serve(dist, '127.0.0.1');
const origin = `http://127.0.0.1:${playgroundServer.address().port}`;

// The host page, on another origin (localhost ≠ 127.0.0.1).
const site = await mkdtemp(join(tmpdir(), 'kubeplay-hugo-'));
let hostKind;
try {
  const override = join(site, 'playground.toml');
  await writeFile(override, `[params.kubeplay]\nsrc = "${origin}/"\n`);
  execFileSync('hugo', ['--quiet', '--destination', join(site, 'public'), '--config', `config.toml,${override}`], { cwd: 'tests/hugo-site', stdio: 'pipe' });
  hostKind = `Hugo (${execFileSync('hugo', ['version']).toString().split(' ')[1]})`;
} catch (error) {
  hostKind = `a static page with the shortcodes' markup (hugo: ${error.code === 'ENOENT' ? 'not installed' : error.message.split('\n')[0]})`;
  await mkdir(join(site, 'public', 'running-at-scale'), { recursive: true });
  const block = (command) => `<div class="kubeplay-run" data-kubeplay-run="${command.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"><pre><code>${command.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code></pre></div>`;
  const heredoc = (await readFile('tests/hugo-site/content/running-at-scale.md', 'utf8')).match(/```bash\n(cat <<EOF[\s\S]*?EOF)\n```/)[1];
  await writeFile(join(site, 'public', 'running-at-scale', 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Running at Scale</title></head><body><main><h1>Running at Scale</h1>
<div class="kubeplay-playground" data-kubeplay-playground data-src="${origin}/" data-start="002-running-at-scale" data-panels="terminal,cluster" data-height="480px"></div>
<script src="${origin}/embed.js" defer></script>
<p>Update the deployment manifest and apply it.</p>${block(heredoc)}
<p>Check the status.</p>${block('kubectl -n dev get deployments,replicasets,pods')}</main></body></html>`);
}
const hostServer = await serve(join(site, 'public'), 'localhost');
const hostOrigin = `http://localhost:${hostServer.address().port}`;
console.log(`host page built with ${hostKind}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

let passed = 0;
let failed = 0;
async function step(name, page, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error.message.split('\n')[0]}`);
  } finally {
    if (page) await page.screenshot({ path: `${artifacts}/lessons-${String(passed + failed).padStart(2, '0')}-${name.replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => {});
  }
}
function expect(condition, message) { if (!condition) throw new Error(message); }

// A fresh profile: a new context has empty storage.
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));
const lesson = page.getByRole('region', { name: 'Lesson' });
const steps = lesson.locator('section.lesson-step');
const terminalErrors = () => page.locator('[aria-label="Terminal output"] .err').allInnerTexts();

async function ensurePlaying() {
  const play = page.getByRole('region', { name: 'Clock' }).getByRole('button', { name: 'Play' });
  if (await play.count()) await play.click();
}

await step('the 002 lesson opens beside the terminal with its start state', page, async () => {
  await page.goto(`${origin}/index.html?lesson=002-running-at-scale`);
  await lesson.waitFor();
  expect(await lesson.getByRole('heading', { name: 'Running at Scale', exact: true }).count() === 1, 'no lesson title');
  const headings = await lesson.getByRole('heading', { level: 3 }).allInnerTexts();
  expect(headings.join('|') === '1. A Deployment already running at scale|2. Scale out your own Deployment', `steps: ${headings}`);
  expect(await page.getByRole('textbox', { name: 'Terminal', exact: true }).count() === 1, 'no terminal');
  const output = await page.locator('[aria-label="Terminal output"]').innerText();
  expect(output.includes('deployment.apps/demo created'), 'the start state did not run');
  const status = await steps.nth(0).getByRole('status').innerText();
  expect(status.startsWith('Not yet:'), `first status: ${status}`);
  expect(status.includes('echo $app'), `the status does not explain what is missing: ${status}`);
  await ensurePlaying();
});

await step('pressing every Run in order turns every step to Done', page, async () => {
  await ensurePlaying();
  const count = await steps.count();
  for (let index = 0; index < count; index += 1) {
    const section = steps.nth(index);
    const buttons = section.getByRole('button', { name: 'Run', exact: true });
    const runs = await buttons.count();
    expect(runs > 0, `step ${index + 1} has no Run button`);
    for (let run = 0; run < runs; run += 1) await buttons.nth(run).click();
    await section.getByRole('status').filter({ hasText: /^Done$/ }).waitFor({ timeout: 30000 });
  }
  const errors = await terminalErrors();
  expect(errors.length === 0, `errors in the terminal: ${errors.join(' / ')}`);
  const output = await page.locator('[aria-label="Terminal output"]').innerText();
  expect(output.includes('deployment.apps/demo configured'), 'the scale-out did not apply');
  expect(/Hi from demo-/.test(output), 'kubectl exec did not answer');
  expect(await lesson.getByText('2 of 2 steps done').count() === 1, 'progress not shown');
  expect(page.url().includes('step=3'), `progress not in the URL: ${page.url()}`);
});

await step('a reload keeps the progress and the cluster', page, async () => {
  await page.reload();
  await lesson.waitFor();
  await lesson.getByText('2 of 2 steps done').waitFor({ timeout: 10000 });
  const statuses = await steps.getByRole('status').allInnerTexts();
  expect(statuses.every((s) => s === 'Done'), `statuses after reload: ${statuses}`);
  const output = await page.locator('[aria-label="Terminal output"]').innerText();
  expect(output.includes('deployment.apps/demo configured'), 'the session was not restored');
});

await step('a share link carries the progress to a fresh browser', page, async () => {
  const link = await shareLink(page);
  expect(link.includes('lesson=002-running-at-scale') && link.includes('step=3'), `share link: ${link}`);
  const other = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const fresh = await other.newPage();
  await fresh.goto(link);
  const region = fresh.getByRole('region', { name: 'Lesson' });
  await region.getByText('2 of 2 steps done').waitFor({ timeout: 15000 });
  const statuses = await region.locator('section.lesson-step').getByRole('status').allInnerTexts();
  expect(statuses.every((s) => s === 'Done'), `statuses from the link: ${statuses}`);
  const output = await fresh.locator('[aria-label="Terminal output"]').innerText();
  expect(output.includes('deployment.apps/demo configured'), 'the link did not replay the session');
  await other.close();
});

await step('the lesson panel fits a 390 px wide screen', page, async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${origin}/index.html?lesson=rolling-update`);
  await lesson.waitFor();
  const box = await lesson.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390, `lesson panel box: ${JSON.stringify(box)}`);
  const run = lesson.getByRole('button', { name: 'Run', exact: true }).first();
  const runBox = await run.boundingBox();
  expect(runBox && runBox.x + runBox.width <= 390, 'a Run button is off-screen');
  await page.screenshot({ path: `${artifacts}/lessons-narrow-390.png` });
  await page.setViewportSize({ width: 1440, height: 1000 });
});

await step('the lesson index lists every lesson, an unknown name says so', page, async () => {
  await page.goto(`${origin}/index.html?lessons`);
  await lesson.waitFor();
  const links = await lesson.getByRole('link').allInnerTexts();
  for (const title of ['Running at Scale', 'StatefulSet Basics', 'A DaemonSet on Every Node', 'Jobs and CronJobs', 'Rolling Update and Rollback', 'Losing a Node']) {
    expect(links.includes(title), `index lacks ${title}: ${links}`);
  }
  await page.goto(`${origin}/index.html?lesson=no-such-lesson`);
  await lesson.getByRole('alert').filter({ hasText: 'There is no lesson called "no-such-lesson".' }).waitFor();
  expect(await page.getByRole('textbox', { name: 'Terminal', exact: true }).count() === 1, 'the playground is not usable');
  expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' / ')}`);
});

const host = await context.newPage();
host.on('pageerror', (error) => pageErrors.push(error.message));
await step(`a host page runs two blocks of page 002 in one embedded playground (${hostKind})`, host, async () => {
  await host.goto(`${hostOrigin}/running-at-scale/`);
  const buttons = host.getByRole('button', { name: 'Run in playground' });
  await buttons.first().waitFor();
  expect(await buttons.count() === 2, 'expected two Run in playground buttons');
  expect(await host.locator('iframe').count() === 1, 'expected one shared playground');
  await buttons.nth(0).click();
  const logs = host.getByRole('log', { name: 'Playground output' });
  await logs.nth(0).filter({ hasText: 'deployment.apps/demo configured' }).waitFor({ timeout: 30000 });
  await buttons.nth(1).click();
  await logs.nth(1).filter({ hasText: 'deployment.apps/demo' }).waitFor({ timeout: 15000 });
  const second = await logs.nth(1).innerText();
  expect(second.includes('replicaset.apps/demo-'), `second output: ${second}`);
  // Each output sits right under its own block.
  const placed = await host.evaluate(() => Array.from(document.querySelectorAll('[data-kubeplay-run]')).map((block) => block.nextElementSibling?.nextElementSibling?.getAttribute('aria-label')));
  expect(placed.every((label) => label === 'Playground output'), `outputs not under their blocks: ${placed}`);
  const frameText = await host.frameLocator('iframe').locator('[aria-label="Terminal output"]').innerText();
  expect(frameText.includes('deployment.apps/demo configured'), 'the embedded terminal does not show the run');
  expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' / ')}`);
});

await browser.close();
playgroundServer.close();
hostServer.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

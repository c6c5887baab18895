// End-to-end check of the simulated registry in headless Chromium (issue 10.6): an image typo
// (`ngnix:latest`) must not run; it fails to pull with Docker Hub's answer, as on a cluster.
// Usage: node tests/e2e/registry.mjs DIST_DIR [ARTIFACTS_DIR]
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
await mkdir(artifacts, { recursive: true });

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const path = normalize(join(dist, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
  if (!path.startsWith(normalize(dist))) { res.writeHead(403); return res.end(); }
  try {
    const body = await readFile(path);
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

let passed = 0;
let failed = 0;
function expect(condition, message) { if (!condition) throw new Error(message); }

const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
const output = page.locator('[aria-label="Terminal output"]');
async function run(command) {
  const before = await output.locator('.prompt').count();
  await terminal.fill(command);
  await terminal.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Terminal output"] .prompt').length > n, before);
  const entries = await output.innerText();
  return entries.slice(entries.lastIndexOf(command));
}
/// Passes virtual time with the clock's Step 10s button (a terminal `sleep` takes real time).
async function advance(seconds) {
  const step = page.getByRole('button', { name: 'Step 10s' });
  for (let passed = 0; passed < seconds; passed += 10) await step.click();
}

try {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  await run('kubectl create deployment typo --image=ngnix:latest');
  // Past the first failed pull and the pod worker's retries.
  await advance(40);
  const pods = await run('kubectl get pods -l app=typo');
  expect(/ImagePullBackOff|ErrImagePull/.test(pods), `the typo must not run: ${pods}`);
  expect(!/Running/.test(pods), `the typo is Running: ${pods}`);
  const events = await run('kubectl describe pods -l app=typo');
  expect(events.includes('Failed to pull image "ngnix:latest": failed to pull and unpack image "docker.io/library/ngnix:latest"'), 'the Failed event names the image');
  expect(events.includes('pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed'), "Docker Hub's answer is shown");
  const chip = page.locator('[data-pod][data-status="Running"]', { hasText: 'typo' });
  expect(await chip.count() === 0, 'the cluster view shows the typo pod Running');
  await run('kubectl get pods -l app=typo');
  await page.screenshot({ path: `${artifacts}/registry-image-typo-failing.png`, fullPage: true });
  await run('kubectl set image deployment/typo ngnix=nginx:1.27');
  await advance(20);
  const fixed = await run('kubectl get pods -l app=typo');
  expect(/1\/1\s+Running/.test(fixed), `the fixed image runs: ${fixed}`);
  passed += 1;
  console.log('ok   image typo fails to pull; the real image runs');
} catch (error) {
  failed += 1;
  console.log(`FAIL image typo: ${error.message.split('\n')[0]}`);
} finally {
  await page.screenshot({ path: `${artifacts}/registry-image-typo.png`, fullPage: true }).catch(() => {});
}

await browser.close();
server.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

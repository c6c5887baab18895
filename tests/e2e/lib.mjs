// Shared pieces of the browser tests: a static server for dist/ (extra pages, precompressed
// files), Debian's Chromium through playwright-core, a step reporter that saves a screenshot per
// step, terminal helpers and an axe-core check. Each test file imports what it needs.
import { createServer } from 'node:http';
import { readFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

async function exists(path) {
  try { return (await stat(path)).isFile(); } catch { return false; }
}

/// Serves `dist` (when given) and `pages` (path → (url, origin) => html) on 127.0.0.1 at a free
/// port. Like a host with precompression (nginx gzip_static/brotli_static), it answers with
/// `FILE.br` or `FILE.gz` when the browser accepts it and the file exists beside FILE.
/// Every call is its own origin: call twice for a host page on another origin.
export async function serve({ dist = null, pages = {} } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const origin = `http://127.0.0.1:${server.address().port}`;
    if (pages[url.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(pages[url.pathname](url, origin));
    }
    if (!dist) { res.writeHead(404); return res.end(); }
    const path = normalize(join(dist, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
    if (!path.startsWith(normalize(dist))) { res.writeHead(403); return res.end(); }
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', vary: 'accept-encoding' };
    let file = path;
    if (/\bbr\b/.test(accepted) && await exists(`${path}.br`)) { file = `${path}.br`; headers['content-encoding'] = 'br'; }
    else if (/\bgzip\b/.test(accepted) && await exists(`${path}.gz`)) { file = `${path}.gz`; headers['content-encoding'] = 'gzip'; }
    try {
      const body = await readFile(file);
      res.writeHead(200, headers);
      res.end(body);
    } catch { res.writeHead(404); res.end(); }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, server, close: () => new Promise((resolve) => server.close(resolve)) };
}

/// A promise the page resolves from outside (through a binding), awaited with a time limit:
/// unlike `page.waitForFunction`, waiting runs nothing in the page.
export function signal() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return {
    resolve,
    within: async (ms, message) => {
      let timer;
      const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
      try { return await Promise.race([promise, late]); } finally { clearTimeout(timer); }
    },
  };
}

export async function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/// `step(name, page, body)` runs one check, prints ok/FAIL, and saves `PREFIX-NN-name.png`.
export async function reporter(artifacts, prefix) {
  await mkdir(artifacts, { recursive: true });
  let passed = 0;
  let failed = 0;
  return {
    async step(name, page, body) {
      try {
        await body();
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${name}: ${String(error.message).split('\n')[0]}`);
      } finally {
        if (page) {
          const file = `${artifacts}/${prefix}-${String(passed + failed).padStart(2, '0')}-${name.replace(/\W+/g, '-').slice(0, 80)}.png`;
          await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        }
      }
    },
    /// Prints the tally and returns the process exit code.
    finish() {
      console.log(`${passed} passed, ${failed} failed`);
      return failed === 0 ? 0 : 1;
    },
  };
}

export function expect(condition, message) { if (!condition) throw new Error(message); }

/// The terminal of a page or frame: `run(command)` types it, presses Enter and waits for its prompt.
export function terminalOf(scope) {
  const terminal = scope.getByRole('textbox', { name: 'Terminal', exact: true });
  const output = scope.locator('[aria-label="Terminal output"]');
  // The output's data-version changes with every command (a count of prompts would not:
  // old entries are trimmed).
  async function run(command) {
    const before = await output.getAttribute('data-version');
    await terminal.fill(command);
    await terminal.press('Enter');
    await scope.waitForFunction((v) => document.querySelector('[aria-label="Terminal output"]').dataset.version !== v, before);
    return output.innerText();
  }
  return { terminal, output, run };
}

const require = createRequire(import.meta.url);
let axeSource = null;

/// Runs axe-core (WCAG 2.x A/AA and best practices) in the page or frame; returns the violations
/// as "rule: target" strings.
export async function axeViolations(page, { disable = [] } = {}) {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the devtools protocol, not added as a <script>: the page's
  // Content-Security-Policy forbids inline scripts and eval, and protocol evaluation is exempt.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const results = await page.evaluate(async (rules) => {
    const options = { resultTypes: ['violations'], rules: Object.fromEntries(rules.map((r) => [r, { enabled: false }])) };
    const { violations } = await window.axe.run(document, options);
    return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  }, disable);
  return results;
}

/// Clicks Share and returns the link it offers.
export async function shareLink(page) {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const field = page.getByLabel('Share link', { exact: true });
  // Builds before the share-link field put the link in the address bar.
  await Promise.race([field.waitFor(), page.waitForFunction(() => location.hash.startsWith('#s='))]);
  return (await field.count()) > 0 ? field.inputValue() : page.evaluate(() => location.href);
}

// End-to-end test of long waits in the page (issue 19), in headless Chromium driven by
// playwright-core: `sleep 3600` and `kubectl get pods -w` run as tasks while the page stays
// responsive (the editor takes typing, buttons answer, the clock and the status line move on),
// and Ctrl+C stops them with `^C` and exit status 130.
// Usage: node tests/e2e/long-waits.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const { origin, close } = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'long-waits');

const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (error) => errors.push(error.message));
const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
const output = page.locator('[aria-label="Terminal output"]');
const status = page.locator('.terminal p.running[role="status"]');
const clock = page.getByRole('status', { name: 'Virtual time' }).or(page.locator('output.virtual-time'));
const prompts = () => page.locator('[aria-label="Terminal output"] .prompt').count();

/** Runs a command that finishes at once and returns the terminal's text. */
async function run(command) {
  const before = await prompts();
  await terminal.fill(command);
  await terminal.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Terminal output"] .prompt').length > n, before);
  return output.innerText();
}
/** Starts a waiting command: its prompt shows and the running status line appears. */
async function start(command) {
  await terminal.fill(command);
  await terminal.press('Enter');
  await status.waitFor({ state: 'visible' });
}
/** The output after the last prompt. */
async function lastOutput() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('[aria-label="Terminal output"] > div')];
    const last = lines.map((l) => l.classList.contains('prompt')).lastIndexOf(true);
    return lines.slice(last + 1).map((l) => l.innerText).join('\n');
  });
}
/** Ctrl+C in the terminal: `^C`, the status line goes, and `$?` is 130. */
async function interrupt() {
  await terminal.press('Control+c');
  await status.waitFor({ state: 'detached' });
  expect((await output.innerText()).trimEnd().endsWith('^C'), 'the terminal does not show ^C');
  const text = await run('echo $?');
  expect(text.trimEnd().endsWith('130'), `echo $? after Ctrl+C printed ${JSON.stringify(text.trimEnd().split('\n').pop())}`);
}
/** Resolves when `read()` returns something other than `before`. */
async function changes(read, before, what) {
  for (let i = 0; i < 50; i++) {
    const now = await read();
    if (now !== before) return now;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what} did not change from ${JSON.stringify(before)}`);
}

await step('page loads and answers a first command', page, async () => {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  const text = await run('kubectl get nodes');
  expect(text.includes('kind-control-plane   Ready    control-plane'), 'kubectl get nodes did not answer');
});

await step('sleep 3600 runs as a task: status line, clock and status time move on', page, async () => {
  await start('sleep 3600');
  const clockBefore = await clock.innerText();
  const statusBefore = await status.innerText();
  expect(/Running… virtual time \d\d:\d\d:\d\d · Ctrl\+C stops it/.test(statusBefore), `status line says ${JSON.stringify(statusBefore)}`);
  await changes(() => clock.innerText(), clockBefore, 'the clock display');
  await changes(() => status.innerText(), statusBefore, 'the status line');
});

await step('the page stays responsive while sleep runs', page, async () => {
  // The editor takes typing.
  const editor = page.getByRole('textbox', { name: 'YAML editor' });
  await editor.focus();
  await editor.press('End');
  await page.keyboard.type('# typed while sleeping');
  expect((await editor.inputValue()).includes('# typed while sleeping'), 'typing into the editor was lost');
  // A click on the clock is answered: ten seconds of virtual time pass at once.
  const seconds = async () => {
    const [h, m, s] = (await clock.innerText()).match(/(\d\d):(\d\d):(\d\d)/).slice(1).map(Number);
    return h * 3600 + m * 60 + s;
  };
  const before = await seconds();
  await page.getByRole('button', { name: 'Step 10s' }).click();
  await page.locator('.clock-stepping').waitFor({ state: 'detached', timeout: 30_000 });
  const after = await seconds();
  expect(after - before >= 10, `Step 10s moved the clock by ${after - before}s`);
  expect(await status.isVisible(), 'the sleep stopped before its hour');
  // The terminal takes typing too (the command runs after the sleep).
  await terminal.fill('kubectl get pods');
  expect((await terminal.inputValue()) === 'kubectl get pods', 'typing into the terminal was lost');
  await terminal.fill('');
});

await step('Ctrl+C stops sleep 3600 with ^C and status 130', page, async () => {
  await interrupt();
});

await step('kubectl get pods -w streams rows while the clock runs', page, async () => {
  await run('kubectl create deployment web --image=nginx:1.27 --replicas=2');
  await start('kubectl get pods -w');
  const first = await lastOutput();
  expect(/^NAME +READY +STATUS/.test(first), `get -w printed ${JSON.stringify(first)}`);
  const rows = (text) => text.split('\n').filter((l) => l.startsWith('web-')).length;
  const initial = rows(first);
  expect(initial === 2, `the first table has ${initial} pod rows`);
  // The pods start as virtual time passes with real time: their changes stream in.
  await page.waitForFunction(() => {
    const lines = [...document.querySelectorAll('[aria-label="Terminal output"] > div')];
    const last = lines.map((l) => l.classList.contains('prompt')).lastIndexOf(true);
    return lines.slice(last + 1).map((l) => l.innerText).join('\n').split('\n').filter((l) => /^web-\S+ +1\/1 +Running/.test(l)).length >= 2;
  }, null, { timeout: 20000 });
  expect(await status.isVisible(), 'the watch ended by itself');
  expect(rows(await lastOutput()) > initial, 'no rows streamed');
});

await step('Ctrl+C stops kubectl get pods -w with ^C and status 130', page, async () => {
  await interrupt();
});

await step('sleep infinity runs until Ctrl+C', page, async () => {
  await start('sleep infinity');
  const before = await clock.innerText();
  await changes(() => clock.innerText(), before, 'the clock display');
  await page.getByRole('button', { name: 'Next change' }).click();
  await page.locator('.clock-stepping').waitFor({ state: 'detached', timeout: 30_000 });
  expect(await status.isVisible(), 'sleep infinity ended');
  await interrupt();
});

await step('no page errors', page, async () => {
  expect(errors.length === 0, `page errors: ${errors.join('; ')}`);
});

await browser.close();
await close();
process.exit(finish());

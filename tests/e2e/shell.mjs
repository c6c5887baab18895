// End-to-end test of the shell in the page (issue 12): a `for` loop that sleeps prints as
// virtual time passes (the page stays live and Ctrl+C stops it), `watch` repaints until
// Ctrl+C, and `kubectl logs -f` streams a container's lines until Ctrl+C.
// Usage: node tests/e2e/shell.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const { origin, close } = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'shell');

const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (error) => errors.push(error.message));
const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
const output = page.locator('[aria-label="Terminal output"]');
const status = page.locator('.terminal p.running[role="status"]');

async function run(command) {
  const before = await page.locator('[aria-label="Terminal output"] .prompt').count();
  await terminal.fill(command);
  await terminal.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Terminal output"] .prompt').length > n, before);
  return output.innerText();
}
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
/** Waits until `test(lastOutput())` holds, for up to 20 s of real time. */
async function until(test, what) {
  let text = '';
  for (let i = 0; i < 200; i++) {
    text = await lastOutput();
    if (test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: the output stayed ${JSON.stringify(text)}`);
}
async function interrupt() {
  await terminal.press('Control+c');
  await status.waitFor({ state: 'detached' });
  expect((await output.innerText()).trimEnd().endsWith('^C'), 'the terminal does not show ^C');
  const text = await run('echo $?');
  expect(text.trimEnd().endsWith('130'), 'echo $? after Ctrl+C is not 130');
}

await step('page loads', page, async () => {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  await run('kubectl get nodes');
});

await step('a for loop that sleeps prints each turn as virtual time passes', page, async () => {
  await start('for i in 1 2 3 4 5 6 7 8 9 10; do echo "turn $i"; sleep 2; done');
  const first = await lastOutput();
  expect(first.includes('turn 1') && !first.includes('turn 4'), `the loop printed ${JSON.stringify(first)} at once`);
  await until((text) => text.includes('turn 2'), 'the second turn');
  // The page stays live meanwhile: typing into the terminal works.
  await terminal.fill('echo typed');
  expect((await terminal.inputValue()) === 'echo typed', 'typing was lost while the loop ran');
  await terminal.fill('');
  await page.screenshot({ path: `${artifacts}/shell-loop.png` });
  await interrupt();
});

await step('watch refreshes until Ctrl+C', page, async () => {
  await run('kubectl create deployment web --image=nginx:1.27 --replicas=2');
  await start('watch -n 2 kubectl get deployment web');
  const first = await lastOutput();
  expect(/^Every 2\.0s: kubectl get deployment web +kubeplay: /.test(first), `watch printed ${JSON.stringify(first)}`);
  // Each refresh repaints the one frame (tests/e2e/watch.mjs checks it closely).
  const firstHeader = first.split('\n')[0];
  await until((text) => text.split('Every 2.0s').length === 2 && text.split('\n')[0] !== firstHeader, 'a second refresh');
  await until((text) => text.includes('2/2'), 'the deployment becoming ready');
  await page.screenshot({ path: `${artifacts}/shell-watch.png` });
  await interrupt();
});

await step('kubectl logs -f streams lines until Ctrl+C', page, async () => {
  await run(`kubectl run ticker --image=busybox:1.36 -- sh -c 'i=0; while true; do i=$(expr $i + 1); echo "tick $i"; sleep 2; done'`);
  // Its container must run first (logs of a container still being created are an error).
  await start('kubectl wait --for=condition=Ready pod/ticker --timeout=60s');
  await status.waitFor({ state: 'detached', timeout: 60000 });
  await start('kubectl logs -f ticker');
  await until((text) => text.includes('tick 1'), 'the first line');
  await until((text) => text.includes('tick 3'), 'later lines');
  await page.screenshot({ path: `${artifacts}/shell-logs.png` });
  await interrupt();
});

await step('no page errors', page, async () => {
  expect(errors.length === 0, `page errors: ${errors.join('; ')}`);
});

await browser.close();
await close();
process.exit(finish());

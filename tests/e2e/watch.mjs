// End-to-end test of `watch` in the page (issue 12): each refresh repaints one frame in place
// as procps watch does (header `Every N.Ns: CMD` with the host and time at the right, a blank
// line, the output), the earlier frames go, the commands before it stay; Ctrl+C or the Stop
// button (reachable by keyboard) ends it and leaves the last frame. axe-clean while it runs,
// and usable at 390 px.
// Usage: node tests/e2e/watch.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf, axeViolations } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const { origin, close } = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'watch');

const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (error) => errors.push(error.message));
const { terminal, output, run } = terminalOf(page);
const status = page.locator('.terminal p.running[role="status"]');
const HEADER = /^Every 1\.0s: kubectl get pods +kubeplay: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

/** The lines after the last prompt. */
async function frame() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('[aria-label="Terminal output"] > div')];
    const last = lines.map((l) => l.classList.contains('prompt')).lastIndexOf(true);
    return lines.slice(last + 1).map((l) => l.innerText);
  });
}
/** Waits until `test(frame())` holds, for up to 20 s of real time. */
async function until(test, what) {
  let lines = [];
  for (let i = 0; i < 200; i++) {
    lines = await frame();
    if (test(lines)) return lines;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: the frame stayed ${JSON.stringify(lines)}`);
}
async function start(command) {
  await terminal.fill(command);
  await terminal.press('Enter');
  await status.waitFor({ state: 'visible' });
}
/** One frame: a header, a blank line, then the command's output. */
function oneFrame(lines) {
  return HEADER.test(lines[0] ?? '') && lines[1] === '' && lines.filter((l) => l.startsWith('Every ')).length === 1;
}

await step('page loads', page, async () => {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  await run('kubectl create deployment web --image=nginx:1.27 --replicas=3');
});

let first = [];
await step('watch shows one frame and repaints it in place', page, async () => {
  await start('watch -n 1 kubectl get pods');
  first = await until(oneFrame, 'the first frame');
  const later = await until((lines) => oneFrame(lines) && lines[0] !== first[0], 'a refresh with a later time');
  expect(later.some((l) => l.startsWith('NAME ')), `no table in ${JSON.stringify(later)}`);
  const ready = await until((lines) => oneFrame(lines) && lines.filter((l) => /^web-\S+ +1\/1 +Running/.test(l)).length === 3,
    'three running pods');
  expect((await output.innerText()).includes('deployment.apps/web created'), 'the commands before watch are gone');
  expect(ready.length === 2 + 1 + 3, `the frame holds more than one refresh: ${JSON.stringify(ready)}`);
  await page.screenshot({ path: `${artifacts}/watch-frame.png` });
});

await step('axe-clean while watch runs', page, async () => {
  const violations = await axeViolations(page);
  expect(violations.length === 0, violations.join('; '));
});

await step('Ctrl+C stops it and leaves the last frame', page, async () => {
  await terminal.press('Control+c');
  await status.waitFor({ state: 'detached' });
  const lines = await frame();
  expect(lines.at(-1) === '^C', `the frame does not end in ^C: ${JSON.stringify(lines)}`);
  expect(HEADER.test(lines[0]), `the last frame lost its header: ${JSON.stringify(lines)}`);
  const text = await run('echo $?');
  expect(text.trimEnd().endsWith('130'), 'echo $? after Ctrl+C is not 130');
});

await step('the Stop button stops it from the keyboard at 390 px', page, async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await start('watch -n 1 kubectl get pods');
  await until(oneFrame, 'the first frame');
  const stop = page.getByRole('button', { name: 'Stop', exact: true });
  await stop.focus();
  await page.screenshot({ path: `${artifacts}/watch-narrow.png`, fullPage: true });
  await page.keyboard.press('Enter');
  await status.waitFor({ state: 'detached' });
  expect((await frame()).at(-1) === '^C', 'Stop did not interrupt like Ctrl+C');
});

await step('no page errors', page, async () => {
  expect(errors.length === 0, `page errors: ${errors.join('; ')}`);
});

await browser.close();
await close();
process.exit(finish());

// End-to-end check of `kubectl edit` in the page (issue 12): typed in the terminal, it opens
// the live object in the YAML editor under kubectl's header; Save edit sends the change, a
// refused edit reopens with the server's reasons, Cancel leaves the object as it is, and
// the learner's draft comes back afterwards.
// Usage: node tests/e2e/verbs.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf, axeViolations } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const { origin, close } = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'verbs');

const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
const { terminal, run: runAll } = terminalOf(page);
async function run(command) {
  const entries = await runAll(command);
  return entries.slice(entries.lastIndexOf(command));
}
const editor = page.getByRole('textbox', { name: 'YAML editor' });
const result = page.locator('#apply-result');

let draft = '';
await step('kubectl edit opens the live object in the YAML editor', page, async () => {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  draft = await editor.inputValue();
  await run('kubectl create deployment web --image=nginx:1.27');
  const opened = await run('kubectl edit deployment/web');
  expect(opened.includes('Editing in the YAML editor'), `the terminal says where the edit is: ${opened}`);
  const text = await editor.inputValue();
  expect(text.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,"), `kubectl's header: ${text.slice(0, 120)}`);
  expect(text.includes('kind: Deployment') && text.includes('  replicas: 1\n'), 'the live object follows the header');
  expect(await page.getByRole('button', { name: 'Save edit' }).isVisible(), 'Save edit is offered');
  expect(await page.getByRole('button', { name: 'Cancel' }).isVisible(), 'Cancel is offered');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  expect(focused === 'YAML editor', `the editor has the keyboard focus: ${focused}`);
  const violations = await axeViolations(page);
  expect(violations.length === 0, `axe: ${violations.join(', ')}`);
});

await step('an invalid edit reopens with the reasons, a valid one is saved', page, async () => {
  const text = await editor.inputValue();
  await editor.fill(text.replace('  replicas: 1\n', '  replicas: -1\n'));
  await page.getByRole('button', { name: 'Save edit' }).click();
  await page.waitForFunction(() => document.querySelector('textarea[aria-label="YAML editor"]').value.includes('was not valid'));
  const reopened = await editor.inputValue();
  expect(reopened.includes('# deployments.apps "web" was not valid:'), `the reason heads the file: ${reopened.slice(0, 400)}`);
  expect(reopened.includes('# * spec.replicas: Invalid value: -1: must be greater than or equal to 0'), 'the cause is listed');
  expect((await result.innerText()).includes('error: deployments.apps "web" is invalid'), 'the error is shown');
  await editor.fill(reopened.replace('replicas: -1', 'replicas: 3'));
  await editor.press('Control+Enter');
  await page.getByRole('button', { name: 'Apply' }).waitFor();
  expect((await result.innerText()).includes('deployment.apps/web edited'), `saved: ${await result.innerText()}`);
  expect(await editor.inputValue() === draft, 'the draft is back in the editor');
  const deployment = await run('kubectl get deployment web -o jsonpath={.spec.replicas}');
  expect(deployment.includes('\n3'), `the edit reached the cluster: ${deployment}`);
});

await step('Cancel leaves the object as it is', page, async () => {
  await run('kubectl edit deployment web');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Apply' }).waitFor();
  const history = await page.locator('[aria-label="Terminal output"]').innerText();
  expect(history.includes('Edit cancelled, no changes made.'), 'the terminal says so');
  expect(await editor.inputValue() === draft, 'the draft is back');
});

await step('edits are part of the session a reload replays', page, async () => {
  await page.reload();
  await terminal.waitFor();
  const deployment = await run('kubectl get deployment web -o jsonpath={.spec.replicas}');
  expect(deployment.includes('\n3'), `the saved edit replays: ${deployment}`);
  const missing = await run('kubectl edit deployment/nope');
  expect(missing.includes('Error from server (NotFound): deployments.apps "nope" not found'), `missing objects: ${missing}`);
  expect(await page.getByRole('button', { name: 'Apply' }).isVisible(), 'nothing opened');
});

await browser.close();
await close();
process.exit(finish());

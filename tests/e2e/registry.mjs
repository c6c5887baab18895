// End-to-end check of the simulated registry in headless Chromium (issue 10.6): an image typo
// (`ngnix:latest`) must not run; it fails to pull with Docker Hub's answer, as on a cluster.
// Usage: node tests/e2e/registry.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const { origin, close } = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'registry');

const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
const { terminal, run: runAll } = terminalOf(page);
/// Runs a command and returns what follows its prompt.
async function run(command) {
  const entries = await runAll(command);
  return entries.slice(entries.lastIndexOf(command));
}
/// Passes virtual time with the clock's Step 10s button (a terminal `sleep` takes real time).
async function advance(seconds) {
  const button = page.getByRole('button', { name: 'Step 10s' });
  for (let passed = 0; passed < seconds; passed += 10) await button.click();
}

await step('an image typo fails to pull with Docker Hub\'s answer', page, async () => {
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
});

await step('the real image runs once set', page, async () => {
  await run('kubectl set image deployment/typo ngnix=nginx:1.27');
  await advance(20);
  const fixed = await run('kubectl get pods -l app=typo');
  expect(/1\/1\s+Running/.test(fixed), `the fixed image runs: ${fixed}`);
});

await browser.close();
await close();
process.exit(finish());

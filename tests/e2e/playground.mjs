// End-to-end tests of the playground in headless Chromium (Debian's, driven by playwright-core).
// Usage: node tests/e2e/playground.mjs DIST_DIR [ARTIFACTS_DIR]
// Serves DIST_DIR on 127.0.0.1, walks through the workshop flow, saves a screenshot per step,
// and prints "N passed, N failed".
import { serve, launchChromium, reporter, expect, terminalOf, shareLink } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';

const hostPage = (url, origin) => `<!doctype html><html><body>
<iframe id="play" title="kubeplay" src="${origin}/index.html?embed=1&panels=terminal,cluster" style="width:900px;height:700px"></iframe>
<script>
  window.replies = [];
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'kubeplay:output') window.replies.push(e.data); });
</script></body></html>`;
const site = await serve({ dist, pages: { '/host.html': hostPage } });
const origin = site.origin;
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'e2e');

const requests = [];
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
page.on('request', (r) => { if (!r.url().startsWith(origin)) requests.push(r.url()); });
const { terminal, run } = terminalOf(page);
const cluster = page.getByRole('region', { name: 'Cluster' });
async function runningPods(namespace = 'default') {
  return cluster.locator(`[data-pod][data-namespace="${namespace}"][data-status="Running"]`).count();
}

let loadMs = 0;
await step('page loads and answers a first command', page, async () => {
  const started = Date.now();
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  const text = await run('kubectl get nodes');
  loadMs = Date.now() - started;
  expect(text.includes('kind-control-plane   Ready    control-plane'), 'kubectl get nodes did not answer');
});

await step('apply the workshop demo Deployment with 3 replicas', page, async () => {
  const editor = page.getByRole('textbox', { name: 'YAML editor' });
  expect((await editor.inputValue()).includes('replicas: 3'), 'the editor does not hold the demo example');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('#apply-result').getByText('deployment.apps/demo created').waitFor();
});

await step('advance the clock: 3 pods Running in the cluster view and in kubectl', page, async () => {
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step 10s' }).click();
  expect((await runningPods()) === 3, `expected 3 running pods, saw ${await runningPods()}`);
  const text = await run('kubectl get pods');
  const running = text.split('\n').filter((line) => /^demo-\w+-\w+ +1\/1 +Running/.test(line));
  expect(running.length === 3, `kubectl get pods shows ${running.length} running demo pods`);
});

await step('change the image and watch the rolling update', page, async () => {
  const editor = page.getByRole('textbox', { name: 'YAML editor' });
  await editor.fill((await editor.inputValue()).replace('demo:1.0.0', 'demo:2.0.0'));
  await editor.press('Control+Enter');
  await page.locator('#apply-result').getByText('deployment.apps/demo configured').waitFor();
  // While a step plays, the cluster view takes new content ten times a second (cadence.rs).
  await cluster.locator('.workload.replicaset[data-namespace="default"]').nth(1).waitFor({ timeout: 2_000 });
  const replicaSets = await cluster.locator('.workload.replicaset[data-namespace="default"]').count();
  expect(replicaSets === 2, `expected old and new ReplicaSet, saw ${replicaSets}`);
  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Step 10s' }).click();
  const text = await run('kubectl rollout status deployment/demo');
  expect(text.includes('deployment "demo" successfully rolled out'), 'rollout did not finish');
  expect((await runningPods()) === 3, 'not 3 running pods after the rollout');
});

await step('workshop 002 pasted block by block into the terminal', page, async () => {
  await run('kubectl create namespace dev');
  const block = `cat <<EOF | tee ~/environment/005-demo-deployment.yaml | kubectl -n dev apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: demo
  name: demo
spec:
  replicas: 3                    # scale-out: https://12factor.net/concurrency
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
      - name: demo
        image: demo:1.0.0
        env:
        - name: GREETING
          value: Hi from
EOF`;
  let text = await run(block);
  expect(text.includes('deployment.apps/demo created'), 'the heredoc block was not applied');
  await page.getByRole('button', { name: 'Step 10s' }).click();
  await page.getByRole('button', { name: 'Step 10s' }).click();
  text = await run('kubectl -n dev get deployments,replicasets,pods');
  expect(/deployment\.apps\/demo +3\/3/.test(text), 'demo is not 3/3 in dev');
  expect((await runningPods('dev')) === 3, 'the cluster view does not show 3 running pods in dev');
  text = await run('kubectl -n dev exec deployment/demo -it -- curl http://localhost:80');
  expect(/Hi from demo-\w+-\w+/.test(text), 'exec curl did not answer');
});

await step('a YAML error is shown at its line and nothing is applied', page, async () => {
  const editor = page.getByRole('textbox', { name: 'YAML editor' });
  await editor.fill('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  labels: app: x\n');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('#apply-result').getByText('Line 5, column').waitFor();
  expect((await page.locator('.gutter .error-line').innerText()).trim() === '5', 'the error line is not marked');
  const text = await run('kubectl get deployment broken');
  expect(text.includes('deployments.apps "broken" not found'), 'the broken deployment exists');
});

await step('reload keeps the state', page, async () => {
  const names = await cluster.locator('[data-pod][data-namespace="default"]').evaluateAll((els) => els.map((e) => e.dataset.pod).sort());
  await page.reload();
  await terminal.waitFor();
  const again = await cluster.locator('[data-pod][data-namespace="default"]').evaluateAll((els) => els.map((e) => e.dataset.pod).sort());
  expect(JSON.stringify(names) === JSON.stringify(again), `pods differ after reload: ${names} vs ${again}`);
});

await step('a share link reproduces the playground in a fresh browser context', page, async () => {
  const link = await shareLink(page);
  expect(link.includes('#s='), `the share link is ${link}`);
  const names = await cluster.locator('[data-pod][data-namespace="default"]').evaluateAll((els) => els.map((e) => e.dataset.pod).sort());
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await other.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  const shared = await other.getByRole('region', { name: 'Cluster' }).locator('[data-pod][data-namespace="default"]').evaluateAll((els) => els.map((e) => e.dataset.pod).sort());
  await other.screenshot({ path: `${artifacts}/e2e-shared-context.png`, fullPage: true });
  await fresh.close();
  expect(JSON.stringify(names) === JSON.stringify(shared), `shared pods differ: ${names} vs ${shared}`);
});

await step('a node joins, its kubelet is stopped from the inspector, and it goes NotReady', page, async () => {
  await cluster.getByRole('button', { name: 'Add node' }).click();
  const lane = cluster.locator('[data-node-lane="kind-worker"]');
  await lane.waitFor();
  await page.getByRole('button', { name: 'Step 10s' }).click();
  await page.getByRole('button', { name: 'Step 10s' }).click();
  await lane.locator('.lane-header').click();
  const inspector = page.getByRole('complementary', { name: 'Node kind-worker' });
  await inspector.getByRole('button', { name: 'Stop kubelet' }).click();
  await page.locator('[aria-label="Terminal output"]').getByText('node/kind-worker kubelet stopped').waitFor();
  await inspector.getByRole('button', { name: 'Start kubelet' }).waitFor();
  await lane.locator('.kubelet-stopped').waitFor();
  for (let i = 0; i < 7; i++) await page.getByRole('button', { name: 'Step 10s' }).click();
  const meta = await lane.locator('.node-meta').first().innerText();
  expect(meta.startsWith('NotReady'), `lane says ${meta}`);
  await inspector.getByRole('button', { name: 'Close inspector' }).click();
});

await step('the events timeline draws the rows in reach of its view, and the next ones as it scrolls', page, async () => {
  await run('kubectl create namespace busy');
  await run('kubectl -n busy create deployment busy --image=nginx --replicas=12');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step 10s' }).click();
  // Paused, so that no new Event changes the rows while they are counted.
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
  const events = page.getByRole('region', { name: 'Events' });
  const rows = events.locator('tbody tr');
  const total = Number(await events.locator('table').getAttribute('aria-rowcount')) - 1;
  const drawn = await rows.count();
  expect(total > drawn && drawn >= 40, `${drawn} of ${total} Events drawn at the top`);
  const panel = await events.boundingBox();
  const last = await rows.last().boundingBox();
  expect(last.y > panel.y + panel.height, 'the last row drawn is in view: the panel shows undrawn room');
  // Scrolled to the end, the rest are drawn, and the last is in view.
  const drawnAll = () => document.querySelectorAll('.events tbody tr').length
    === Number(document.querySelector('.events table').getAttribute('aria-rowcount')) - 1;
  await events.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(drawnAll);
  await events.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  const end = await rows.last().boundingBox();
  const box = await events.boundingBox();
  expect(end.y + end.height <= box.y + box.height + 1 && end.y >= box.y, 'the last Event is not in view at the end of the panel');
  await events.evaluate((el) => { el.scrollTop = 0; });
  await page.waitForFunction((n) => document.querySelectorAll('.events tbody tr').length === n, drawn);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
});

const host = await context.newPage();
await step('embed mode renders and answers a postMessage command', host, async () => {
  await host.goto(`${origin}/host.html`);
  const frame = host.frameLocator('#play');
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  expect((await frame.locator('.toolbar').count()) === 0, 'embed mode shows the full toolbar');
  expect((await frame.getByRole('textbox', { name: 'YAML editor' }).count()) === 0, 'embed mode shows panels that were not asked for');
  await host.evaluate(() => document.getElementById('play').contentWindow.postMessage({ type: 'kubeplay:run', id: 7, command: 'kubectl get ns' }, '*'));
  await host.waitForFunction(() => window.replies.length > 0);
  const reply = await host.evaluate(() => window.replies[0]);
  expect(reply.id === 7 && reply.output.includes('kube-system') && reply.status === 0, `unexpected reply ${JSON.stringify(reply)}`);
});

await step('narrow iframe layout stays usable', host, async () => {
  await host.setViewportSize({ width: 420, height: 900 });
  await host.evaluate(() => { const f = document.getElementById('play'); f.style.width = '400px'; f.style.height = '860px'; });
  const frame = host.frameLocator('#play');
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  const width = await frame.locator('body').evaluate((b) => b.scrollWidth);
  expect(width <= 400, `the embedded page scrolls sideways (${width}px)`);
});

await step('no network requests leave the page', null, async () => {
  expect(requests.length === 0, `requests to ${requests.join(', ')}`);
});

await browser.close();
await site.close();
console.log(`page load to first answered command: ${loadMs} ms`);
process.exit(finish());

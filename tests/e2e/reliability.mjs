// Limits that protect the tab (issue 13), in headless Chromium: workloads that would take the
// cluster past its pod budget are refused with a clear message instead of exhausting the tab's
// memory, an oversized paste is refused without being run or saved, and the page keeps working.
// Usage: node tests/e2e/reliability.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';

const site = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'reliability');
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const { run } = terminalOf(page);
const alive = async () => (await page.locator('#fatal.visible').count()) === 0;

await step('a StatefulSet of 80,000 replicas whose first pod never starts is accepted', page, async () => {
  await page.goto(`${site.origin}/index.html`);
  const text = await run(`cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: first
spec:
  replicas: 80000
  serviceName: first
  selector:
    matchLabels:
      app: first
  template:
    metadata:
      labels:
        app: first
    spec:
      containers:
      - name: app
        image: nginx:no-such-tag
EOF`);
  expect(text.includes('statefulset.apps/first created'), 'the StatefulSet was not created');
});

await step('scaling a Deployment past the pod budget is refused with a clear message', page, async () => {
  await run('kubectl create deployment second --image=nginx --replicas=0');
  const text = await run('kubectl scale deployment second --replicas=70000');
  expect(text.includes('deployments.apps "second" is forbidden: the playground holds at most 150000 pods at once, to keep within the tab\'s memory'),
    'the scale past the budget was not refused');
  expect(await alive(), 'the page shows a fatal error');
  const after = await run('kubectl get deployment second --no-headers');
  expect(/second +0\/0/.test(after), 'the refused scale changed the Deployment');
});

await step('an oversized paste is refused, neither run nor saved, and the page keeps working', page, async () => {
  const paste = `echo pasted\n# ${'x'.repeat(1100 * 1024)}`;
  const text = await run(paste);
  expect(text.includes('kubeplay: a command or pasted script may be at most 1048576 bytes'), 'the oversized paste was not refused');
  expect(!text.includes('\npasted\n'), 'the oversized paste ran');
  const saved = await page.evaluate(() => Object.values(localStorage).reduce((n, v) => n + v.length, 0));
  expect(saved < 100 * 1024, `the saved state holds ${saved} characters`);
  const nodes = await run('kubectl get nodes');
  expect(nodes.includes('kind-control-plane') && (await alive()), 'the page stopped working');
});

await browser.close();
await site.close();
process.exit(finish());

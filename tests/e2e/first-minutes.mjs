// The first minutes of a learner (issue 10), in headless Chromium: a page that shows something
// before the wasm arrives, a clock that runs, a keyboard way through every panel, terminal
// output that keeps its blank lines and whole commands, work that survives reloads and links,
// a lost node that explains itself, and layouts at 1440×900, 390×844 and in a 400 px iframe.
// Usage: node tests/e2e/first-minutes.mjs DIST_DIR [ARTIFACTS_DIR]
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launchChromium, reporter, expect, terminalOf, axeViolations, shareLink } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';

const embedHost = (url, origin) => `<!doctype html><html lang="en"><head><title>host</title></head><body>
<iframe id="play" title="kubeplay" src="${origin}/index.html?embed=1${url.searchParams.get('q') ?? ''}" style="width:${url.searchParams.get('w') ?? '900'}px;height:800px;border:0"></iframe>
<script>
  window.replies = [];
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'kubeplay:output') window.replies.push(e.data); });
</script></body></html>`;
const site = await serve({ dist, pages: { '/embed-host.html': embedHost } });
const origin = site.origin;
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'first-minutes');

const block002 = `cat <<EOF | tee ~/environment/005-demo-deployment.yaml | kubectl -n dev apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: demo
  name: demo
spec:
  replicas: 3
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
EOF`;

/// Passes virtual time with the clock's Step 10s button (a `sleep` runs in real time at 1×).
async function step10s(scope, times) {
  for (let i = 0; i < times; i++) await scope.getByRole('button', { name: 'Step 10s' }).click();
  await stepped(scope);
}

/// A step of the clock runs across frames on a busy cluster: waits until it is over.
async function stepped(scope) {
  await scope.locator('.clock-stepping').waitFor({ state: 'detached', timeout: 30_000 });
}

async function freshPage(viewport = { width: 1440, height: 900 }, path = '/index.html') {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${origin}${path}`);
  await terminalOf(page).terminal.waitFor();
  return { context, page, ...terminalOf(page) };
}

/// Waits, polling kubectl, until `predicate(text)` holds; virtual time is whatever the page's clock does.
async function until(run, command, predicate, timeoutMs, what) {
  const started = Date.now();
  for (;;) {
    const text = await run(command);
    if (predicate(text)) return text;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} (last output: ${text.split('\n').slice(-4).join(' | ')})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// 8. Loading: the HTML itself says the page is starting, before any wasm arrives.
{
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await step('a loading state shows before the wasm arrives, and goes when the app starts', page, async () => {
    await page.goto(`${origin}/index.html`, { waitUntil: 'domcontentloaded' });
    const loading = page.locator('#loading');
    await loading.waitFor({ state: 'visible', timeout: 5000 });
    const text = await loading.innerText();
    expect(/Starting the simulated cluster/.test(text), `loading text is "${text}"`);
    await page.screenshot({ path: `${artifacts}/first-minutes-loading.png` });
    release();
    await terminalOf(page).terminal.waitFor();
    expect((await page.locator('#loading').count()) === 0, 'the loading note stays after the app started');
  });
  await context.close();
}

// 1. The clock runs at 1× from the start; a paused clock says so in the terminal.
{
  const { context, page, run } = await freshPage();
  await step('the clock runs by default: the 002 block reaches 3/3 Running without Play, Step or sleep', page, async () => {
    expect((await page.getByRole('button', { name: 'Pause' }).count()) === 1, 'the clock does not run on load (no Pause button)');
    expect((await page.locator('.terminal .paused').count()) === 0, 'the terminal says paused while the clock runs');
    await run('kubectl create namespace dev');
    await run(block002);
    await until(run, 'kubectl -n dev get deployments,replicasets,pods', (t) => /deployment\.apps\/demo +3\/3/.test(t), 60000,
      'demo never became 3/3 with the clock left alone');
  });
  await step('blank lines between tables keep their height', page, async () => {
    await run('kubectl -n dev get deployments,replicasets,pods');
    const heights = await page.locator('.terminal-output .out').evaluateAll((els) => els.filter((e) => e.textContent === '').map((e) => e.getBoundingClientRect().height));
    expect(heights.length > 0, 'no blank line in the output of three tables');
    expect(heights.every((h) => h >= 10), `blank lines render at heights ${heights.join(', ')}`);
  });
  await step('at 1440×900 the terminal input is in view without scrolling, even after long output', page, async () => {
    for (let i = 0; i < 3; i++) await run('kubectl get pods -A');
    const box = await page.getByRole('textbox', { name: 'Terminal', exact: true }).boundingBox();
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(box && box.y >= 0 && box.y + box.height <= 900 && scrolled === 0, `terminal input at y=${box?.y} h=${box?.height}, page scrolled ${scrolled}`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height <= 900, `the page is ${height} px tall: the window scrolls`);
  });
  await step('whole commands: trimming drops the oldest whole entries and says so', page, async () => {
    let guard = 0;
    while ((await page.locator('.terminal-output .trimmed').count()) === 0 && guard++ < 12) await run('kubectl get pods -A -o yaml');
    expect(guard < 12, 'the terminal never said that output was trimmed');
    const first = await page.locator('.terminal-output > :not(.trimmed):not(.hint)').first().getAttribute('class');
    expect(first === 'prompt', `the oldest kept line is "${first}", not a command prompt`);
    const text = await run('kubectl get pods -A');
    const lines = text.split('\n');
    const prompt = lines.lastIndexOf('$ kubectl get pods -A');
    expect(prompt >= 0 && lines[prompt + 1].startsWith('NAMESPACE'), 'the last command lost its prompt or header');
  });
  await step('Pause shows a paused note in the terminal; Resume there restarts the clock', page, async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    const note = page.locator('.terminal .paused');
    await note.waitFor();
    expect((await note.innerText()).includes('The clock is paused'), 'no paused note');
    const before = await page.getByLabel('Virtual time').innerText();
    await page.waitForTimeout(1500);
    expect((await page.getByLabel('Virtual time').innerText()) === before, 'time moved while paused');
    await note.getByRole('button', { name: 'Resume' }).click();
    await note.waitFor({ state: 'detached' });
    await page.waitForTimeout(1500);
    expect((await page.getByLabel('Virtual time').innerText()) !== before, 'time did not move after Resume');
  });
  await context.close();
}

{
  const { context, page } = await freshPage({ width: 1440, height: 900 }, '/index.html?clock=paused');
  await step('?clock=paused starts paused and the terminal says so', page, async () => {
    await page.locator('.terminal .paused').waitFor();
    expect((await page.getByRole('button', { name: 'Play' }).count()) === 1, 'no Play button');
  });
  await context.close();
}

// 2. Keyboard only: Tab completes, Esc then Tab leaves; every panel is reachable; the inspector
//    takes focus and Esc closes it.
{
  const { context, page, run } = await freshPage();
  const focused = () => page.evaluate(() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') ?? e.textContent.trim().slice(0, 40)) : ''; });
  await step('keyboard only: Tab completes in the terminal, Esc then Tab leaves it, and Shift+Tab leaves too', page, async () => {
    await run('kubectl create deployment web --image=nginx --replicas=2');
    const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
    await terminal.focus();
    await page.keyboard.type('kubectl get deploy');
    await page.keyboard.press('Tab');
    expect((await focused()) === 'Terminal', `Tab left the terminal instead of completing (focus on "${await focused()}")`);
    expect((await terminal.inputValue()).startsWith('kubectl get deployment'), `Tab did not complete: ${await terminal.inputValue()}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect((await focused()) !== 'Terminal', 'Esc then Tab did not leave the terminal');
    await terminal.focus();
    await page.keyboard.press('Shift+Tab');
    expect((await focused()) !== 'Terminal', 'Shift+Tab did not leave the terminal');
  });
  await step('keyboard only: Tab indents in the YAML editor, Esc then Tab leaves it', page, async () => {
    const editor = page.getByRole('textbox', { name: 'YAML editor' });
    await editor.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Tab');
    expect((await focused()) === 'YAML editor', 'Tab left the editor instead of indenting');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect((await focused()) !== 'YAML editor', 'Esc then Tab did not leave the editor');
  });
  await step('keyboard only: from the terminal, Tab reaches a pod chip; Enter opens the inspector with focus in it; Esc closes it and focus returns', page, async () => {
    const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
    await terminal.focus();
    await page.keyboard.press('Escape');
    let reached = '';
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press(i === 0 ? 'Tab' : 'Tab');
      reached = await page.evaluate(() => document.activeElement?.dataset?.pod ?? '');
      if (reached.startsWith('web-')) break;
    }
    expect(reached.startsWith('web-'), 'Tab never reached a pod chip of the web Deployment');
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('complementary', { name: `Pod ${reached}` });
    await inspector.waitFor();
    const inside = await page.evaluate(() => Boolean(document.activeElement?.closest('.inspector')));
    expect(inside, 'focus did not move into the inspector');
    await page.keyboard.press('Escape');
    await inspector.waitFor({ state: 'detached' });
    const back = await page.evaluate(() => document.activeElement?.dataset?.pod ?? '');
    expect(back === reached, `focus went to "${back}" instead of back to the chip`);
  });
  await step('keyboard only: the events filter and the clock are reachable by Tab from the cluster view', page, async () => {
    const seen = new Set();
    for (let i = 0; i < 200 && !seen.has('Filter events'); i++) {
      // The documented way out of the terminal and the editor, where Tab completes or indents.
      if (['Terminal', 'YAML editor'].includes(await focused())) await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      seen.add(await focused());
    }
    expect(seen.has('Filter events'), 'the events filter was never reached by Tab');
  });
  await step('axe: no accessibility violations (chips, lanes, inspector included)', page, async () => {
    const main = await axeViolations(page);
    await page.locator('[data-pod^="web-"]').first().click();
    await page.getByRole('complementary').waitFor();
    const inspecting = await axeViolations(page);
    const all = [...new Set([...main, ...inspecting])];
    expect(all.length === 0, `axe: ${all.slice(0, 6).join('; ')}`);
    await page.keyboard.press('Escape');
  });
  await context.close();
}

// 4. Work survives: an unapplied draft and the session survive a reload.
{
  const { context, page, run } = await freshPage();
  await step('an unapplied editor draft survives a reload', page, async () => {
    const editor = page.getByRole('textbox', { name: 'YAML editor' });
    const draft = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-draft\ndata:\n  note: not applied yet\n';
    await editor.fill(draft);
    await page.reload();
    await terminalOf(page).terminal.waitFor();
    expect((await page.getByRole('textbox', { name: 'YAML editor' }).inputValue()) === draft, 'the draft was replaced by the demo example');
  });
  await step('↑ recalls commands typed before a reload', page, async () => {
    await run('kubectl get ns');
    await page.reload();
    const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
    await terminal.focus();
    await page.keyboard.press('ArrowUp');
    expect((await terminal.inputValue()) === 'kubectl get ns', `↑ gave "${await terminal.inputValue()}"`);
  });
  await context.close();
}

{
  // A share link opened where nothing is saved loads once: the URL is cleaned and later work stays.
  const maker = await freshPage();
  await maker.run('kubectl create deployment shared-app --image=nginx');
  const link = await shareLink(maker.page);
  await maker.context.close();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const { terminal, run } = terminalOf(page);
  await step('a share link loads once: the URL is cleaned and work done after it survives a reload', page, async () => {
    await page.goto(link);
    await terminal.waitFor();
    expect(!(await page.evaluate(() => location.href)).includes('#s='), 'the share fragment stays in the URL');
    await run('kubectl create deployment mine --image=nginx');
    await page.reload();
    await terminal.waitFor();
    const text = await run('kubectl get deployments -o name');
    expect(text.includes('deployment.apps/mine') && text.includes('deployment.apps/shared-app'), 'work after opening the link was lost on reload');
  });
  await context.close();
}

// 5. A lost node: the view is current, lost nodes and pods look different and say why and
//    until when, and Next change always lands on a visible change.
{
  const { context, page, run } = await freshPage({ width: 1440, height: 900 }, '/index.html?preset=kind-multi&clock=paused');
  const cluster = page.getByRole('region', { name: 'Cluster' });
  const lane = cluster.locator('[data-node-lane="kind-worker"]');
  const kubectlTerminating = async () => (await run('kubectl get pods --no-headers')).split('$ kubectl get pods --no-headers').pop().split('\n').filter((l) => /Terminating/.test(l)).length;
  await step('a lost node: the lane and its pods look lost, with the reason and the eviction time as text', page, async () => {
    await run('kubectl create deployment web --image=nginx --replicas=6');
    await step10s(page, 3);
    await run('kubeplay node stop kind-worker');
    const before = await lane.innerText();
    await step10s(page, 7);
    expect(/turns NotReady at about \d\d:\d\d:\d\d/.test(before), `a stopped kubelet's lane does not say when the node turns NotReady: ${before}`);
    expect((await lane.getAttribute('data-lost')) === 'true', 'the NotReady lane is not marked lost');
    expect((await lane.innerText()).includes('Kubelet stopped posting node status.'), 'the lane does not give the reason');
    const tones = await lane.locator('[data-pod][data-namespace="default"]').evaluateAll((els) => els.map((e) => e.dataset.tone));
    expect(tones.length > 0 && tones.every((t) => t === 'lost'), `pods on the lost node look like ${tones.join(',')}`);
    const chipText = await lane.locator('[data-pod][data-namespace="default"]').first().innerText();
    expect(/evicted at \d\d:\d\d:\d\d/.test(chipText), `a lost pod does not say when it is evicted: ${chipText}`);
    expect(/tolerationSeconds/.test(await lane.locator('.lane-notes').innerText()), 'no note about tolerationSeconds');
  });
  await step('Next change lands on a visible change every time, and the view matches kubectl after each', page, async () => {
    // What the page shows, without ages (they change with any step of time).
    const visible = () => page.evaluate(() => document.querySelector('.cluster').innerText + '\n'
      + [...document.querySelectorAll('.events tbody tr')].map((tr) => [...tr.cells].slice(1).map((c) => c.innerText).join(' ')).join('\n'));
    for (let i = 0; i < 6; i++) {
      const before = await visible();
      await page.getByRole('button', { name: 'Next change' }).click();
      await stepped(page);
      await page.waitForTimeout(50);
      const after = await visible();
      expect(after !== before, `Next change #${i + 1} changed nothing visible`);
      const inView = await cluster.locator('[data-pod][data-namespace="default"][data-status="Terminating"]').count();
      const inKubectl = await kubectlTerminating();
      expect(inView === inKubectl, `after Next change #${i + 1}: the view shows ${inView} Terminating pods, kubectl ${inKubectl}`);
    }
  });
  await step('when the node comes back its Terminating pods go, and the view follows without another command', page, async () => {
    await step10s(page, 32);
    const evicted = await cluster.locator('[data-pod][data-namespace="default"][data-status="Terminating"]').count();
    expect(evicted > 0, 'no pod was evicted 300 s after the taint');
    await run('kubeplay node start kind-worker');
    await step10s(page, 6);
    // Read the view before kubectl runs (a command redraws everything anyway).
    const inView = await cluster.locator('[data-pod][data-namespace="default"][data-status="Terminating"]').count();
    const inKubectl = await kubectlTerminating();
    expect(inView === inKubectl, `view ${inView} Terminating pods, kubectl ${inKubectl}`);
  });
  await step('the inspector does not cover the node lanes at 1440×900, and Esc closes it', page, async () => {
    await lane.locator('.lane-header').click();
    const inspector = page.getByRole('complementary', { name: 'Node kind-worker' });
    await inspector.waitFor();
    const a = await inspector.boundingBox();
    const lanes = await cluster.locator('.lanes').boundingBox();
    await page.screenshot({ path: `${artifacts}/first-minutes-inspector-1440.png` });
    expect(a.x >= lanes.x + lanes.width, `the inspector (x=${a.x}) covers the lanes (right edge ${lanes.x + lanes.width})`);
    await page.keyboard.press('Escape');
    await inspector.waitFor({ state: 'detached' });
  });
  await context.close();
}

// 7. Mobile and narrow frames.
async function noSideScroll(scope, width) {
  return scope.evaluate((w) => document.documentElement.scrollWidth <= w && document.body.scrollWidth <= w, width);
}
async function smallTargets(scope) {
  return scope.evaluate(() => [...document.querySelectorAll('button, select, input, [role="tab"]')]
    .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('.visually-hidden'))
    .map((e) => ({ name: e.getAttribute('aria-label') ?? e.textContent.trim().slice(0, 24), box: e.getBoundingClientRect() }))
    .filter(({ box }) => box.width < 44 - 0.5 || box.height < 44 - 0.5)
    .map(({ name, box }) => `${name} ${Math.round(box.width)}×${Math.round(box.height)}`));
}
{
  const { context, page, run } = await freshPage({ width: 390, height: 844 });
  await step('390×844: no horizontal scroll with every panel, touch targets ≥ 44 px, events panel bounded', page, async () => {
    await run('kubectl create deployment web-with-a-rather-long-name --image=nginx --replicas=3');
    await step10s(page, 3);
    await page.getByRole('combobox', { name: 'Examples' }).waitFor();
    expect(await noSideScroll(page, 390), `the page is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide`);
    const small = await smallTargets(page);
    expect(small.length === 0, `targets under 44 px: ${small.slice(0, 6).join(', ')}`);
    const events = await page.getByRole('region', { name: 'Events' }).boundingBox() ?? await page.locator('.events').boundingBox();
    expect(events.height <= 844, `the events panel is ${Math.round(events.height)} px tall`);
  });
  await step('390×844: the inspector opens with its close button on screen', page, async () => {
    await page.locator('[data-pod^="web-with"]').first().click();
    const close = page.getByRole('button', { name: 'Close inspector' });
    await close.waitFor();
    const box = await close.boundingBox();
    await page.screenshot({ path: `${artifacts}/first-minutes-inspector-390.png` });
    expect(box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844, `close button at ${JSON.stringify(box)}`);
    expect(await noSideScroll(page, 390), 'the inspector makes the page scroll sideways');
    const small = await smallTargets(page);
    expect(small.length === 0, `targets under 44 px with the inspector: ${small.slice(0, 6).join(', ')}`);
    await close.click();
  });
  await step('390×844: axe finds no violations', page, async () => {
    const violations = await axeViolations(page);
    expect(violations.length === 0, `axe: ${violations.slice(0, 6).join('; ')}`);
  });
  await context.close();
}
{
  const context = await browser.newContext({ viewport: { width: 440, height: 900 } });
  const host = await context.newPage();
  await step('a 400 px iframe with every panel never scrolls sideways', host, async () => {
    await host.goto(`${origin}/embed-host.html?w=400`);
    const frame = host.frame({ url: /embed=1/ });
    await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
    await terminalOf(frame).run('kubectl create deployment web-with-a-rather-long-name --image=nginx --replicas=3');
    await step10s(frame, 3);
    expect(await noSideScroll(frame, 400), `the embedded page is ${await frame.evaluate(() => document.documentElement.scrollWidth)} px wide`);
    const small = await smallTargets(frame);
    expect(small.length === 0, `targets under 44 px in the frame: ${small.slice(0, 6).join(', ')}`);
  });
  await context.close();
}

// 3. A multi-line block sent by a host page shows whole.
{
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const host = await context.newPage();
  await step('a multi-line block posted by the host page shows whole in the terminal', host, async () => {
    await host.goto(`${origin}/embed-host.html?q=${encodeURIComponent('&panels=terminal,cluster')}`);
    const frame = host.frame({ url: /embed=1/ });
    await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
    await host.evaluate((command) => document.getElementById('play').contentWindow.postMessage({ type: 'kubeplay:run', id: 1, command }, '*'), `kubectl create namespace dev\n${block002}`);
    await host.waitForFunction(() => window.replies.length > 0);
    const prompts = await frame.locator('[aria-label="Terminal output"] .prompt').allInnerTexts();
    const shown = prompts.join('\n');
    expect(shown.includes('image: demo:1.0.0') && /> EOF/.test(shown), `the block shows as: ${shown.slice(0, 200)}`);
  });
  await context.close();
}

// 8. Load time on a throttled link, and sizes (printed, never asserted).
{
  const files = await readdir(dist);
  const sizes = [];
  for (const name of files.filter((f) => /\.(wasm|js|css|html)$/.test(f))) {
    const size = async (f) => { try { return (await stat(join(dist, f))).size; } catch { return null; } };
    sizes.push(`${name}: ${await size(name)} B raw, ${await size(`${name}.br`) ?? '-'} B br, ${await size(`${name}.gz`) ?? '-'} B gz`);
  }
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await step('load on a 10 Mbit/s link (figures printed)', page, async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    const started = Date.now();
    await page.goto(`${origin}/index.html`, { waitUntil: 'commit' });
    await page.locator('#loading').waitFor({ state: 'visible' });
    const loadingMs = Date.now() - started;
    await terminalOf(page).terminal.waitFor({ timeout: 60000 });
    const readyMs = Date.now() - started;
    console.log(`     10 Mbit/s, 40 ms latency: loading note visible after ${loadingMs} ms, terminal ready after ${readyMs} ms, ${bytes} B transferred`);
    for (const line of sizes) console.log(`     ${line}`);
  });
  await context.close();
}

await browser.close();
await site.close();
process.exit(finish());

// Security of the page (issue 17), in headless Chromium: no other site can drive or read the
// learner's playground over postMessage, an embedding host on an allowed origin can, a link
// never replaces saved work without asking, injected markup stays text everywhere, and the
// page works under its Content-Security-Policy.
// Usage: node tests/e2e/security.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf, shareLink } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';

// Another origin: a page that opens or frames the playground and posts commands at it.
const attackerPage = (url) => `<!doctype html><html lang="en"><head><title>attacker</title></head><body>
<script>
  window.replies = [];
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'kubeplay:output') window.replies.push(e.data); });
  window.hammer = (target, command) => {
    for (let i = 0; i < 20; i++) setTimeout(() => target.postMessage({ type: 'kubeplay:run', id: i, command }, '*'), i * 100);
  };
</script></body></html>`;
// A host page that embeds the playground (`q` = extra query), records its replies, and records
// the target origin the playground replies to (same-origin case only: it can wrap postMessage).
const hostPage = (url, origin) => {
  const target = url.searchParams.get('target') ?? origin;
  return `<!doctype html><html lang="en"><head><title>host</title></head><body>
<script>
  window.replies = [];
  window.targets = [];
  const post = window.postMessage.bind(window);
  window.postMessage = (message, targetOrigin, ...rest) => { window.targets.push(targetOrigin); return post(message, targetOrigin, ...rest); };
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'kubeplay:output') window.replies.push({ ...e.data, origin: e.origin }); });
</script>
<iframe id="play" title="kubeplay" src="${target}/index.html?embed=1${url.searchParams.get('q') ?? ''}" style="width:900px;height:700px;border:0"></iframe>
</body></html>`;
};
const site = await serve({ dist, pages: { '/host.html': hostPage } });
const other = await serve({ pages: { '/attacker.html': attackerPage, '/host.html': hostPage } });
const origin = site.origin;
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'security');

// The learner's saved work: localStorage, less the time the running clock adds on its own.
const saved = (page) => page.evaluate(() => JSON.stringify(Object.fromEntries(Object.keys(localStorage).sort().map((k) => {
  const value = localStorage.getItem(k);
  if (k !== 'kubeplay.state.v1') return [k, value];
  // Versioned `{version, settings, actions}` (older builds: `[settings, actions]`).
  const stored = JSON.parse(value);
  const { version, settings, actions } = Array.isArray(stored) ? { settings: stored[0], actions: stored[1] } : stored;
  return [k, JSON.stringify({ version, settings, actions: actions.filter((a) => !('Advance' in a)) })];
}))));
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
// Every page of the context reports CSP violations (a sign of injected or blocked code).
await context.addInitScript(() => {
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
});
const page = await context.newPage();
const { terminal, run } = terminalOf(page);

await step('the learner creates deployment/private-app (saved in localStorage)', page, async () => {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  await run('kubectl create deployment private-app --image=nginx');
  expect((await saved(page)).includes('private-app'), 'the playground was not saved');
});
let before = await saved(page);

await step('a page on another origin that opens the playground with window.open gets no answer; the state is unchanged', page, async () => {
  const attacker = await context.newPage();
  await attacker.goto(`${other.origin}/attacker.html`);
  for (const query of ['', '?embed=1']) {
    const [opened] = await Promise.all([
      context.waitForEvent('page'),
      attacker.evaluate((url) => { window.victim = window.open(url); }, `${origin}/index.html${query}`),
    ]);
    await terminalOf(opened).terminal.waitFor();
    await attacker.evaluate(() => window.hammer(window.victim, 'kubectl delete deployment --all'));
    await attacker.evaluate(() => window.hammer(window.victim, 'kubectl get deployments -o name'));
    await attacker.waitForTimeout(2500);
    const replies = await attacker.evaluate(() => window.replies.length);
    expect(replies === 0, `the attacker got ${replies} replies (opened with "${query}")`);
    await opened.close();
  }
  await attacker.close();
  expect((await saved(page)) === before, 'the saved playground changed');
  const text = await run('kubectl get deployments -o name');
  expect(text.includes('deployment.apps/private-app'), 'private-app is gone');
});

await step('a page on another origin that frames the playground drives only a scratch cluster: it cannot see or touch the saved one', page, async () => {
  before = await saved(page);
  const attacker = await context.newPage();
  await attacker.goto(`${other.origin}/host.html?target=${encodeURIComponent(origin)}&q=${encodeURIComponent('&panels=terminal')}`);
  const frame = attacker.frame({ url: /embed=1/ });
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  await attacker.evaluate(() => document.getElementById('play').contentWindow.postMessage({ type: 'kubeplay:run', id: 1, command: 'kubectl get deployments -A -o name' }, '*'));
  await attacker.waitForFunction(() => window.replies.length > 0);
  const reply = await attacker.evaluate(() => window.replies[0]);
  expect(!reply.output.includes('private-app'), 'the framing page read the learner\'s deployment');
  await attacker.close();
  const after = await saved(page);
  let at = 0;
  while (at < before.length && before[at] === after[at]) at++;
  expect(after === before, `the embedded playground wrote to the learner's saved state: …${before.slice(at - 40, at + 120)} → …${after.slice(at - 40, at + 120)}`);
});

await step('a host on an allowed origin (origin=) gets answers, addressed to its origin and never to "*"', page, async () => {
  const host = await context.newPage();
  await host.goto(`${origin}/host.html?q=${encodeURIComponent(`&panels=terminal&origin=${origin}`)}`);
  const frame = host.frame({ url: /embed=1/ });
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  await host.evaluate(() => document.getElementById('play').contentWindow.postMessage({ type: 'kubeplay:run', id: 'a', command: 'kubectl get ns' }, '*'));
  await host.waitForFunction(() => window.replies.length > 0);
  const reply = await host.evaluate(() => window.replies[0]);
  const targets = await host.evaluate(() => window.targets);
  await host.close();
  expect(reply.id === 'a' && reply.status === 0 && reply.output.includes('kube-system'), `unexpected reply ${JSON.stringify(reply)}`);
  expect(targets.length > 0 && targets.every((t) => t === origin), `replies were addressed to ${JSON.stringify(targets)}`);
});

await step('a host on an origin not in origin= gets no answer', page, async () => {
  const host = await context.newPage();
  await host.goto(`${other.origin}/host.html?target=${encodeURIComponent(origin)}&q=${encodeURIComponent('&panels=terminal&origin=https://workshop.example')}`);
  const frame = host.frame({ url: /embed=1/ });
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  await host.evaluate(() => document.getElementById('play').contentWindow.postMessage({ type: 'kubeplay:run', id: 1, command: 'kubectl get ns' }, '*'));
  await host.waitForTimeout(1500);
  const replies = await host.evaluate(() => window.replies.length);
  await host.close();
  expect(replies === 0, `the unlisted origin got ${replies} replies`);
});

await step('the embedding parent is the only sender: a frame inside the host page gets no answer', page, async () => {
  const host = await context.newPage();
  await host.goto(`${other.origin}/host.html?target=${encodeURIComponent(origin)}&q=${encodeURIComponent('&panels=terminal')}`);
  const frame = host.frame({ url: /embed=1/ });
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  // A sibling frame (e.g. an ad) posts to the playground frame, from its own script.
  await host.evaluate(() => new Promise((resolve) => {
    const sibling = document.createElement('iframe');
    sibling.srcdoc = `<script>parent.document.getElementById('play').contentWindow.postMessage({ type: 'kubeplay:run', id: 9, command: 'kubectl get ns' }, '*');<\/script>`;
    sibling.onload = () => resolve();
    document.body.append(sibling);
  }));
  const before = await frame.locator('[aria-label="Terminal output"] .prompt').count();
  await host.waitForTimeout(1000);
  const after = await frame.locator('[aria-label="Terminal output"] .prompt').count();
  await host.close();
  expect(before === 0 && after === 0, 'a message not from the parent ran a command');
});

// Links.
let sharedLink;
{
  const maker = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const makerPage = await maker.newPage();
  await makerPage.goto(`${origin}/index.html`);
  await terminalOf(makerPage).run('kubectl create deployment someone-elses --image=nginx');
  sharedLink = await shareLink(makerPage);
  await maker.close();
}
await step('a share link opened over a saved playground asks first; "Keep mine" keeps it and cleans the URL', page, async () => {
  await page.goto(sharedLink);
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  expect((await saved(page)).includes('private-app') && !(await saved(page)).includes('someone-elses'), 'the saved playground was replaced before the learner chose');
  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  expect(!(await page.evaluate(() => location.hash)).startsWith('#s='), 'the link stays in the URL');
  const text = await run('kubectl get deployments -o name');
  expect(text.includes('private-app') && !text.includes('someone-elses'), 'Keep mine did not keep the playground');
});
await step('"Open the shared playground" replaces it, a reload does not ask again, and "Back to my playground" restores it', page, async () => {
  await page.goto(sharedLink);
  await page.getByRole('alertdialog').getByRole('button', { name: 'Open the shared playground' }).click();
  let text = await run('kubectl get deployments -o name');
  expect(text.includes('someone-elses') && !text.includes('private-app'), 'the shared playground did not open');
  await page.getByRole('button', { name: 'Back to my playground' }).click();
  text = await run('kubectl get deployments -o name');
  expect(text.includes('private-app') && !text.includes('someone-elses'), 'Back to my playground did not restore it');
  await page.reload();
  await terminal.waitFor();
  expect((await page.getByRole('alertdialog').count()) === 0, 'the reload asked again');
});
await step('a ?cmd= link over a saved playground asks too: it cannot delete the learner\'s work', page, async () => {
  const snapshot = await saved(page);
  await page.goto(`${origin}/index.html?cmd=${encodeURIComponent('kubectl delete deployment --all')}`);
  await page.getByRole('alertdialog').waitFor();
  expect((await saved(page)) === snapshot, 'the ?cmd= link changed the saved playground');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Keep mine' }).click();
  expect(!(await page.evaluate(() => location.search)).includes('cmd='), 'the cmd parameter stays in the URL');
  const text = await run('kubectl get deployments -o name');
  expect(text.includes('private-app'), 'private-app was deleted');
});

// Injected markup stays text.
const payload = '<img src=x onerror="window.__pwned=1">';
const tight = '<svg/onload=window.__pwned=1>';
async function noMarkupRan(scope, texts) {
  const state = await scope.evaluate(() => ({
    pwned: window.__pwned ?? null,
    elements: document.querySelectorAll('img[src="x"], svg[onload], img[onerror], [onerror], [onload]').length,
    violations: window.cspViolations ?? [],
  }));
  expect(state.pwned === null, 'injected markup ran');
  expect(state.elements === 0, `${state.elements} elements were created from injected markup`);
  expect(state.violations.length === 0, `CSP violations: ${state.violations.join(', ')}`);
  const body = await scope.evaluate(() => document.body.innerText);
  for (const text of texts) expect(body.includes(text), `"${text}" is not shown as text`);
}
await step('markup in commands, names, annotations, images and events stays text (terminal, cluster view, events, inspector)', page, async () => {
  await run(`echo '${payload}'`);
  await run(`kubectl create deployment '${tight}' --image=nginx`);
  await run(`kubectl annotate deployment private-app note='${payload}'`);
  await run(`kubectl run probe --image='${tight}'`);
  for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Step 10s' }).click();
  await page.locator('[data-pod="probe"]').first().click();
  const inspector = page.getByRole('complementary', { name: 'Pod probe' });
  await inspector.waitFor();
  await noMarkupRan(page, [payload, tight]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /^Deployment private-app/ }).click();
  await page.getByRole('complementary', { name: 'Deployment private-app' }).waitFor();
  await noMarkupRan(page, [payload]);
  await page.keyboard.press('Escape');
});
await step('markup in the YAML editor and in ?yaml=/?cmd= parameters of an embed stays text', page, async () => {
  const editor = page.getByRole('textbox', { name: 'YAML editor' });
  await editor.fill(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: markup\ndata:\n  html: '${payload}'\n`);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('#apply-result').getByText('configmap/markup created').waitFor();
  await noMarkupRan(page, []);
  const host = await context.newPage();
  const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-link\n  annotations:\n    x: '${payload}'\n`;
  await host.goto(`${origin}/host.html?q=${encodeURIComponent(`&panels=editor,terminal,cluster,events&cmd=${encodeURIComponent(`echo '${payload}'`)}&yaml=${encodeURIComponent(yaml)}`)}`);
  const frame = host.frame({ url: /embed=1/ });
  await frame.getByRole('textbox', { name: 'Terminal', exact: true }).waitFor();
  await noMarkupRan(frame, [payload]);
  await host.close();
});

await step('markup in a lesson name from the URL (?lesson=) stays text in the lesson panel', page, async () => {
  const other = await context.newPage();
  await other.goto(`${origin}/index.html?lesson=${encodeURIComponent(payload)}`);
  await other.getByRole('region', { name: 'Lesson' }).waitFor();
  await noMarkupRan(other, [payload]);
  await other.close();
});

await step('the Content-Security-Policy is declared, forbids inline script, and the page works under it', page, async () => {
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '');
  expect(/script-src 'self' 'wasm-unsafe-eval'/.test(csp) && !/unsafe-inline/.test(csp) && /connect-src 'self'/.test(csp) && /default-src 'none'/.test(csp), `CSP is "${csp}"`);
  const inlineRan = await page.evaluate(() => new Promise((resolve) => {
    window.__inline = false;
    const script = document.createElement('script');
    script.textContent = 'window.__inline = true;';
    document.body.append(script);
    setTimeout(() => resolve(window.__inline), 100);
  }));
  expect(!inlineRan, 'an inline script ran despite the CSP');
  const violations = await page.evaluate(() => window.cspViolations.filter((v) => !v.startsWith('script-src-elem inline')));
  expect(violations.length === 0, `the page itself broke its CSP: ${violations.join(', ')}`);
  const text = await run('kubectl get nodes');
  expect(text.includes('kind-control-plane'), 'the page does not work under its CSP');
});

await browser.close();
await site.close();
await other.close();
process.exit(finish());

// End-to-end check of `kubectl explain` in the page, in headless Chromium: the compiled-in
// v1.33 schemas inflate in WebAssembly on the first explain, and the terminal shows kubectl's
// plaintext layout (enum lines, wrapped descriptions) and its errors.
// Usage: node tests/e2e/explain.mjs DIST_DIR [ARTIFACTS_DIR]
import { serve, launchChromium, reporter, expect, terminalOf } from './lib.mjs';

const dist = process.argv[2] ?? 'dist';
const artifacts = process.argv[3] ?? 'tests/artifacts';
const { origin, close } = await serve({ dist });
const browser = await launchChromium();
const { step, finish } = await reporter(artifacts, 'explain');

const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
const { terminal, run: runAll } = terminalOf(page);
/// Runs a command and returns what follows its prompt.
async function run(command) {
  const entries = await runAll(command);
  return entries.slice(entries.lastIndexOf(command));
}

await step('explain shows a field with its enum and description', page, async () => {
  await page.goto(`${origin}/index.html`);
  await terminal.waitFor();
  const field = await run('kubectl explain pods.spec.restartPolicy');
  expect(field.includes('FIELD: restartPolicy <string>'), `no FIELD line: ${field}`);
  expect(/ENUM:\s+Always\s+Never\s+OnFailure/.test(field), `no ENUM block: ${field}`);
  expect(field.includes('Restart policy for all containers within the pod.'), `no description: ${field}`);
});

await step('explain lists the fields of a kind by short name, recursively', page, async () => {
  const fields = await run('kubectl explain deploy.spec.strategy --recursive');
  expect(fields.includes('GROUP:      apps'), `no GROUP line: ${fields}`);
  expect(fields.includes('maxSurge') && fields.includes('<IntOrString>'), `no nested field: ${fields}`);
  expect(fields.includes('enum: Recreate, RollingUpdate'), `no enum line: ${fields}`);
});

await step('explain answers an unknown field and type as kubectl does', page, async () => {
  const field = await run('kubectl explain deployment.spec.replica');
  expect(field.includes('error: field "replica" does not exist'), `no field error: ${field}`);
  const type = await run('kubectl explain deploymnt');
  expect(type.includes('the server doesn\'t have a resource type "deploymnt"'), `no type error: ${type}`);
});

await browser.close();
await close();
process.exit(finish());

// The page's files served from a process of their own, as a real host serves them. Served from
// the test's own process (tests/e2e/lib.mjs's `serve`), they share one event loop with
// Playwright, whose traffic with the browser peaks while the page loads: on this 2-core
// machine that held the page's first bytes back by 50–300 ms, which a load figure should not
// count. As a program it serves DIST_DIR and prints the origin.
// Usage: node tests/perf/serve.mjs DIST_DIR
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from '../e2e/lib.mjs';

const self = fileURLToPath(import.meta.url);

/// Starts the server in a child process; `close()` stops it.
export async function serveApart(dist) {
  const child = spawn(process.execPath, [self, dist], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(String(data).trim()));
    child.once('exit', (code) => reject(new Error(`the static server stopped (exit ${code})`)));
  });
  return { origin, close: async () => { child.kill(); } };
}

if (process.argv[1] === self) {
  const { origin } = await serve({ dist: process.argv[2] });
  console.log(origin);
}

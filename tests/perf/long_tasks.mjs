// What the page's long tasks spend their time in (for `page.mjs --profile`): a CPU profile of
// Chrome's sampling profiler, of which the samples taken during the page's long tasks (its
// PerformanceObserver's) are summed by function, on the stack (inclusive) and at its top
// (self). WebAssembly functions have names only where the module keeps its name section
// (`wasm-opt -g`; see `profile.mjs`). `summarize` returns the lines to print.

/// The samples of a profile that fall in the page's long tasks (`windows`: [start, end] in the
/// page's performance.now() ms; `offsetMs` is performance.now() at the profile's start), as
/// [{ id, ms }].
function samplesIn(profile, windows, offsetMs) {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const picked = [];
  let w = 0;
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const at = offsetMs + t / 1000;
    while (w < sorted.length && sorted[w][1] < at) w++;
    if (w < sorted.length && sorted[w][0] <= at) {
      const interval = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i];
      picked.push({ id: profile.samples[i], ms: interval / 1000 });
    }
  }
  return picked;
}

/// Parent links, so a sample's stack can be walked up.
function parents(profile) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return parent;
}

/// Rust's legacy mangling (`_ZN` length-prefixed segments `17h<hash>E`) as a path.
function demangle(name) {
  const match = /^_ZN(.*)17h[0-9a-f]{16}E$/.exec(name);
  if (!match) return name;
  const parts = [];
  for (let rest = match[1]; rest.length;) {
    const digits = /^\d+/.exec(rest);
    if (!digits) return name;
    const n = Number(digits[0]);
    parts.push(rest.slice(digits[0].length, digits[0].length + n));
    rest = rest.slice(digits[0].length + n);
  }
  return parts.join('::').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ')
    .replace(/\$RF\$/g, '&').replace(/\$C\$/g, ',').replace(/\.\./g, '::');
}

const label = (frame) => demangle(frame.functionName) || `(anonymous ${frame.url.split('/').pop()}:${frame.lineNumber})`;

/// `longtasks`: the page's long tasks as [start, duration] (performance.now() ms); `offsetMs`:
/// the page's performance.now() when the profiler started.
export function summarize(profile, longtasks, offsetMs, { top = 25 } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = parents(profile);
  const inclusive = new Map();
  const self = new Map();
  let total = 0;
  const samples = samplesIn(profile, longtasks.map(([start, duration]) => [start, start + duration]), offsetMs);
  {
    for (const { id, ms } of samples) {
      total += ms;
      const leaf = label(byId.get(id).callFrame);
      self.set(leaf, (self.get(leaf) ?? 0) + ms);
      const seen = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) {
        const name = label(byId.get(n).callFrame);
        if (seen.has(name)) continue;
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
  }
  const durations = longtasks.map(([, duration]) => duration).sort((a, b) => b - a);
  const lines = [`${longtasks.length} long tasks, ${Math.round(total)} ms of samples in them (longest ${durations.slice(0, 8).map(Math.round).join(', ')} ms)`];
  const table = (title, map) => {
    lines.push(title);
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      lines.push(`  ${String(Math.round(ms)).padStart(7)} ms ${((100 * ms) / Math.max(total, 1)).toFixed(1).padStart(5)}%  ${name.slice(0, 140)}`);
    }
  };
  table('inclusive (on the stack) in the long tasks:', inclusive);
  table('self (at the top of the stack) in the long tasks:', self);
  return lines;
}

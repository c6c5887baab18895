// Runs a wasm32-wasip1 program under node's WASI (V8, as in the browser), passing it the
// remaining arguments: `node [V8 FLAGS] scripts/wasi-run.mjs PROGRAM.wasm [ARGS…]`, and
// prints how long compiling the module took. Used by scripts/bench-core, which runs it with
// `--no-wasm-lazy-compilation --no-liftoff` (the whole module compiled by V8's optimizing
// tier before it starts, as a module from V8's code cache runs) and without (V8 compiles
// each function when first called, with its baseline tier, and optimizes hot ones later, as
// on a first visit of the page).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [program, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [program, ...args], env: {}, returnOnExit: true });
const bytes = await readFile(program);
const compiling = performance.now();
const module = await WebAssembly.compile(bytes);
const seconds = (performance.now() - compiling) / 1000;
console.log(`wasm   module of ${(bytes.length / 1048576).toFixed(1)} MiB compiled in ${seconds.toFixed(2)}s`);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);

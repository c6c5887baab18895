// Runs a wasm32-wasip1 program under node's WASI (V8, as in the browser), passing it the
// remaining arguments: `node scripts/wasi-run.mjs PROGRAM.wasm [ARGS…]`. Used by scripts/bench-core.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [program, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [program, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);

// Starts the playground: imports the wasm-bindgen glue and instantiates the WebAssembly that
// Trunk built (their hashed names are in this script tag's data attributes, written by
// Trunk.toml's pattern_script). A file rather than Trunk's inline script, so the page's
// Content-Security-Policy allows scripts from its own origin only. The module is compiled
// while it downloads and while the glue is imported, not after.
const script = document.querySelector('script[data-wasm]');
const url = (path) => new URL(path, document.baseURI).href;
try {
  const compiling = WebAssembly.compileStreaming(fetch(url(script.dataset.wasm)));
  const { default: init } = await import(url(script.dataset.js));
  await init({ module_or_path: await compiling });
} catch (error) {
  const text = document.querySelector('#loading .loading-text');
  if (text) text.textContent = `kubeplay could not start (${error}). This browser needs WebAssembly; reload to try again.`;
  document.getElementById('loading')?.classList.add('failed');
  throw error;
}

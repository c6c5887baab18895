// Starts the playground: imports the wasm-bindgen glue and instantiates the WebAssembly that
// Trunk built (their hashed names are in this script tag's data attributes, written by
// Trunk.toml's pattern_script). A file rather than Trunk's inline script, so the page's
// Content-Security-Policy allows scripts from its own origin only.
const script = document.querySelector('script[data-wasm]');
try {
  const { default: init } = await import(new URL(script.dataset.js, document.baseURI).href);
  await init({ module_or_path: new URL(script.dataset.wasm, document.baseURI).href });
} catch (error) {
  const text = document.querySelector('#loading .loading-text');
  if (text) text.textContent = `kubeplay could not start (${error}). This browser needs WebAssembly; reload to try again.`;
  document.getElementById('loading')?.classList.add('failed');
  throw error;
}

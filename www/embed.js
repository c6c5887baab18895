/*
 * kubeplay for workshop pages: every code block marked `data-kubeplay-run` gets a
 * "Run in playground" button that runs it in ONE playground embedded in the page, and the
 * output appears under the block (role "log", name "Playground output").
 *
 *   <div data-kubeplay-playground data-start="002-running-at-scale"></div>   (optional: where
 *        the playground goes; data-start / data-lesson: the lesson whose start state (or whole
 *        lesson panel) it opens with; data-panels, data-height, data-src: the playground's URL)
 *   <div data-kubeplay-run><pre><code>kubectl get pods</code></pre></div>
 *        (or data-kubeplay-run="kubectl get pods" to give the command explicitly)
 *   <script src="https://USER.github.io/REPO/embed.js" defer></script>
 *
 * The Hugo shortcodes in hugo/layouts/shortcodes/ write this markup. The bridge: the page
 * posts {type: "kubeplay:run", id, command} to the frame at the frame's own origin (never
 * "*"), passes its own origin as `origin=` so the playground answers only this page, and
 * accepts replies only from that frame and that origin.
 */
(() => {
  'use strict';
  const script = document.currentScript;
  const READY_FALLBACK_MS = 4000;

  function setUp() {
    const blocks = Array.from(document.querySelectorAll('[data-kubeplay-run]'));
    let holder = document.querySelector('[data-kubeplay-playground]');
    if (!blocks.length && !holder) return;
    if (!holder) {
      holder = document.createElement('div');
      holder.setAttribute('data-kubeplay-playground', '');
      blocks[0].after(holder);
    }
    const base = new URL(holder.dataset.src || (script && script.src) || './', document.baseURI);
    const src = new URL('index.html', base);
    src.searchParams.set('embed', '1');
    src.searchParams.set('panels', holder.dataset.panels || 'terminal,cluster');
    if (holder.dataset.lesson) src.searchParams.set('lesson', holder.dataset.lesson);
    if (holder.dataset.start) src.searchParams.set('start', holder.dataset.start);
    if (location.origin !== 'null') src.searchParams.set('origin', location.origin);
    const frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = 'kubeplay playground';
    frame.loading = 'eager';
    frame.style.cssText = `width:100%;height:${holder.dataset.height || '560px'};border:1px solid #d0d7de;border-radius:8px`;
    holder.append(frame);

    const frameOrigin = src.origin;
    const pending = new Map(); // id → output element
    const queue = [];
    let ready = false;
    let nextId = 1;

    function send(message) {
      if (ready) frame.contentWindow.postMessage(message, frameOrigin);
      else queue.push(message);
    }
    function markReady() {
      if (ready) return;
      ready = true;
      queue.splice(0).forEach((message) => frame.contentWindow.postMessage(message, frameOrigin));
    }
    frame.addEventListener('load', () => setTimeout(markReady, READY_FALLBACK_MS));
    window.addEventListener('message', (event) => {
      if (event.source !== frame.contentWindow || event.origin !== frameOrigin) return;
      const data = event.data || {};
      if (data.type === 'kubeplay:ready') markReady();
      if (data.type !== 'kubeplay:output') return;
      markReady();
      const target = pending.get(data.id);
      if (!target) return;
      pending.delete(data.id);
      target.output.textContent = String(data.output ?? '');
      target.log.classList.toggle('kubeplay-failed', data.status !== 0);
      target.button.disabled = false;
    });

    blocks.forEach((block) => {
      const command = block.getAttribute('data-kubeplay-run') || (block.querySelector('code') || block).textContent;
      const bar = document.createElement('div');
      bar.className = 'kubeplay-run-bar';
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Run in playground';
      bar.append(button);
      block.after(bar);
      let log = null;
      let output = null;
      button.addEventListener('click', () => {
        if (!log) {
          log = document.createElement('div');
          log.setAttribute('role', 'log');
          log.setAttribute('aria-label', 'Playground output');
          log.className = 'kubeplay-output';
          output = document.createElement('pre');
          log.append(output);
          bar.after(log);
        }
        const id = `kubeplay-${nextId++}`;
        output.textContent = 'Running…';
        button.disabled = true;
        pending.set(id, { log, output, button });
        send({ type: 'kubeplay:run', id, command: command.replace(/\n+$/, '') + '\n' });
      });
    });

    const style = document.createElement('style');
    style.textContent = `.kubeplay-run-bar{margin:4px 0 8px}.kubeplay-run-bar button{font:inherit;padding:4px 12px;min-height:32px;border-radius:6px;border:1px solid #1f5fd1;background:#1f5fd1;color:#fff;cursor:pointer}.kubeplay-run-bar button:disabled{opacity:.6;cursor:progress}.kubeplay-output pre{margin:0 0 12px;padding:8px 12px;border-radius:6px;background:#0d1117;color:#e6edf3;font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;overflow-x:auto;white-space:pre}.kubeplay-failed pre{border-left:4px solid #cf222e}`;
    document.head.append(style);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();

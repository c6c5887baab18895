// Trunk post_build hook: in release builds, writes FILE.br (brotli, quality 11) and FILE.gz
// (gzip -9) beside every text and wasm file, for hosts that serve precompressed assets
// (nginx gzip_static/brotli_static, Caddy precompressed, Netlify…). Hosts that do not simply
// ignore them; GitHub Pages compresses with gzip on its own.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir || process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const compressible = /\.(wasm|js|css|html|svg|json)$/;
for (const name of await readdir(dir)) {
  if (!compressible.test(name)) continue;
  const body = await readFile(join(dir, name));
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  const gz = gzipSync(body, { level: 9 });
  await writeFile(join(dir, `${name}.br`), br);
  await writeFile(join(dir, `${name}.gz`), gz);
  console.log(`precompress: ${name} ${body.length} B → br ${br.length} B, gz ${gz.length} B`);
}

// Writes `name.br` and `name.gz` beside every text file of the production build, so the
// server sends them as they are (`Content-Encoding`) and never compresses per request.
// Node's own zlib does both (brotli at quality 11, gzip at level 9); a variant that would
// not be smaller than its file is left out, and the server then sends the file itself.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const TEXT = /\.(?:js|mjs|css|html|svg|json|txt|xml|webmanifest)$/;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Compresses every text file under `dir`; resolves to the number of variants written. */
export async function precompressDir(dir: string): Promise<number> {
  const files = (await filesUnder(dir)).filter((file) => TEXT.test(file));
  const written = await Promise.all(
    files.map(async (file) => {
      const data = await readFile(file);
      const [br, gzipped] = await Promise.all([
        brotli(data, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        }),
        gz(data, { level: 9 }),
      ]);
      let count = 0;
      for (const [suffix, body] of [['br', br], ['gz', gzipped]] as const) {
        if (body.length < data.length) {
          await writeFile(`${file}.${suffix}`, body);
          count += 1;
        }
      }
      return count;
    }),
  );
  return written.reduce((sum, n) => sum + n, 0);
}

/** The Vite plugin: after the bundle is written, precompress the output folder. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'loopdesk-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async closeBundle() {
      await precompressDir(outDir);
    },
  };
}

// The console's static files, all served by this process: htmx and uPlot from node_modules (no
// CDN, so the console works on an air-gapped server), and the console's own CSS and script from
// src/console/assets. Each is read and gzipped once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const ownDir = join(dirname(fileURLToPath(import.meta.url)), 'assets');

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const FILES: Record<string, { type: string; path: () => string }> = {
  'htmx.min.js': { type: JS, path: () => join(packageDir('htmx.org'), 'dist/htmx.min.js') },
  'uPlot.iife.min.js': {
    type: JS,
    path: () => join(packageDir('uplot'), 'dist/uPlot.iife.min.js'),
  },
  'uPlot.min.css': { type: CSS, path: () => join(packageDir('uplot'), 'dist/uPlot.min.css') },
  'console.css': { type: CSS, path: () => join(ownDir, 'console.css') },
  'console.js': { type: JS, path: () => join(ownDir, 'console.js') },
  'favicon.svg': { type: 'image/svg+xml', path: () => join(ownDir, 'favicon.svg') },
};

export interface Asset {
  type: string;
  plain: Buffer;
  gzip: Buffer;
}

const cache = new Map<string, Asset>();

export function consoleAsset(name: string): Asset | undefined {
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!file) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    const plain = readFileSync(file.path());
    asset = { type: file.type, plain, gzip: gzipSync(plain, { level: 9 }) };
    cache.set(name, asset);
  }
  return asset;
}

export const ASSET_NAMES = Object.keys(FILES);

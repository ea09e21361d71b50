// Builds the loadable extension into extension/. Three passes, because content scripts (and Firefox's
// background scripts) must be single classic files, while the DevTools pages may share ES chunks:
//   vite build                    devtools.html + panel.html, manifest.json, icons
//   vite build --mode background  background.js (one IIFE)
//   vite build --mode content     content.js (one IIFE)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;
const outDir = resolve(root, 'extension');

const copyManifest: Plugin = {
  name: 'copy-manifest',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'manifest.json', source: readFileSync(resolve(root, 'manifest.json'), 'utf8') });
  },
};

/** whatwg-url's encoding helpers, swapped for src/panel/whatwg-url-encoding.ts (see there why). */
const fastUrlEncoding: Plugin = {
  name: 'fast-whatwg-url-encoding',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === './encoding' && importer !== undefined && /[\\/]whatwg-url[\\/]lib[\\/]/.test(importer)) {
      return resolve(root, 'src/panel/whatwg-url-encoding.ts');
    }
    return null;
  },
};

const script = (name: string) =>
  defineConfig({
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: false,
      lib: { entry: resolve(root, `src/${name}/index.ts`), formats: ['iife'], name: `frameSecurity_${name}`, fileName: () => `${name}.js` },
    },
  });

export default defineConfig(({ mode }) => {
  if (mode === 'background' || mode === 'content') return script(mode);
  return {
    root: resolve(root, 'src/panel'),
    base: './',
    publicDir: resolve(root, 'public'),
    plugins: [copyManifest, fastUrlEncoding],
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      modulePreload: false,
      rollupOptions: {
        input: {
          panel: resolve(root, 'src/panel/panel.html'),
          devtools: resolve(root, 'src/panel/devtools.html'),
          options: resolve(root, 'src/panel/options.html'),
        },
      },
    },
  };
});

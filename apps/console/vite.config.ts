import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Everything is served by Herald from its own origin under a strict CSP: no inline script, no
// CDN, no module-preload polyfill injected inline.
export default defineConfig({
  plugins: [preact()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000' },
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// No @vitejs/plugin-react: Vite 8 (oxc) compiles JSX itself, and the plugin's babel clashes with jest's.
const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.NAPFLOW_API_URL ?? 'http://127.0.0.1:3000';
const apiPrefixes = [
  '/auth',
  '/health',
  '/plans',
  '/cases',
  '/inbox',
  '/states',
  '/agencies',
  '/people',
  '/admin',
  '/docs',
  '/email-links',
  '/calendar-feeds',
  '/metrics',
];

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  // `vite --config apps/dashboard/vite.config.ts` in development: the API runs separately, same-origin via the proxy.
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((p) => [p, { target: apiTarget, changeOrigin: false }])),
  },
});

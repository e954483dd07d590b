import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { precompress } from './vite/precompress.ts';

// The API runs on LOOPDESK_API (default the `scripts/run` address) during `npm run dev`.
const api = process.env.LOOPDESK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // precompress: .br and .gz beside every text file of the build, sent as they are by the server.
  plugins: [react(), precompress()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: { '/api': api, '/healthz': api } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React and the router change rarely: their own chunk caches across deploys.
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/, priority: 20 },
            // The libraries every start needs (antd's core, i18next, TanStack Query) in one chunk instead
            // of a dozen small ones: on HTTP/1.1 and a phone's round trips, each request costs.
            { name: 'vendor', test: /node_modules[\\/]/, tags: ['$initial'], priority: 10 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});

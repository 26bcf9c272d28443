import { defineConfig } from 'vitest/config';

// Everything is bundled (no CDN): the app must work offline and behind firewalls.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `npm run dev` against a running `omni serve` (OMNI_API=http://127.0.0.1:PORT to pick another)
    proxy: { '/api': process.env.OMNI_API ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    reporters: ['default', ['junit', { outputFile: 'test-results/unit/junit.xml' }]],
  },
});

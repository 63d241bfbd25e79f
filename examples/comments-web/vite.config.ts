/**
 * `npm run examples:build` builds into dist/, which yesgraph serves under /examples/comments/
 * (YESGRAPH_EXAMPLES_APP). `npx vite examples/comments-web` serves the sources instead, with the
 * API and the page's config.json taken from a yesgraph on 127.0.0.1:8080.
 */
import { defineConfig } from 'vite';

const yesgraph = 'http://127.0.0.1:8080';

export default defineConfig({
  // Relative URLs: the build works under any path.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/graphql': yesgraph,
      '/config.json': { target: yesgraph, rewrite: () => '/examples/comments/config.json' },
    },
  },
});

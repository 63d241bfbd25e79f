/**
 * The example frontend (examples/comments-web) under /examples/comments/: its production build
 * (`npm run examples:build` → examples/comments-web/dist) as files, and `config.json`, which
 * tells the page the app it calls as (YESGRAPH_EXAMPLES_APP) and where the GraphQL API is.
 * Served only when YESGRAPH_EXAMPLES_APP is set.
 */
import { fileURLToPath } from 'node:url';
import { message } from '../errors.js';
import { answerFile, directoryFiles, notFound, plainPath, plainText, staticFile } from './static-files.js';

export const EXAMPLE_PATH = '/examples/comments/';

/** The build, found from this module (src/http or dist/http): the same two levels below the repository. */
export const EXAMPLE_BUILD = fileURLToPath(new URL('../../examples/comments-web/dist/', import.meta.url));

/** Vite names the files it emits under assets/ by their content hash: they never change. */
const cacheControlOf = (segments: string[]) => (segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache');

export interface ExampleSite {
  serves(pathname: string): boolean;
  answer(request: Request, pathname: string): Promise<Response>;
}

export function createExampleSite(appKey: string, graphqlEndpoint: string, root = EXAMPLE_BUILD): ExampleSite {
  const read = directoryFiles(root, cacheControlOf);
  const config = staticFile(JSON.stringify({ appKey, endpoint: graphqlEndpoint }), 'application/json; charset=utf-8', 'no-store');
  const bare = EXAMPLE_PATH.slice(0, -1);
  return {
    serves: (pathname) => pathname === bare || pathname.startsWith(EXAMPLE_PATH),
    async answer(request, pathname) {
      if (pathname === bare) {
        // The page's own files are relative to it: it must be seen as a directory.
        const { search } = new URL(request.url);
        return new Response(null, { status: 308, headers: { location: EXAMPLE_PATH + search } });
      }
      const segments = plainPath(pathname.slice(EXAMPLE_PATH.length));
      if (!segments) return notFound();
      if (segments.length === 1 && segments[0] === 'config.json') return answerFile(request, config);
      const file = await read(segments.length ? segments : ['index.html']);
      if (file) return answerFile(request, file);
      if (!(await read(['index.html']))) return plainText(404, message('EXAMPLE_NOT_BUILT'));
      return notFound();
    },
  };
}

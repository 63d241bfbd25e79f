/**
 * The paths answered with files rather than by a face, each only when configured: the
 * playground's files under /playground/ (YESGRAPH_PLAYGROUND, on outside production) and the
 * example frontend under /examples/comments/ (YESGRAPH_EXAMPLES_APP). Every other path stays
 * the legacy face's, as when neither is on.
 */
import type { Runtime } from '../runtime.js';
import { createExampleSite } from './examples.js';
import { createPlayground, type Playground } from './playground.js';

export interface StaticRoutes {
  /** The playground when it is on: yoga renders its page at the GraphQL endpoint. */
  readonly playground: Playground | null;
  serves(pathname: string): boolean;
  answer(request: Request, pathname: string): Promise<Response>;
}

export function createStaticRoutes(rt: Runtime, graphqlEndpoint: string): StaticRoutes {
  const playground = rt.config.playground ? createPlayground(rt, graphqlEndpoint) : null;
  const example = rt.config.examplesApp ? createExampleSite(rt.config.examplesApp, graphqlEndpoint) : null;
  const routes = [playground, example].filter((r) => r !== null);
  const routeOf = (pathname: string) => routes.find((r) => r.serves(pathname));
  return {
    playground,
    serves: (pathname) => routeOf(pathname) !== undefined,
    async answer(request, pathname) {
      const route = routeOf(pathname);
      if (!route) throw new Error(`no file route serves ${pathname}`);
      return route.answer(request, pathname);
    },
  };
}

/**
 * The GraphQL playground, entirely from this server: GraphiQL's bundle as the installed
 * @graphql-yoga/render-graphiql package ships it (script, stylesheet, the editor's three workers,
 * favicon), served as files of /playground/ instead of inlined into a 9 MB page, plus the page's
 * own script and stylesheet. yoga renders the page at GET /graphql through `renderGraphiQL`.
 * In development the form is prefilled with the demo app.
 */
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Runtime } from '../runtime.js';
import { CLIENT_SOURCE } from './playground-client.js';
import { PLAYGROUND_ASSETS, PLAYGROUND_CSS, playgroundPage, type PlaygroundApp } from './playground-page.js';
import { answerFile, contentTypeOf, notFound, staticFile, type StaticFile } from './static-files.js';

export { PLAYGROUND_ASSETS };

/** The bytes and type of a `data:…;base64,…` URL. */
function fromDataUrl(url: string): { type: string; body: Uint8Array } {
  const comma = url.indexOf(',');
  const type = url.slice('data:'.length, comma).replace(/;base64$/, '');
  return { type, body: new Uint8Array(Buffer.from(url.slice(comma + 1), 'base64')) };
}

/**
 * yoga's GraphiQL replaces GraphiQL's default plugins (the history) with its query-builder
 * plugin; the bundle still holds the history plugin. This adds it back to the list yoga passes,
 * finding both by their shape in the minified text. Should an upgrade change that shape, the
 * bundle is served as it is, without history (test/browser/playground.test.ts then fails).
 */
export function withHistory(js: string): string {
  const history = [...js.matchAll(/const (\w+)=\{title:"History",icon:\w+,content:\w+\}/g)];
  const plugins = [...js.matchAll(/shouldPersistHeaders:!0,plugins:\[(\w+)\]/g)];
  if (history.length !== 1 || plugins.length !== 1) return js;
  const [list, explorer] = [plugins[0]![0], plugins[0]![1]];
  return js.replace(list, `shouldPersistHeaders:!0,plugins:[${explorer},${history[0]![1]}]`);
}

async function loadFiles(): Promise<Map<string, StaticFile>> {
  // Loaded on first use: the bundle is 9 MB of strings a server without the playground never needs.
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const icon = fromDataUrl(bundle.favicon);
  const text: Array<[string, string]> = [
    ['graphiql.js', withHistory(bundle.js)],
    ['graphiql.css', bundle.css],
    ['editor.worker.js', bundle.editorWorkerService],
    ['json.worker.js', bundle.jsonWorker],
    ['graphql.worker.js', bundle.graphqlWorker],
    ['playground.js', CLIENT_SOURCE],
    ['playground.css', PLAYGROUND_CSS],
  ];
  return new Map([
    ...text.map(([name, body]): [string, StaticFile] => [name, staticFile(body, contentTypeOf(name))]),
    ['favicon.ico', staticFile(icon.body, icon.type)],
  ]);
}

export interface Playground {
  /** True for the paths of the playground's files. */
  serves(pathname: string): boolean;
  answer(request: Request, pathname: string): Promise<Response>;
  /** yoga's `renderGraphiQL`: the page, prefilled with the demo app in development. */
  render(options: GraphiQLOptions): Promise<string>;
}

export function createPlayground(rt: Runtime, endpoint: string): Playground {
  let files: Promise<Map<string, StaticFile>> | undefined;

  async function demoApp(): Promise<PlaygroundApp | null> {
    if (rt.config.production || !rt.config.demo) return null;
    const app = (await rt.appRecords.list()).find((a) => a.isDemo && a.status === 'active');
    if (!app) return null;
    const appSecret = app.signMode === 'dynamic' ? app.appSecret : app.signMode === 'static' ? (app.staticSign ?? '') : '';
    return { appKey: app.appKey, appSecret, signMode: app.signMode };
  }

  return {
    serves: (pathname) => pathname.startsWith(PLAYGROUND_ASSETS),
    async answer(request, pathname) {
      files ??= loadFiles();
      const file = (await files).get(pathname.slice(PLAYGROUND_ASSETS.length));
      return file ? answerFile(request, file) : notFound();
    },
    async render(options) {
      return playgroundPage({ graphiql: options, endpoint, app: await demoApp() });
    },
  };
}

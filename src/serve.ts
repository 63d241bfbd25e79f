/** `yesgraph serve`: start-up, the demo app, listening, and a clean shutdown on SIGINT/SIGTERM. */
import type { Config } from './config.js';
import { ensureDemoApp, helloCurl, helloGraphQLCurl } from './demo.js';
import type { Logger } from './logger.js';
import { startRuntime } from './runtime.js';
import { createServer, listen } from './server.js';

export async function serve(config: Config, log: Logger): Promise<void> {
  const rt = await startRuntime(config, log);
  if (config.secretKeyFile) {
    log.warn({ file: config.secretKeyFile }, 'YESGRAPH_SECRET_KEY is not set: using a generated development key file');
  }
  let banner: string[] = [];
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  if (config.demo) {
    const { app, created } = await ensureDemoApp(rt.appRecords);
    log.warn({ app_key: app.appKey, created }, 'demo app present: remove it in production (YESGRAPH_DEMO=0 stops creating it)');
    banner = [
      `Demo app: app_key=${app.appKey} app_secret=${app.appSecret}`,
      `Try the legacy API (the calls the platform's SDKs make):`,
      `  ${helloCurl(base, app)}`,
      `Try the GraphQL API:`,
      `  ${helloGraphQLCurl(base, app)}`,
    ];
  }
  const server = createServer(rt);
  let http;
  try {
    http = await listen(server, config.host, config.port, { rawUrl: config.rawUrl, lean: config.leanHttp });
  } catch (err) {
    await rt.close();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  log.info({ url: base }, 'yesgraph listening');
  if (config.playground) log.info({ graphiql: `${base}/graphql` }, 'GraphiQL playground');
  if (banner.length) process.stderr.write(banner.join('\n') + '\n');

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    // No new connections; once the open ones have ended, the answers still being made finish
    // before the stores close (a client gone without its answer leaves its work running).
    http.close(() => void server.drained().then(() => rt.close()).then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

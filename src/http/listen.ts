/**
 * Listening on host:port: node:http behind the lean front (lean-front.ts) when the server gives
 * it a route, and either way taking raw request targets (raw-target-fallback.ts, socket.ts).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { attachLeanFront, type LeanRoute } from './lean-front.js';
import { acceptRawTargets } from './raw-target-fallback.js';

export interface ListenOptions {
  /** Accept raw UTF-8 bytes and spaces in the request target (YESGRAPH_RAW_URL); on by default. */
  readonly rawUrl?: boolean;
  /** Serve the common requests through the lean front (YESGRAPH_LEAN_HTTP); on by default. */
  readonly lean?: boolean;
}

export function listenHttp(listener: RequestListener, host: string, port: number, options: ListenOptions & { route?: LeanRoute } = {}): Promise<Server> {
  const http = createServer(listener);
  const rawUrl = options.rawUrl ?? true;
  if (rawUrl) acceptRawTargets(http);
  if (options.route && (options.lean ?? true)) attachLeanFront(http, options.route, { rawUrl });
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}

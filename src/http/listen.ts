/** Listening on host:port with node:http, optionally taking raw request targets (raw-target-fallback.ts). */
import { createServer, type RequestListener, type Server } from 'node:http';
import { acceptRawTargets } from './raw-target-fallback.js';

export interface ListenOptions {
  /** Accept raw UTF-8 bytes and spaces in the request target (YESGRAPH_RAW_URL); on by default. */
  readonly rawUrl?: boolean;
}

export function listenHttp(listener: RequestListener, host: string, port: number, options: ListenOptions = {}): Promise<Server> {
  const http = createServer(listener);
  if (options.rawUrl ?? true) acceptRawTargets(http);
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}

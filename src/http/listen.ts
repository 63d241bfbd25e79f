/** Listening on host:port with node:http, optionally through the raw-URL normalizer. */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { normalizeIncoming } from './socket.js';

export interface ListenOptions {
  /** Accept raw UTF-8 bytes and spaces in the request target (YESGRAPH_RAW_URL); on by default. */
  readonly rawUrl?: boolean;
}

export function listenHttp(listener: RequestListener, host: string, port: number, options: ListenOptions = {}): Promise<Server> {
  const http = createServer(listener);
  if (options.rawUrl ?? true) {
    // Before node's own connection listener: the socket's reads are rewritten from the first byte.
    http.prependListener('connection', (socket: Socket) => normalizeIncoming(socket));
  }
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}

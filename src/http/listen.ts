/** Listening on host:port with node:http, optionally through the raw-URL normalizer. */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { NormalizedSocket } from './socket.js';

export interface ListenOptions {
  /** Accept raw UTF-8 bytes and spaces in the request target (YESGRAPH_RAW_URL); on by default. */
  readonly rawUrl?: boolean;
}

export function listenHttp(listener: RequestListener, host: string, port: number, options: ListenOptions = {}): Promise<Server> {
  const http = createServer(listener);
  if (options.rawUrl ?? true) {
    // http.Server accepts any Duplex as a connection: hand it the normalized one instead.
    const accept = http.listeners('connection') as Array<(this: Server, socket: unknown) => void>;
    http.removeAllListeners('connection');
    http.on('connection', (socket: Socket) => {
      const normalized = new NormalizedSocket(socket);
      for (const fn of accept) fn.call(http, normalized);
    });
  }
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}

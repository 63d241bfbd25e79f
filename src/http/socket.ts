/**
 * A connection whose incoming bytes pass through a `RequestLineNormalizer` before node's HTTP
 * parser sees them, on the connection's own socket. net.Socket hands every read to its readers
 * through `push`: that one method is wrapped on this socket. Node's server would otherwise read
 * the socket's handle straight from C++ (where nothing can rewrite the bytes), so the handle is
 * marked as consumed and the server reads through 'data' events instead. Writes go to the socket
 * untouched: no stream stands between node's server and the socket (a Duplex in between cost
 * about a third of a small request's CPU, mostly in writing the answer twice over).
 */
import type { Socket } from 'node:net';
import { RequestLineNormalizer } from './raw-url.js';

type Push = (chunk: unknown, encoding?: BufferEncoding) => boolean;

export function normalizeIncoming(socket: Socket): void {
  const normalizer = new RequestLineNormalizer();
  const handle = (socket as unknown as { _handle?: { _consumed?: boolean } | null })._handle;
  if (handle) handle._consumed = true;
  const push: Push = socket.push.bind(socket);
  const all = (buffers: Iterable<Buffer>): boolean => {
    let more = true;
    for (const b of buffers) more = push(b) && more;
    return more;
  };
  (socket as unknown as { push: Push }).push = (chunk, encoding) => {
    if (chunk === null) return all(normalizer.end()) && push(null);
    if (!Buffer.isBuffer(chunk)) return push(chunk, encoding);
    return all(normalizer.push(chunk));
  };
}

/** A node:http request body read whole, refused past a size limit (the answer then closes the connection). */
import type { IncomingMessage } from 'node:http';
import { refuse } from '../errors.js';

export function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(req.headers['content-length'] ?? '0') > limit) return Promise.reject(refuse('BODY_TOO_LARGE', { limit }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        reject(refuse('BODY_TOO_LARGE', { limit }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client closed the connection before the body was complete'));
    });
  });
}

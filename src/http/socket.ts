/**
 * A connection whose incoming bytes pass through a `RequestLineNormalizer` before node's HTTP
 * parser sees them. It stands in for the `net.Socket` that `http.Server` would get, delegating
 * everything node's server uses (addresses, timeouts, keep-alive, no-delay, destroy) to it.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { RequestLineNormalizer } from './raw-url.js';

export class NormalizedSocket extends Duplex {
  private readonly normalizer = new RequestLineNormalizer();

  constructor(private readonly socket: Socket) {
    // Half-open like the sockets of http.Server: the server ends its side itself.
    super({ allowHalfOpen: true });
    socket.on('data', (chunk: Buffer) => {
      let more = true;
      for (const b of this.normalizer.push(chunk)) more = this.push(b) && more;
      if (!more) socket.pause();
    });
    socket.on('end', () => {
      for (const b of this.normalizer.end()) this.push(b);
      this.push(null);
    });
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (err?: Error | null) => void): void {
    this.socket.cork();
    chunks.forEach(({ chunk, encoding }, i) => this.socket.write(chunk, encoding, i === chunks.length - 1 ? callback : undefined));
    this.socket.uncork();
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    callback(err);
  }

  /** As net.Socket: end, then destroy once everything is written. */
  destroySoon(): void {
    if (this.writableFinished) this.destroy();
    else {
      this.once('finish', () => this.destroy());
      this.end();
    }
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  address(): ReturnType<Socket['address']> {
    return this.socket.address();
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  get bytesWritten(): number {
    return this.socket.bytesWritten;
  }
}

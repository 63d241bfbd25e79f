/**
 * The lean front: the server's connections start here rather than in node's HTTP server, whose
 * per-request machinery (IncomingMessage and ServerResponse streams, their events and timers)
 * cost a small request more CPU than yesgraph's own work on it. A request in lean-head.ts's
 * strict subset, for a path the server answers without the Fetch API (its `route`), is read
 * whole from the socket, answered, and written back as node would write it (lean-answer.ts).
 *
 * The first request that is not moves the connection, for the rest of its life, to node's own
 * server, exactly as a connection that never met the front (raw-target-fallback.ts's watch
 * included): node's parser reads the socket from C++ from then on, and the bytes read and not
 * yet answered, that request's first, go to it first, as a read would (their request lines
 * percent-encoded as the raw-URL normalizer does, when that is on). So node judges everything
 * the subset leaves out (malformed requests and their errors, chunked bodies, Expect, Upgrade,
 * HTTP/1.0, raw bytes in the target) and serves every other path (GraphiQL, /healthz, files,
 * GET queries).
 *
 * Per connection, as node does: one request at a time, pipelined ones in order; the socket stops
 * reading while an answer waits to drain or more than a request's worth is buffered; an idle
 * connection closes after the server's `keepAliveTimeout`; a request whose head or body is not
 * all there within the server's `headersTimeout` gets node's 408 and the connection closes.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { writeLeanAnswer, writeLeanResponse, type LeanAnswer } from './lean-answer.js';
import { MAX_LEAN_BODY, MAX_LEAN_HEAD, parseLeanHead, type LeanHead } from './lean-head.js';
import { RequestLineNormalizer } from './raw-url.js';

/** A request the front answers: its head, its whole body and the connection's peer. */
export interface LeanRequest {
  readonly head: LeanHead;
  readonly body: Buffer;
  readonly remoteAddress: string | undefined;
  /** Set by a face that refused the body for its size: the answer closes the connection, as on node's path. */
  refusedBody?: boolean;
}

export type LeanOutcome = LeanAnswer | Response;

/** How the server answers a head, or null for node to serve the connection from this request on. */
export type LeanRoute = (head: LeanHead) => ((request: LeanRequest) => Promise<LeanOutcome>) | null;

export interface LeanOptions {
  /** Hand connections to node through the raw-URL normalizer (YESGRAPH_RAW_URL). */
  readonly rawUrl: boolean;
}

/** `bytes` with their request lines' raw bytes and spaces percent-encoded, as far as its framing can be followed (raw-url.ts). */
function normalized(bytes: Buffer): Buffer[] {
  const normalizer = new RequestLineNormalizer();
  return [...normalizer.push(bytes), ...normalizer.end()];
}

/** node's answer to a request not all there in time (its own bytes for it). */
const TIMED_OUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

/** Most bytes buffered while an answer is being made before the socket stops reading. */
const MAX_BUFFERED = MAX_LEAN_HEAD + MAX_LEAN_BODY;

type ConnectionListener = (socket: Socket) => void;

/** Puts the lean front before `http`'s own connection handling (node's, and raw-target-fallback.ts's around it). */
export function attachLeanFront(http: Server, route: LeanRoute, options: LeanOptions): void {
  const nodeListeners = http.listeners('connection') as ConnectionListener[];
  http.removeAllListeners('connection');
  const open = new Set<LeanConnection>();
  /** Sockets handed to node: one handed to the server again (raw-target-fallback.ts moving it) stays node's. */
  const handed = new WeakSet<Socket>();
  const toNode = (socket: Socket): void => {
    handed.add(socket);
    for (const listener of nodeListeners) listener.call(http, socket);
  };
  const handOver = (socket: Socket, unread: Buffer | null): void => {
    // node's parser takes the socket's reads from C++ from now on; the bytes already read go to
    // it first, as a read would (their request lines made acceptable as the normalizer makes them).
    toNode(socket);
    if (unread) for (const bytes of options.rawUrl ? normalized(unread) : [unread]) socket.emit('data', bytes);
    socket.resume();
  };
  http.on('connection', (socket: Socket) => {
    if (handed.has(socket)) return toNode(socket);
    const connection = new LeanConnection(http, socket, route, handOver, () => open.delete(connection));
    open.add(connection);
  });
  // node closes its idle connections when the server closes (and on request): the front's too.
  const closeIdle = http.closeIdleConnections.bind(http);
  http.closeIdleConnections = () => {
    for (const c of open) c.closeIfIdle();
    closeIdle();
  };
  const closeAll = http.closeAllConnections.bind(http);
  http.closeAllConnections = () => {
    for (const c of open) c.destroy();
    closeAll();
  };
}

class LeanConnection {
  /**
   * Bytes read and not yet taken by a request, in the order read: joined into one buffer while a
   * head is looked for, kept apart while a body arrives (joined once it is all there).
   */
  private parts: Buffer[] = [];
  private length = 0;
  /** How many bytes at the start are known to hold no end of a head. */
  private searched = 0;
  /** The head of the request whose body is arriving, and how it will be answered. */
  private head: LeanHead | null = null;
  private run: ((request: LeanRequest) => Promise<LeanOutcome>) | null = null;
  /** An answer is being made or written. */
  private busy = false;
  /** The connection is ending: nothing more is read or answered. */
  private ended = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private partialTimer: NodeJS.Timeout | null = null;
  private readonly listeners: Array<[string, (chunk: Buffer) => void]>;

  constructor(
    private readonly http: Server,
    private readonly socket: Socket,
    private readonly route: LeanRoute,
    private readonly handOver: (socket: Socket, unread: Buffer | null) => void,
    private readonly done: () => void,
  ) {
    this.listeners = [
      ['data', (chunk: Buffer) => this.onData(chunk)],
      ['end', () => this.onEnd()],
      ['error', () => socket.destroy()],
      ['close', () => this.onClose()],
    ];
    for (const [event, fn] of this.listeners) socket.on(event, fn);
    this.idle();
  }

  closeIfIdle(): void {
    if (!this.busy && !this.length) this.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    this.parts.push(chunk);
    this.length += chunk.length;
    if (!this.busy) this.next();
    else if (this.length > MAX_BUFFERED) this.socket.pause();
  }

  /** The client ended its side: as node's server (not half-open), the connection ends, answers owed dropped. */
  private onEnd(): void {
    this.stop();
    this.socket.end();
  }

  /** Nothing more is read or answered on this connection. */
  private stop(): void {
    this.ended = true;
    this.parts = [];
    this.length = 0;
    this.clearTimers();
  }

  private onClose(): void {
    this.clearTimers();
    this.done();
  }

  /** The bytes buffered, as one buffer. */
  private joined(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts, this.length)];
    return this.parts[0]!;
  }

  /** Answers the complete requests buffered, one at a time; hands the connection over at the first it does not serve. */
  private next(): void {
    if (this.ended || this.socket.destroyed) return;
    if (!this.length) return this.idle();
    if (!this.head) {
      const head = parseLeanHead(this.joined(), this.searched);
      if (head === null) return this.leave();
      if (head === 'more') {
        this.searched = this.length;
        return this.partial();
      }
      const run = this.route(head);
      if (!run) return this.leave();
      this.head = head;
      this.run = run;
    }
    const head = this.head;
    const end = head.headLength + head.bodyLength;
    if (this.length < end) return this.partial();
    const bytes = this.joined();
    const request: LeanRequest = { head, body: bytes.subarray(head.headLength, end), remoteAddress: this.socket.remoteAddress };
    const run = this.run!;
    this.parts = bytes.length > end ? [bytes.subarray(end)] : [];
    this.length = bytes.length - end;
    this.searched = 0;
    this.head = null;
    this.run = null;
    this.busy = true;
    this.clearPartial();
    run(request)
      .then((outcome) => this.answer(request, outcome))
      .catch(() => this.socket.destroy());
  }

  private async answer(request: LeanRequest, outcome: LeanOutcome): Promise<void> {
    if (this.ended || !this.socket.writable) return;
    // A body refused unread closes the connection, as on node's path (with the header it writes there).
    const refused = request.refusedBody === true;
    // Once the server has stopped listening, each answer closes its connection (a shutdown waits for them).
    const close = request.head.close || refused || !this.http.listening;
    const persistence = { close, keepAliveMs: this.http.keepAliveTimeout };
    try {
      if (isResponse(outcome)) await writeLeanResponse(this.socket, outcome, persistence, refused);
      else writeLeanAnswer(this.socket, outcome, persistence, refused);
    } catch {
      this.socket.destroy();
      return;
    }
    if (close) return this.closeAfterWrites();
    this.busy = false;
    if (this.socket.writableNeedDrain) this.socket.once('drain', () => this.resumeAfterAnswer());
    else this.resumeAfterAnswer();
  }

  /** Ends the connection once what is written has gone (node's destroySoon): later bytes are not read. */
  private closeAfterWrites(): void {
    this.stop();
    this.socket.destroySoon();
  }

  private resumeAfterAnswer(): void {
    if (this.socket.isPaused()) this.socket.resume();
    this.next();
  }

  /** Hands the connection, with what is buffered, to node's server. */
  private leave(): void {
    this.clearTimers();
    for (const [event, fn] of this.listeners) this.socket.off(event, fn);
    this.done();
    // Bytes the socket read while paused come after those taken out of it.
    if (this.socket.readableLength) {
      const pending = this.socket.read() as Buffer | null;
      if (pending) this.parts.push(pending);
    }
    const unread = this.parts.length ? Buffer.concat(this.parts) : null;
    this.parts = [];
    this.length = 0;
    this.socket.pause();
    this.handOver(this.socket, unread);
  }

  /** Waiting for the next request: the connection closes after the keep-alive timeout. */
  private idle(): void {
    const ms = this.http.keepAliveTimeout;
    if (!ms) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.onIdleTimeout(), ms).unref();
  }

  private onIdleTimeout(): void {
    if (!this.busy && !this.length) this.socket.destroy();
  }

  /** Part of a request is here: all of it must be within the headers timeout, from now. */
  private partial(): void {
    if (this.partialTimer) return;
    const ms = this.http.headersTimeout;
    if (!ms) return;
    this.partialTimer = setTimeout(() => {
      this.partialTimer = null;
      if (this.busy || this.ended || this.socket.destroyed) return;
      this.socket.write(TIMED_OUT, 'latin1');
      this.closeAfterWrites();
    }, ms).unref();
  }

  private clearPartial(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
  }

  private clearTimers(): void {
    this.clearPartial();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/**
 * Whether an outcome is a Fetch `Response` rather than a face's answer (yoga's may be the fetch
 * ponyfill's class, not the global one: `instanceof` cannot tell).
 */
function isResponse(outcome: LeanOutcome): outcome is Response {
  return typeof (outcome as Response).headers?.get === 'function';
}

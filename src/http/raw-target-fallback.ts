/**
 * Raw request targets without a JavaScript read path on every connection.
 *
 * Each connection starts on node's own HTTP parser, which reads the socket from C++: the fast
 * path. Reading every byte through JavaScript, for `RequestLineNormalizer`'s sake, cost a legacy
 * Hello about a fifth of its CPU. Only when node's parser refuses a request line, the way it
 * refuses a raw UTF-8 byte or a raw space in the target (the Go SDK sends both), does that
 * connection move, from that request line on, to socket.ts's read path, where the normalizer
 * percent-encodes the target before node's parser sees it.
 *
 * The move replays what node does for an Upgrade: node's listeners come off the socket, its
 * parser lets go of the handle, and the socket is handed to the server again as a new
 * connection, which node reads through JavaScript; the refused request line and every byte after
 * it are replayed into that connection. Answers still owed to earlier pipelined requests go out
 * first, through the connection as it was; the socket stops reading until they have.
 *
 * The refused line is found by following the framing of the bytes node has parsed since the
 * last read it ended between two requests, with the normalizer's own rules (Content-Length
 * bodies; anything else it does not follow). So while node's parser ends a read inside a
 * request, that read is kept (a copy, up to `MAX_HELD` bytes) until a read ends between two.
 * Only an error node raises inside a request line (`RECOVERABLE`), on a line the normalizer
 * holds open at the refused byte, moves the connection; anything else meets node's own answer,
 * as without the normalizer.
 *
 * It relies on node's parser binding (`NodeParser`, checked on the first connection). A node
 * without it leaves that first connection on its parser as it is and reads every later one
 * through the normalizer from the first byte, as yesgraph did before.
 */
import { METHODS, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_LINE, RequestLineNormalizer } from './raw-url.js';
import { normalizeIncoming } from './socket.js';

/** Parse errors node's parser raises on a request line's target or version (and few other places: the line is checked too). */
const RECOVERABLE = new Set(['HPE_INVALID_URL', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_VERSION']);

/** A request line's start: a method node knows, then one space. */
const LINE_START = new RegExp(`^(?:${METHODS.map((m) => m.replace(/[^A-Z]/g, '\\$&')).join('|')}) `);

/** The most bytes of one unfinished request kept in case a request line in them is refused (a request line's limit, four times over). */
export const MAX_HELD = 4 * MAX_LINE;

/** The socket events node's connection listener subscribes to. */
const EVENTS = ['data', 'end', 'close', 'drain', 'error', 'timeout', 'pause', 'resume'] as const;

type Listener = (...args: unknown[]) => void;
type Listeners = ReadonlyMap<string, readonly Listener[]>;

/** What node's HTTP parser binding offers (node ≥ 18.14); checked before use. */
interface NodeParser {
  [slot: number]: unknown;
  _consumed?: boolean;
  socket?: unknown;
  incoming?: unknown;
  duration(): number;
  getCurrentBuffer(): Buffer;
  unconsume(): void;
  remove(): void;
  close(): void;
}

interface NodeSocket extends Socket {
  parser?: NodeParser | null;
  /** The answer node is writing, while one is owed. */
  _httpMessage?: NodeJS.EventEmitter | null;
  _paused?: boolean;
}

interface ParseError extends Error {
  code?: string;
  bytesParsed?: number;
}

const PARSER_METHODS = ['duration', 'getCurrentBuffer', 'unconsume', 'remove', 'close'] as const;

/** Sockets handed back to the server, already reading through the normalizer. */
const handedBack = new WeakSet<Socket>();

/**
 * Gives `server`'s connections node's native parser, moving a connection to the normalizer at
 * the first request line node refuses.
 */
export function acceptRawTargets(server: Server): void {
  const before = new WeakMap<Socket, Listeners>();
  /** Whether this node's parser binding offers what a move needs: learnt from the first connection. */
  let capable: boolean | undefined;
  // Before node's own connection listener: what the socket listens to without it.
  server.prependListener('connection', (socket: NodeSocket) => {
    if (handedBack.has(socket)) return;
    // A node without that binding: every connection reads through the normalizer from its first byte.
    if (capable === false) normalizeIncoming(socket);
    else before.set(socket, listenersOf(socket));
  });
  // After it: node's parser is in place.
  server.on('connection', (socket: NodeSocket) => {
    const own = before.get(socket);
    if (!own) return;
    before.delete(socket);
    const parser = socket.parser;
    const slot = executeSlot(parser);
    capable ??= slot !== null;
    // The first connection on a node without the binding stays on node's parser as it is.
    if (!parser || slot === null) return;
    const nodes = added(own, listenersOf(socket));
    if (parser._consumed) watch(server, socket, parser, slot, nodes);
    // A socket node reads through JavaScript anyway (not a stream handle): the normalizer from the start.
    else handBack(server, socket, parser, nodes, []);
  });
}

/** The parser's slot for the callback node's C++ makes after each read it parses, or null. */
function executeSlot(parser: NodeParser | null | undefined): number | null {
  if (!parser) return null;
  const slot = (parser.constructor as { kOnExecute?: unknown }).kOnExecute;
  if (typeof slot !== 'number' || typeof parser[slot] !== 'function') return null;
  return PARSER_METHODS.every((m) => typeof parser[m] === 'function') ? slot : null;
}

function watch(server: Server, socket: NodeSocket, parser: NodeParser, slot: number, nodes: Listeners): void {
  const onExecute = parser[slot] as (ret: unknown) => unknown;
  /** Copies of the reads since the last one that ended between two requests; [] once they outgrew `MAX_HELD`. */
  let held: Buffer[] = [];
  let heldLength = 0;
  /** Once node has refused a line the normalizer takes: the bytes to replay, from that line on. */
  let replay: Buffer[] | null = null;
  parser[slot] = (ret: unknown): unknown => {
    if (replay) {
      // A read after the refusal, while the move waits for owed answers: node's parser is done.
      replay.push(parser.getCurrentBuffer());
      return undefined;
    }
    if (ret instanceof Error) {
      const rest = heldLength <= MAX_HELD ? refusedLine(parser, held, ret) : null;
      if (rest) {
        replay = [rest];
        handBack(server, socket, parser, nodes, replay);
        return undefined;
      }
    } else if (parser.duration() !== 0) {
      // The read ends inside a request: a request line in it may be refused in a later read.
      if (heldLength <= MAX_HELD) {
        const read = parser.getCurrentBuffer();
        heldLength += read.length;
        if (heldLength <= MAX_HELD) held.push(read);
        else held = [];
      }
    } else if (heldLength) {
      held = [];
      heldLength = 0;
    }
    return onExecute(ret);
  };
}

/**
 * The bytes from the request line node refused to the end of its read, or null when it is not
 * one the normalizer may take. `held` are the reads before it since one ended between requests.
 */
function refusedLine(parser: NodeParser, held: readonly Buffer[], error: ParseError): Buffer | null {
  if (!RECOVERABLE.has(error.code ?? '') || typeof error.bytesParsed !== 'number') return null;
  const read = parser.getCurrentBuffer();
  const bytes = held.length ? Buffer.concat([...held, read]) : read;
  const at = bytes.length - read.length + error.bytesParsed;
  if (at > bytes.length) return null;
  const framing = new RequestLineNormalizer();
  framing.push(bytes.subarray(0, at));
  const start = framing.openLineStart;
  if (start === null || !LINE_START.test(bytes.toString('latin1', start, Math.min(at, start + 32)))) return null;
  return bytes.subarray(start);
}

/**
 * Takes `socket` from node's native parser and hands it to the server again, reading through
 * the normalizer; `replay` (the refused request line on, as it is when the move happens) goes
 * into it first. While an answer to an earlier request is owed, the socket stops reading and the
 * move waits for it; an answer that closes the connection ends the wait.
 */
function handBack(server: Server, socket: NodeSocket, parser: NodeParser, nodes: Listeners, replay: readonly Buffer[]): void {
  const owed = socket._httpMessage;
  if (owed) {
    socket.pause();
    owed.once('finish', () => {
      if (!socket.destroyed && socket.writable) handBack(server, socket, parser, nodes, replay);
    });
    return;
  }
  for (const [event, fns] of nodes) for (const fn of fns) socket.removeListener(event, fn);
  if (parser._consumed) parser.unconsume();
  parser._consumed = false;
  parser.remove();
  parser.socket = null;
  parser.incoming = null;
  setImmediate(() => parser.close());
  socket.parser = null;
  socket._paused = false;
  // A keep-alive timer armed after the last answer: the new connection arms its own.
  socket.setTimeout(0);
  handedBack.add(socket);
  normalizeIncoming(socket);
  server.emit('connection', socket);
  for (const bytes of replay) socket.push(bytes);
  socket.resume();
}

function listenersOf(socket: Socket): Listeners {
  return new Map(EVENTS.map((e) => [e, socket.listeners(e) as Listener[]]));
}

/** The listeners in `after` that were not in `before`. */
function added(before: Listeners, after: Listeners): Listeners {
  const out = new Map<string, Listener[]>();
  for (const [event, fns] of after) {
    const had = before.get(event) ?? [];
    const fresh = fns.filter((fn) => !had.includes(fn));
    if (fresh.length) out.set(event, fresh);
  }
  return out;
}

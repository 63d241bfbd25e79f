/**
 * Lenience for clients that send raw bytes in the request target (the platform's Go SDK never
 * percent-encodes: `GET /?name=<raw UTF-8> HTTP/1.1`, `order=["id DESC"]` with a raw space).
 * Node's HTTP parser refuses those with a bare 400, with or without `insecureHTTPParser`.
 *
 * `RequestLineNormalizer` sits between a connection's bytes and node's parser. Only where a
 * request head certainly starts, it percent-encodes the request target's bytes ≥ 0x80 and its
 * inner spaces; it never adds or removes CR/LF and never touches headers or bodies. It follows
 * message framing by Content-Length alone: on Transfer-Encoding, Upgrade, CONNECT, a repeated or
 * odd Content-Length, or anything it does not understand, it stops rewriting for the rest of
 * the connection and passes the bytes through untouched (node then judges them as always).
 * A well-formed request passes through byte-identical.
 */

/** Longest request line or header line it holds while looking for its end (node's default head limit). */
export const MAX_LINE = 16 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEX = '0123456789ABCDEF';

type Mode = 'line' | 'head' | 'body' | 'pass';

interface Head {
  contentLength: number | null;
  /** Framing we do not follow (Transfer-Encoding, Upgrade, CONNECT, an odd Content-Length). */
  opaque: boolean;
}

/** The request line with its target made acceptable to node; the same buffer when nothing needs it; null when it is not a request line we understand. */
export function normalizeRequestLine(line: Buffer): Buffer | null {
  const n = line.length;
  if (n < 2 || line[n - 1] !== LF || line[n - 2] !== CR) return null;
  const end = n - 2;
  let rewrite = false;
  for (let i = 0; i < end; i++) {
    const b = line[i]!;
    if (b < 0x20 || b === 0x7f) return null;
    if (b >= 0x80) rewrite = true;
  }
  const sp = line.indexOf(SP);
  if (sp <= 0 || sp > 32) return null;
  const method = line.toString('latin1', 0, sp);
  if (!TOKEN.test(method) || method === 'CONNECT') return null;
  const version = line.toString('latin1', end - 9, end);
  if (version !== ' HTTP/1.1' && version !== ' HTTP/1.0') return null;
  const from = sp + 1;
  const to = end - 9;
  if (to <= from || line[from] === SP || line[to - 1] === SP) return null;
  if (!rewrite && line.indexOf(SP, from) >= to) return line;

  const parts: string[] = [];
  let run = from;
  for (let i = from; i < to; i++) {
    const b = line[i]!;
    if (b !== SP && b < 0x80) continue;
    if (i > run) parts.push(line.toString('latin1', run, i));
    parts.push('%' + HEX[b >> 4]! + HEX[b & 15]!);
    run = i + 1;
  }
  if (to > run) parts.push(line.toString('latin1', run, to));
  return Buffer.concat([line.subarray(0, from), Buffer.from(parts.join(''), 'latin1'), line.subarray(to)]);
}

/** Reads one header line (CRLF included, as latin1 text) into `head`; false when it is not one we understand. */
function readHeader(line: string, head: Head): boolean {
  const n = line.length;
  if (n < 2 || line.charCodeAt(n - 2) !== CR) return false;
  const colon = line.indexOf(':');
  if (colon <= 0) return false;
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) return false;
  if (line.indexOf('\r') !== n - 2) return false;
  switch (name.toLowerCase()) {
    case 'content-length': {
      const m = /^[ \t]*(\d{1,15})[ \t]*$/.exec(line.slice(colon + 1, n - 2));
      if (!m || head.contentLength !== null) head.opaque = true;
      else head.contentLength = Number(m[1]);
      return true;
    }
    case 'transfer-encoding':
    case 'upgrade':
      head.opaque = true;
      return true;
    default:
      return true;
  }
}

/**
 * A request line that needs no rewriting, as latin1 text: a token method (not CONNECT), one
 * space, a target of visible ASCII, one space, HTTP/1.1 or 1.0. `normalizeRequestLine` returns
 * such a line unchanged; this decides it without leaving JavaScript.
 */
const PLAIN_REQUEST_LINE = /^(?!CONNECT )[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32} [\x21-\x7e]+ HTTP\/1\.[01]\r\n$/;

/** True for a request line (latin1 text) that `normalizeRequestLine` would return unchanged. */
export function isPlainRequestLine(line: string): boolean {
  return PLAIN_REQUEST_LINE.test(line);
}

/** The end of a request head. */
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** The output of one `push`: ranges of its chunk, adjacent ones joined, and buffers of its own. */
class Pieces {
  private readonly out: Buffer[] = [];
  private from = 0;
  private to = 0;

  constructor(private readonly chunk: Buffer) {}

  range(from: number, to: number): void {
    if (from === to) return;
    if (this.to !== from || this.to === this.from) {
      this.flush();
      this.from = from;
    }
    this.to = to;
  }

  buffer(buf: Buffer): void {
    this.flush();
    this.out.push(buf);
  }

  done(): Buffer[] {
    this.flush();
    return this.out;
  }

  private flush(): void {
    if (this.to === this.from) return;
    this.out.push(this.from === 0 && this.to === this.chunk.length ? this.chunk : this.chunk.subarray(this.from, this.to));
    this.from = this.to = 0;
  }
}

export class RequestLineNormalizer {
  private mode: Mode = 'line';
  /** The partial line (request line or header line) seen so far. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private head: Head = { contentLength: null, opaque: false };
  private bodyLeft = 0;
  /** Bytes taken by earlier pushes. */
  private offset = 0;
  /** Where (counted over every push) the request line being read began. */
  private lineFrom = 0;

  /** True once it passes everything through for the rest of the connection. */
  get passing(): boolean {
    return this.mode === 'pass';
  }

  /**
   * Where the request line it holds, still without its end, began: a count of the bytes given
   * to every push before it. Null when it holds none (between lines, in a head or a body, or
   * passing everything through).
   */
  get openLineStart(): number | null {
    return this.mode === 'line' && this.pendingLength > 0 ? this.lineFrom : null;
  }

  /**
   * The bytes to hand to the parser for `chunk` (possibly none yet, while a request line is
   * incomplete). Untouched bytes stay in one piece, `chunk` itself when nothing in it changed:
   * each piece costs node's parser a call of its own. Heads are scanned as latin1 text, read from
   * the chunk once per head: each Buffer method called per line costs a trip into C++.
   */
  push(chunk: Buffer): Buffer[] {
    const out = new Pieces(chunk);
    /** `text` is chunk[base, until) as latin1. */
    let text = '';
    let base = 0;
    let until = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === 'pass') {
        out.range(i, chunk.length);
        break;
      }
      if (this.mode === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        out.range(i, i + take);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.mode = 'line';
        continue;
      }
      if (i >= until) {
        const end = chunk.indexOf(HEAD_END, i);
        until = end < 0 ? chunk.length : end + HEAD_END.length;
        base = i;
        text = chunk.toString('latin1', base, until);
      }
      const from = i;
      if (this.mode === 'line' && this.pendingLength === 0) this.lineFrom = this.offset + from;
      const lf = text.indexOf('\n', i - base);
      const stop = lf < 0 ? until : base + lf + 1;
      i = stop;
      // Header bytes go straight on; only the request line is held until it is complete.
      if (this.mode === 'head') out.range(from, stop);
      if (this.pendingLength + (stop - from) > MAX_LINE) {
        if (this.mode === 'line') {
          for (const held of this.pending) out.buffer(held);
          out.range(from, stop);
        }
        this.toPass();
        continue;
      }
      if (lf < 0) {
        this.pending.push(Buffer.from(chunk.subarray(from, stop)));
        this.pendingLength += stop - from;
        continue;
      }
      const held = this.pending.length ? Buffer.concat([...this.pending, chunk.subarray(from, stop)]) : null;
      this.pending = [];
      this.pendingLength = 0;
      const line = held ? held.toString('latin1') : text.slice(from - base, stop - base);
      if (this.mode === 'head') {
        this.headerLine(line);
        continue;
      }
      const sent = this.requestLine(line, () => held ?? chunk.subarray(from, stop));
      if (sent === null && !held) out.range(from, stop);
      else out.buffer(sent ?? held!);
    }
    this.offset += chunk.length;
    return out.done();
  }

  /** The bytes still held when the connection's input ends. */
  end(): Buffer[] {
    const held = this.mode === 'line' ? this.pending : [];
    this.toPass();
    return held;
  }

  private toPass(): void {
    this.mode = 'pass';
    this.pending = [];
    this.pendingLength = 0;
  }

  /**
   * Takes a complete request line (latin1 text; `bytes` gives its buffer): the bytes to send
   * instead, or null to send it as it came.
   */
  private requestLine(line: string, bytes: () => Buffer): Buffer | null {
    // Node skips empty lines before a request line, so a head may still start after one.
    if (line === '\r\n') return null;
    if (isPlainRequestLine(line)) {
      this.startHead();
      return null;
    }
    const original = bytes();
    const normalized = normalizeRequestLine(original);
    if (!normalized) {
      this.toPass();
      return null;
    }
    this.startHead();
    return normalized === original ? null : normalized;
  }

  private startHead(): void {
    this.mode = 'head';
    this.head = { contentLength: null, opaque: false };
  }

  private headerLine(line: string): void {
    if (line === '\r\n') {
      if (this.head.opaque) this.toPass();
      else if (this.head.contentLength) {
        this.mode = 'body';
        this.bodyLeft = this.head.contentLength;
      } else this.mode = 'line';
      return;
    }
    if (!readHeader(line, this.head)) this.toPass();
  }
}

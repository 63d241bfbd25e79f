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

/** Reads one header line (CRLF included) into `head`; false when it is not one we understand. */
function readHeader(line: Buffer, head: Head): boolean {
  const n = line.length;
  if (n < 2 || line[n - 2] !== CR) return false;
  const colon = line.indexOf(0x3a);
  if (colon <= 0) return false;
  const name = line.toString('latin1', 0, colon);
  if (!TOKEN.test(name)) return false;
  if (line.indexOf(CR) !== n - 2) return false;
  switch (name.toLowerCase()) {
    case 'content-length': {
      const m = /^[ \t]*(\d{1,15})[ \t]*$/.exec(line.toString('latin1', colon + 1, n - 2));
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

export class RequestLineNormalizer {
  private mode: Mode = 'line';
  /** The partial line (request line or header line) seen so far. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private head: Head = { contentLength: null, opaque: false };
  private bodyLeft = 0;

  /** True once it passes everything through for the rest of the connection. */
  get passing(): boolean {
    return this.mode === 'pass';
  }

  /** The bytes to hand to the parser for `chunk` (possibly none yet, while a request line is incomplete). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === 'pass') {
        out.push(i === 0 ? chunk : chunk.subarray(i));
        return out;
      }
      if (this.mode === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        out.push(chunk.subarray(i, i + take));
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.mode = 'line';
        continue;
      }
      const lf = chunk.indexOf(LF, i);
      const stop = lf < 0 ? chunk.length : lf + 1;
      const piece = chunk.subarray(i, stop);
      i = stop;
      // Header bytes go straight on; only the request line is held until it is complete.
      if (this.mode === 'head') out.push(piece);
      if (this.pendingLength + piece.length > MAX_LINE) {
        if (this.mode === 'line') out.push(...this.pending, piece);
        this.toPass();
        continue;
      }
      if (lf < 0) {
        this.pending.push(Buffer.from(piece));
        this.pendingLength += piece.length;
        continue;
      }
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingLength = 0;
      if (this.mode === 'line') this.requestLine(line, out);
      else this.headerLine(line);
    }
    return out;
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

  private requestLine(line: Buffer, out: Buffer[]): void {
    // Node skips empty lines before a request line, so a head may still start after one.
    if (line.length === 2 && line[0] === CR) {
      out.push(line);
      return;
    }
    const normalized = normalizeRequestLine(line);
    out.push(normalized ?? line);
    if (!normalized) {
      this.toPass();
      return;
    }
    this.mode = 'head';
    this.head = { contentLength: null, opaque: false };
  }

  private headerLine(line: Buffer): void {
    if (line.length === 2 && line[0] === CR) {
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

/**
 * GET /metrics: the Prometheus text of the runtime's metrics (src/telemetry/metrics.ts). Served
 * only when YESGRAPH_METRICS_TOKEN is set, and only to a request that carries it as
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`); without the
 * token the path is the legacy face's like any other, so nothing is exposed by default.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Runtime } from '../runtime.js';

export const METRICS_PATH = '/metrics';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compared in constant time: the answer tells nothing of how much of the token was right. */
function authorized(header: string | null, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text + '\n', { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

/** Whether this runtime serves /metrics at all. */
export function metricsServed(rt: Runtime): boolean {
  return rt.config.metricsToken !== undefined;
}

export async function metricsResponse(rt: Runtime, request: Request): Promise<Response> {
  const token = rt.config.metricsToken;
  if (token === undefined) return plain(404, 'not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed', { allow: 'GET, HEAD' });
  if (!authorized(request.headers.get('authorization'), token)) return plain(401, 'unauthorized', { 'www-authenticate': 'Bearer realm="metrics"' });
  const { contentType, text } = await rt.metrics.exposition();
  return new Response(request.method === 'HEAD' ? null : text, { status: 200, headers: { 'content-type': contentType } });
}

/**
 * The legacy face: `?s=App.X.Y` or `?service=…` on any path the server does not use itself (SDKs
 * post to `//?s=…`), and `/api/App/X/Y`. Turns a request into a service call and the result into
 * the platform's envelope. Every answer is HTTP 200 with a `ret`; unexpected failures answer
 * `ret=500` with an error id that is logged with the cause.
 */
import { randomUUID } from 'node:crypto';
import { BusinessError, message, ProtocolError, refuse } from '../errors.js';
import type { AccessNote } from '../http/access-log.js';
import type { App } from '../records/apps.js';
import { refusalOf } from '../refusal.js';
import type { Runtime } from '../runtime.js';
import { appKeyOf } from '../guards/app.js';
import { sessionOf } from '../guards/member.js';
import { checkSign } from '../guards/sign.js';
import { corsHeaders, envelopeBody, serverFaultMessage } from './envelope.js';
import { readParams, parseUrlEncoded, type Params } from './params.js';
import { JSON_TYPE, type LegacyAnswer, type LegacyRequest } from './request.js';
import { parseParams } from './rules.js';
import { findService } from './services/index.js';

const SEGMENT = '([A-Za-z][A-Za-z0-9_]*)';
/** The path form `/api/App/X/Y`, also after a doubled leading slash. */
const SERVICE_PATH = new RegExp(`^/+api/${SEGMENT}/${SEGMENT}/${SEGMENT}/?$`);

/**
 * The service a call names: the path form, else `service`, else `s`. A two-part name means
 * namespace `App`, as the platform's framework reads it (`Hello.World` is `App.Hello.World`).
 */
export function serviceName(pathname: string, params: Params): string | undefined {
  const m = SERVICE_PATH.exec(pathname);
  const name = m ? `${m[1]}.${m[2]}.${m[3]}` : params.get('service') || params.get('s');
  if (!name) return undefined;
  return name.split('.').length === 2 ? `App.${name}` : name;
}

interface Outcome {
  ret: number;
  data: Record<string, unknown>;
  msg: string;
  app: App | null;
  /** The service, once it was found. */
  service?: string;
}

export function createLegacyHandler(rt: Runtime) {
  async function call(params: Params, pathname: string): Promise<Outcome> {
    let app: App | null = null;
    try {
      const name = serviceName(pathname, params);
      if (!name) throw refuse('PARAM_MISSING', { name: 's' });
      const service = findService(name);
      if (!service) throw refuse('SERVICE_UNKNOWN', { service: name });
      // Every parameter rule before any lookup, as the platform checks them.
      appKeyOf(params.get('app_key'));
      sessionOf(params.get('uuid'), params.get('token'));
      const input = parseParams(service.params, params);
      app = await rt.apps.check(params.get('app_key'));
      checkSign(app, params);
      const member = await rt.members.check(app, params.get('uuid'), params.get('token')).catch((err: unknown) => {
        if (service.session === 'lenient' && err instanceof ProtocolError && err.ret === 401) return null;
        throw err;
      });
      const result = await service.run(rt.context(app, member), input, params);
      return { ret: 200, data: { err_code: 0, err_msg: '', ...result }, msg: message('CALL_ACCEPTED', { service: service.name }), app, service: service.name };
    } catch (err) {
      if (err instanceof BusinessError) {
        return { ret: 200, data: { err_code: err.code, err_msg: err.message }, msg: err.message, app };
      }
      const refused = refusalOf(err);
      if (refused) return { ret: refused.ret, data: {}, msg: refused.message, app };
      const errorId = randomUUID();
      rt.log.error({ err, errorId, service: params.get('s') ?? params.get('service') }, 'legacy call failed');
      return { ret: 500, data: {}, msg: serverFaultMessage(errorId), app };
    }
  }

  return async function legacy(request: LegacyRequest, note: AccessNote = {}): Promise<LegacyAnswer> {
    let query: Params = new Map();
    let badQuery: ProtocolError | null = null;
    try {
      query = parseUrlEncoded(request.query);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      badQuery = err;
    }
    const cors = query.get('yesapi_allow_origin') === '1' ? corsHeaders(request.header('origin')) : {};
    if (request.method === 'OPTIONS') return { status: 204, headers: cors, body: null };
    if (request.method !== 'GET' && request.method !== 'POST' && request.method !== 'HEAD') {
      return { status: 405, headers: { allow: 'GET, POST, OPTIONS', ...cors }, body: null };
    }

    let outcome: Outcome;
    let params: Params = query;
    try {
      if (badQuery) throw badQuery;
      params = await readParams(request, query, rt.config.bodyLimit);
      outcome = await call(params, request.pathname);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      outcome = { ret: err.ret, data: {}, msg: err.message, app: null };
    }
    note.service = outcome.service ?? serviceName(request.pathname, params);
    note.ret = outcome.ret;
    if (typeof outcome.data.err_code === 'number') note.errCode = outcome.data.err_code;
    if (outcome.app) note.app = outcome.app.appKey;
    const allowOrigin = params.get('yesapi_allow_origin') === '1' ? corsHeaders(request.header('origin')) : cors;
    const accepted = outcome.ret === 200;
    // `_auth` vouches only for accepted calls: a refusal is not signed with the app's secret.
    const secret = accepted && outcome.app?.authEnabled ? outcome.app.appSecret : null;
    // Protocol failures keep the full envelope even with return_data=1, so the `ret` is never lost.
    const dataOnly = params.get('return_data') === '1' && accepted;
    const body = envelopeBody({ ret: outcome.ret, data: outcome.data, msg: outcome.msg, secret, dataOnly });
    return { status: 200, headers: { ...JSON_TYPE, ...allowOrigin }, body };
  };
}

/** The answer of the legacy face to a fault that escaped every other handler (already logged under `errorId`). */
export function legacyFault(errorId: string): LegacyAnswer {
  return { status: 200, headers: JSON_TYPE, body: envelopeBody({ ret: 500, data: {}, msg: serverFaultMessage(errorId), secret: null, dataOnly: false }) };
}

/**
 * The legacy face: `?s=App.X.Y` or `?service=…` on any path the server does not use itself (SDKs
 * post to `//?s=…`), and `/api/App/X/Y`. Turns a request into a service call and the result into
 * the platform's envelope. Every answer is HTTP 200 with a `ret`; unexpected failures answer
 * `ret=500` with an error id that is logged with the cause.
 */
import { randomUUID } from 'node:crypto';
import { BusinessError, message, ProtocolError, refuse } from '../errors.js';
import { newNote, type AccessNote } from '../http/access-log.js';
import type { App } from '../records/apps.js';
import { refusalOf } from '../refusal.js';
import type { Runtime } from '../runtime.js';
import { checkSign } from '../guards/sign.js';
import type { Member } from '../records/sessions.js';
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
  const dot = name.indexOf('.');
  return dot >= 0 && name.indexOf('.', dot + 1) < 0 ? `App.${name}` : name;
}

interface Outcome {
  ret: number;
  data: Record<string, unknown>;
  msg: string;
  app: App | null;
  /** The signed-in member, once the guards found one. */
  member: Member | null;
  /** The service, once it was found. */
  service?: string;
}

/** `msg` of an accepted call, rendered once per service (a fixed set: the server's own names). */
const acceptedMessages = new Map<string, string>();
function acceptedMessage(service: string): string {
  let msg = acceptedMessages.get(service);
  if (msg === undefined) acceptedMessages.set(service, (msg = message('CALL_ACCEPTED', { service })));
  return msg;
}

export function createLegacyHandler(rt: Runtime) {
  /** One call through the guard chain (src/guards/chain.ts) to its service. */
  async function call(params: Params, request: LegacyRequest, ip: string | null): Promise<Outcome> {
    let app: App | null = null;
    let member: Member | null = null;
    try {
      const name = serviceName(request.pathname, params);
      if (!name) throw refuse('PARAM_MISSING', { name: 's' });
      const service = findService(name);
      if (!service) throw refuse('SERVICE_UNKNOWN', { service: name });
      // Every parameter rule before any lookup, as the platform checks them.
      const caller = rt.guards.rules({ appKey: params.get('app_key'), uuid: params.get('uuid'), token: params.get('token') });
      const input = parseParams(service.params, params);
      const admitted = await rt.guards.admit(caller, {
        ip,
        verify: (a) => checkSign(a, params),
        replay: () => ({ name: '_time', time: params.get('_time'), signature: params.get('sign') ?? null }),
      });
      app = admitted.app;
      member = await rt.guards.enter(admitted, [service.name], service.session);
      const result = await service.run(rt.context(app, member), input, params);
      return { ret: 200, data: { err_code: 0, err_msg: '', ...result }, msg: acceptedMessage(service.name), app, member, service: service.name };
    } catch (err) {
      if (err instanceof BusinessError) {
        return { ret: 200, data: { err_code: err.code, err_msg: err.message }, msg: err.message, app, member };
      }
      const refused = refusalOf(err);
      if (refused) return { ret: refused.ret, data: {}, msg: refused.message, app, member };
      const errorId = randomUUID();
      rt.log.error({ err, errorId, service: params.get('s') ?? params.get('service') }, 'legacy call failed');
      return { ret: 500, data: {}, msg: serverFaultMessage(errorId), app, member };
    }
  }

  return async function legacy(request: LegacyRequest, note: AccessNote = newNote()): Promise<LegacyAnswer> {
    let query: Params = new Map();
    let badQuery: ProtocolError | null = null;
    try {
      query = parseUrlEncoded(request.query);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      badQuery = err;
    }
    const cors = query.get('yesapi_allow_origin') === '1' ? corsHeaders(request.header('origin')) : null;
    if (request.method === 'OPTIONS') return { status: 204, headers: cors ?? {}, body: null };
    if (request.method !== 'GET' && request.method !== 'POST' && request.method !== 'HEAD') {
      return { status: 405, headers: { allow: 'GET, POST, OPTIONS', ...cors }, body: null };
    }

    let outcome: Outcome;
    let params: Params = query;
    const ip = rt.guards.clientIp(request.remoteAddress, request.header('x-forwarded-for'));
    if (ip !== null) note.ip = ip;
    try {
      if (badQuery) throw badQuery;
      params = await readParams(request, query, rt.config.bodyLimit);
      outcome = await call(params, request, ip);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      outcome = { ret: err.ret, data: {}, msg: err.message, app: null, member: null };
    }
    note.service = outcome.service ?? serviceName(request.pathname, params);
    note.ret = outcome.ret;
    if (typeof outcome.data.err_code === 'number') note.errCode = outcome.data.err_code;
    if (outcome.app) note.app = outcome.app.appKey;
    if (outcome.member) note.member = outcome.member.uuid;
    const allowOrigin = params.get('yesapi_allow_origin') === '1' ? corsHeaders(request.header('origin')) : cors;
    // Without CORS, the one content type every answer shares.
    const headers = allowOrigin ? { ...JSON_TYPE, ...allowOrigin } : JSON_TYPE;
    const accepted = outcome.ret === 200;
    // `_auth` vouches only for accepted calls: a refusal is not signed with the app's secret.
    const secret = accepted && outcome.app?.authEnabled ? outcome.app.appSecret : null;
    // Protocol failures keep the full envelope even with return_data=1, so the `ret` is never lost.
    const dataOnly = params.get('return_data') === '1' && accepted;
    const body = envelopeBody({ ret: outcome.ret, data: outcome.data, msg: outcome.msg, secret, dataOnly });
    return { status: 200, headers, body };
  };
}

/** The answer of the legacy face to a fault that escaped every other handler (already logged under `errorId`). */
export function legacyFault(errorId: string): LegacyAnswer {
  return { status: 200, headers: JSON_TYPE, body: envelopeBody({ ret: 500, data: {}, msg: serverFaultMessage(errorId), secret: null, dataOnly: false }) };
}

/**
 * The guard chain: every check a call passes before its operation runs, in one order for both
 * faces, cheapest first (docs/PROTOCOL.md §1.6 and §9):
 *
 *   1. rules    the caller's own parameters (app_key, uuid, token): 400, no lookup;
 *               the face then checks the service's parameters (400);
 *   2. admit    once per request: IP deny (402) and allow (403) lists, app known (406), not
 *               disabled (408), not expired (407), from the cached app; the face's signature
 *               (409); the replay window (409);
 *   3. enter    once per call (a legacy call, or each operation of a GraphQL request): services
 *               switched off (415), the request rate (414), the monthly quota (413), then the
 *               member session (400/401), the only step that may ask the database.
 *
 * A blocked address, an unknown key (once cached) or a disabled app therefore costs no database
 * work and no signature check; a rate-limited call costs no quota and no session lookup.
 */
import { ProtocolError, refuse } from '../errors.js';
import { int, readParam } from '../operations/input.js';
import type { App } from '../records/apps.js';
import type { Member } from '../records/sessions.js';
import { appKeyOf, type AppGuard, type GuardedApp } from './app.js';
import type { Counters } from './counters.js';
import { clientIp, type IpList } from './ip.js';
import { sessionOf, type MemberGuard, type SessionKey } from './member.js';

/** A signed request time: unix seconds. */
const REQUEST_TIME = int({ min: 0 });
/** A quota count lives a little longer than the longest month. */
const QUOTA_TTL_SECONDS = 32 * 86_400;

/** The caller's own parameters, as sent. */
export interface CallerParams {
  readonly appKey: string | null | undefined;
  readonly uuid: string | null | undefined;
  readonly token: string | null | undefined;
}

/** A caller whose parameters passed the rules. */
export interface Caller {
  readonly appKey: string;
  readonly params: CallerParams;
  /** The member session the caller presents; null for a guest. */
  readonly session: SessionKey | null;
}

/** What a face presents of a request for the app it names. */
export interface Presented {
  /** The client address (GuardChain.clientIp), null when unknown. */
  readonly ip: string | null;
  /** The face's signature check for the app; throws the 409. */
  verify(app: App): void;
  /**
   * The request's signed time and its signature, read only when the app has a replay window:
   * `name` is how the face spells the time in messages (`_time`).
   */
  replay(): { readonly name: string; readonly time: string | undefined; readonly signature: string | null };
}

/** A request the app guards admitted. */
export interface Admitted {
  readonly app: App;
  readonly ip: string | null;
  readonly caller: Caller;
  readonly guarded: GuardedApp;
}

/**
 * One call: the service each of its parts is (a legacy call has one; a GraphQL operation one per
 * root field, null for a field that is no service, such as `me`).
 */
export type Calls = readonly (string | null)[];

/** `YYYY-MM` of a time, UTC: the quota's month. */
function month(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

export class GuardChain {
  private readonly members = new WeakMap<Admitted, Promise<Member | null>>();

  constructor(
    private readonly apps: AppGuard,
    private readonly memberGuard: MemberGuard,
    private readonly counters: Counters,
    /** Proxies whose X-Forwarded-For is believed (YESGRAPH_TRUSTED_PROXIES). */
    private readonly trustedProxies: IpList | null,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The client address of a request from `remoteAddress` (the socket) and its X-Forwarded-For. */
  clientIp(remoteAddress: string | null | undefined, forwardedFor: string | null | undefined): string | null {
    return clientIp(remoteAddress, forwardedFor, this.trustedProxies);
  }

  /** Step 1: the caller's own parameters, before any lookup (400). */
  rules(params: CallerParams): Caller {
    const appKey = appKeyOf(params.appKey);
    return { appKey, params, session: sessionOf(params.uuid, params.token) };
  }

  /** Step 2: IP lists, app, signature, replay window. */
  async admit(caller: Caller, presented: Presented): Promise<Admitted> {
    const guarded = await this.apps.check(caller.appKey, presented.ip);
    const { app } = guarded;
    presented.verify(app);
    const window = app.settings.replayWindow;
    if (window !== null) await this.replayWindow(app, window, presented.replay());
    return { app, ip: presented.ip, caller, guarded };
  }

  /**
   * The replay window: the signed time within ±window seconds of the server's clock, and each
   * dynamic signature accepted once while its time is in the window. Static and unsigned apps
   * have no per-request signature, so only their time is checked.
   */
  private async replayWindow(app: App, window: number, signed: ReturnType<Presented['replay']>): Promise<void> {
    const time = readParam(REQUEST_TIME, signed.time, signed.name);
    const now = Math.floor(this.clock() / 1000);
    if (Math.abs(now - time) > window) throw refuse('REQUEST_TIME_OFF', { name: signed.name, window });
    if (app.signMode !== 'dynamic' || !signed.signature) return;
    const ttl = time + window - now + 1;
    if (!(await this.counters.once(`once:${app.appKey}:${signed.signature.toUpperCase()}`, ttl))) throw refuse('REQUEST_REPLAYED', { window });
  }

  /**
   * Step 3, for each call: services switched off, rate, quota (the call's services' costs), then
   * the member session. `lenient`: a member whose session is dead calls as a guest.
   */
  async enter(admitted: Admitted, calls: Calls, session: 'strict' | 'lenient' = 'strict'): Promise<Member | null> {
    const { app, guarded } = admitted;
    for (const service of calls) if (service && guarded.servicesOff.has(service.toLowerCase())) throw refuse('SERVICE_OFF');
    const { rate, quota, costs } = app.settings;
    if (rate && !(await this.counters.take(`rate:${app.appKey}`, rate.limit, rate.seconds))) throw refuse('RATE_LIMITED');
    if (quota !== null) {
      // Stryker disable next-line ConditionalExpression: costs[null] reads costs['null'], which no service is named
      const cost = calls.reduce((sum, service) => sum + ((service === null ? undefined : costs[service]) ?? 1), 0);
      if (cost > 0 && !(await this.counters.spend(`quota:${app.appKey}:${month(this.clock())}`, cost, quota, QUOTA_TTL_SECONDS))) {
        throw refuse('QUOTA_EXCEEDED');
      }
    }
    // A guest has no session to look up: answered at once, without a promise to adopt (0.7 µs of a 6 µs legacy Hello, in-process).
    if (!admitted.caller.session) return null;
    let member = this.members.get(admitted);
    if (!member) {
      member = this.memberGuard.check(app, admitted.caller.session);
      this.members.set(admitted, member);
    }
    if (session === 'strict') return member;
    return member.catch((err: unknown) => {
      if (err instanceof ProtocolError && err.ret === 401) return null;
      throw err;
    });
  }
}

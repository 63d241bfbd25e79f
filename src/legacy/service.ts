/**
 * A legacy service: its name, a summary, its parameter rules (declared once, producing the
 * platform's 400 messages) and the operation it calls. The face adds `err_code: 0, err_msg: ''`
 * in front of what `run` returns; a thrown BusinessError becomes `err_code`/`err_msg` with
 * `ret=200`. Summary and rules are also the source of docs/SERVICES.md.
 */
import type { OperationContext } from '../operations/context.js';
import type { Params } from './params.js';
import type { ParamsOf, Rules } from './rules.js';

export interface Service<R extends Rules = Rules> {
  /** `App.Hello.World` */
  readonly name: string;
  readonly summary: string;
  readonly params: R;
  /** `lenient`: a member whose session is not live calls as a guest instead of getting a 401. */
  readonly session?: 'strict' | 'lenient';
  run(ctx: OperationContext, params: ParamsOf<R>, raw: Params): Promise<Record<string, unknown>>;
}

export function defineService<R extends Rules>(service: Service<R>): Service {
  return service as unknown as Service;
}

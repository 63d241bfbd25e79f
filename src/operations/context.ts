/**
 * What an operation receives besides its input: the calling app and member, the stores, a
 * logger, and per-request DataLoaders. Operations never see HTTP; both faces build this.
 */
import type DataLoader from 'dataloader';
import type { DatabaseRegistry } from '../db/registry.js';
import type { Store } from '../db/store.js';
import type { Logger } from '../logger.js';
import type { App } from '../records/apps.js';
import type { Member } from '../records/sessions.js';
import type { TaskChanges } from './tasks/changes.js';

export type { Member };

export interface OperationContext {
  readonly app: App;
  /** The signed-in member of the app, when the caller sent a valid uuid + token. */
  readonly member: Member | null;
  readonly main: Store;
  readonly databases: DatabaseRegistry;
  readonly log: Logger;
  /** Word of task moves, for progress streams (src/operations/tasks/changes.ts). */
  readonly taskChanges: TaskChanges;
  /** The request's DataLoader named `key`, created on first use (loaders never outlive a request). */
  loader<K, V, C = K>(key: string, create: () => DataLoader<K, V, C>): DataLoader<K, V, C>;
}

/** A fresh per-request loader memo for an OperationContext. */
export function loaderMemo(): OperationContext['loader'] {
  // Made on first use: most calls use no loader.
  let loaders: Map<string, unknown> | undefined;
  return <K, V, C = K>(key: string, create: () => DataLoader<K, V, C>) => {
    loaders ??= new Map();
    let l = loaders.get(key) as DataLoader<K, V, C> | undefined;
    if (!l) {
      l = create();
      loaders.set(key, l);
    }
    return l;
  };
}

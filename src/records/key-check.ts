/**
 * Whether a YESGRAPH_SECRET_KEY opens what a main store already holds: its key check (the
 * instance token sealed at the first start), the newest sealed app secret and every sealed
 * database URL. A writer holding another key (a CLI run without the
 * server's key) would seal secrets the server cannot open, so it must stop before writing.
 * Works on a store not migrated yet (nothing is held there).
 */
import type { SecretBox } from '../crypto.js';
import { sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

export class SecretKeyMismatchError extends Error {
  constructor() {
    super(
      'YESGRAPH_SECRET_KEY does not open the secrets this main store holds (they were sealed under another key): ' +
        'run with the YESGRAPH_SECRET_KEY the server uses',
    );
  }
}

/** A registration sealed under another key: every call on its db_mark fails until it is added again. */
export interface UnreadableDatabase {
  readonly appKey: string;
  readonly dbMark: string;
}

function opens(box: SecretBox, sealed: string): boolean {
  try {
    box.open(sealed);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws SecretKeyMismatchError when the key opens none of what the store holds sealed;
 * otherwise answers the registrations it cannot open (sealed under another key by mistake).
 */
export async function checkSecretKey(main: Store, box: SecretBox): Promise<UnreadableDatabase[]> {
  let held = 0;
  let opened = 0;
  if (await main.columns('yg_instance')) {
    const [instance] = await main.query<{ token: string; key_check: string | null }>(sql`SELECT token, key_check FROM yg_instance WHERE id = 1`);
    if (instance?.key_check) {
      if (!opens(box, instance.key_check)) throw new SecretKeyMismatchError();
      held++;
      opened++;
    }
  }
  if (await main.columns('yg_app')) {
    const [app] = await main.query<{ app_secret: string }>(sql`SELECT app_secret FROM yg_app ORDER BY id DESC LIMIT 1`);
    // Secrets of versions before sealing are plain text until the next start seals them.
    if (app && box.isSealed(app.app_secret)) {
      held++;
      if (opens(box, app.app_secret)) opened++;
    }
  }
  const unreadable: UnreadableDatabase[] = [];
  if (await main.columns('yg_database')) {
    const rows = await main.query<{ app_key: string; db_mark: string; url_sealed: string }>(
      sql`SELECT a.app_key, d.db_mark, d.url_sealed FROM yg_database d JOIN yg_app a ON a.id = d.app_id ORDER BY d.id`,
    );
    for (const r of rows) {
      held++;
      if (opens(box, r.url_sealed)) opened++;
      else unreadable.push({ appKey: r.app_key, dbMark: r.db_mark });
    }
  }
  if (held > 0 && opened === 0) throw new SecretKeyMismatchError();
  return unreadable;
}

/**
 * Seals the store's instance token as its key check, once: from then on any process holding
 * another key is refused by checkSecretKey, even while the store holds no other secret.
 */
export async function recordSecretKey(main: Store, box: SecretBox): Promise<void> {
  const [instance] = await main.query<{ token: string; key_check: string | null }>(sql`SELECT token, key_check FROM yg_instance WHERE id = 1`);
  if (instance && !instance.key_check) {
    await main.execute(sql`UPDATE yg_instance SET key_check = ${box.seal(instance.token)} WHERE id = 1 AND key_check IS NULL`);
  }
}

/**
 * The task cleaner on each main store: export files whose links have all expired, part files of
 * tasks that no longer wait or run, and ended tasks older than YESGRAPH_TASK_DAYS are deleted;
 * everything a task or a live link still needs is kept.
 */
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlDateTime } from '../../src/db/datetime.js';
import { migrate } from '../../src/db/migrate.js';
import { sql } from '../../src/db/sql.js';
import { silentLogger } from '../../src/logger.js';
import { SecretBox } from '../../src/crypto.js';
import { AppRecords } from '../../src/records/apps.js';
import { TaskRecords } from '../../src/records/tasks.js';
import { TaskCleaner } from '../../src/tasks/cleaner.js';
import { storeKinds, useStore } from '../support/stores.js';

const kinds = await storeKinds();
const DAY = 86_400_000;

describe.each(kinds)('the task cleaner on %s', (kind) => {
  const db = useStore(kind);
  let appId = 0;
  beforeAll(async () => {
    await migrate(db.store);
    appId = (await new AppRecords(db.store, new SecretBox('cleaner-test-secret-key-01')).create({ name: 'clean' })).id;
  });

  it('deletes expired files, orphaned parts and old ended tasks, and keeps the rest', async () => {
    const records = new TaskRecords(db.store);
    const task = async (status: string, endedDaysAgo: number | null) => {
      const t = await records.create({ appId, ownerUuid: '', kind: 'table_export', params: {} });
      const finished = endedDaysAgo === null ? null : sqlDateTime(new Date(Date.now() - endedDaysAgo * DAY));
      await db.store.execute(sql`UPDATE yg_task SET status = ${status}, finished_at = ${finished} WHERE id = ${t.id}`);
      return t.id;
    };
    const oldDone = await task('succeeded', 10);
    const oldFailed = await task('failed', 8);
    const oldCancelled = await task('cancelled', 30);
    const recentDone = await task('succeeded', 1);
    const queued = await task('queued', null);
    const running = await task('running', null);

    const dir = mkdtempSync(join(tmpdir(), 'yesgraph-clean-'));
    const file = (name: string, ageMs: number) => {
      writeFileSync(join(dir, name), 'x');
      const at = new Date(Date.now() - ageMs);
      utimesSync(join(dir, name), at, at);
    };
    const linkMs = 3600 * 1000;
    file(`${recentDone}.csv`, linkMs + 120_000); // every link expired
    file(`${oldDone}.jsonl`, 10 * DAY); // expired, and its task goes too
    file(`${queued}.csv`, linkMs - 120_000); // a link may still be live
    file(`${queued}.1.part`, DAY); // its task waits to resume from it
    file(`${running}.2.part`, DAY); // its run writes it (a slow chunk)
    file(`${oldFailed}.3.part`, DAY); // its task ended: nothing resumes from it
    file(`${'f'.repeat(32)}.1.part`, DAY); // no such task
    file(`${oldCancelled}.1.part`, 1000); // written within a lease: left for the next round
    file('notes.txt', 10 * DAY); // not the cleaner's

    const cleaner = new TaskCleaner(records, { taskDir: dir, exportLinkSeconds: 3600, taskLeaseSeconds: 30, taskDays: 7 }, silentLogger, { firstMs: 3_600_000 });
    try {
      expect(await cleaner.clean()).toEqual({ files: 2, parts: 2, tasks: 3 });
      expect(readdirSync(dir).sort()).toEqual([`${oldCancelled}.1.part`, `${queued}.1.part`, `${queued}.csv`, `${running}.2.part`, 'notes.txt'].sort());
      for (const gone of [oldDone, oldFailed, oldCancelled]) expect(await records.find(gone)).toBeNull();
      for (const kept of [recentDone, queued, running]) expect(await records.find(kept)).not.toBeNull();
      // A second round finds nothing more to do.
      expect(await cleaner.clean()).toEqual({ files: 0, parts: 0, tasks: 0 });
    } finally {
      await cleaner.close();
    }
  });

  it('keeps ended tasks for ever with YESGRAPH_TASK_DAYS=0, and a missing task directory is no error', async () => {
    const records = new TaskRecords(db.store);
    const t = await records.create({ appId, ownerUuid: '', kind: 'table_export', params: {} });
    await db.store.execute(sql`UPDATE yg_task SET status = 'succeeded', finished_at = ${sqlDateTime(new Date(Date.now() - 400 * DAY))} WHERE id = ${t.id}`);
    const cleaner = new TaskCleaner(records, { taskDir: join(tmpdir(), 'yesgraph-no-such-dir'), exportLinkSeconds: 3600, taskLeaseSeconds: 30, taskDays: 0 }, silentLogger, { firstMs: 3_600_000 });
    try {
      expect(await cleaner.clean()).toEqual({ files: 0, parts: 0, tasks: 0 });
      expect(await records.find(t.id)).not.toBeNull();
    } finally {
      await cleaner.close();
    }
  });
});

/**
 * Trusted GraphQL documents per app (`yg_trusted_document`, migration 010): the operations an
 * app's own client published, keyed by the id its codegen gave each (the client preset's
 * `persisted-documents.json`, `{id: document}`). `yesgraph app trust` replaces an app's set;
 * the GraphQL face runs only these for an app that has any (src/graphql/hardening-trusted.ts).
 */
import { join, sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

/** A document id as codegen writes them (a hex sha1/sha256, maybe `sha256:`-prefixed). */
export const DOCUMENT_ID = /^[A-Za-z0-9_:.-]{1,128}$/;

export class TrustedDocumentRecords {
  constructor(private readonly main: Store) {}

  /** The app's documents by id, or null when it has none (it is then not limited). */
  async of(appId: number): Promise<ReadonlyMap<string, string> | null> {
    const rows = await this.main.query<{ hash: string; document: string }>(sql`SELECT hash, document FROM yg_trusted_document WHERE app_id = ${appId}`);
    return rows.length ? new Map(rows.map((r) => [r.hash, r.document])) : null;
  }

  /** Makes `documents` the app's whole set, in one transaction; answers how many it now has. */
  async replace(appId: number, documents: ReadonlyMap<string, string>): Promise<number> {
    for (const id of documents.keys()) if (!DOCUMENT_ID.test(id)) throw new Error(`not a document id: ${JSON.stringify(id.slice(0, 140))}`);
    const entries = [...documents];
    // Documents are a few KB each: 100 per INSERT keeps a statement far below MySQL's packet limit.
    const perStatement = 100;
    await this.main.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM yg_trusted_document WHERE app_id = ${appId}`);
      for (let i = 0; i < entries.length; i += perStatement) {
        const rows = entries.slice(i, i + perStatement).map(([id, document]) => sql`(${appId}, ${id}, ${document})`);
        await tx.execute(sql`INSERT INTO yg_trusted_document (app_id, hash, document) VALUES ${join(rows)}`);
      }
    });
    return entries.length;
  }

  /** Removes the app's documents (it is no longer limited); answers how many there were. */
  async clear(appId: number): Promise<number> {
    return (await this.main.execute(sql`DELETE FROM yg_trusted_document WHERE app_id = ${appId}`)).affectedRows;
  }

  /** The ids of the app's documents, sorted. */
  async ids(appId: number): Promise<string[]> {
    const rows = await this.main.query<{ hash: string }>(sql`SELECT hash FROM yg_trusted_document WHERE app_id = ${appId} ORDER BY hash`);
    return rows.map((r) => r.hash);
  }
}

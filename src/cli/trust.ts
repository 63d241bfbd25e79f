/**
 * `yesgraph app trust`: the GraphQL documents an app may run (trusted documents), loaded from
 * the `persisted-documents.json` its client's codegen writes (`{"<id>": "<document>"}`, the
 * client preset with `persistedDocuments`). Once an app has any, its GraphQL calls run only these,
 * by id (src/graphql/hardening-trusted.ts); `--clear` lifts the limit.
 */
import { readFileSync } from 'node:fs';
import { DOCUMENT_ID, TrustedDocumentRecords } from '../records/trusted-documents.js';
import { defineCommand, UsageError } from './command.js';
import { out } from './output.js';
import { findApp, withStore } from './store.js';

/** The file's documents, each parsed and validated against the schema; throws naming the first bad one. */
async function readDocuments(file: string): Promise<Map<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${file} must hold one JSON object: {"<document id>": "<document>", …}`);
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (!entries.length) throw new UsageError(`${file} holds no document (yesgraph app trust KEY --clear removes an app's documents)`);
  // Loaded here, not for --help: the schema builds every type.
  const [{ parse, validate }, { getSchema }] = await Promise.all([import('graphql'), import('../graphql/schema.js')]);
  const schema = getSchema();
  const documents = new Map<string, string>();
  for (const [id, document] of entries) {
    if (!DOCUMENT_ID.test(id)) throw new UsageError(`${JSON.stringify(id.slice(0, 140))} is not a document id (1–128 letters, digits, _ : . -)`);
    if (typeof document !== 'string') throw new UsageError(`document ${id} is not a string`);
    let problem: string | undefined;
    try {
      problem = validate(schema, parse(document))[0]?.message;
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem) throw new UsageError(`document ${id} does not run on this schema: ${problem}`);
    documents.set(id, document);
  }
  return documents;
}

export const trustCommand = defineCommand({
  name: 'app trust',
  args: '<app_key> [file]',
  summary: "limit an app's GraphQL calls to the documents its client published (codegen's persisted-documents.json); --clear lifts it",
  details:
    "The file replaces the app's whole set; every document must be valid on this schema. Clients then send " +
    '{"documentId": "<id>", "variables": …} (or extensions.persistedQuery.sha256Hash); any other document is refused. ' +
    'Without a file, lists the ids the app has. Servers apply a change within seconds.',
  options: {
    clear: { type: 'boolean', description: "remove the app's trusted documents: it may run any operation again" },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run(values, [appKey, file]) {
    if (values.clear && file) throw new UsageError('give a file or --clear, not both');
    const documents = file ? await readDocuments(file) : null;
    const result = await withStore(async (rt) => {
      const app = await findApp(rt, appKey!);
      const records = new TrustedDocumentRecords(rt.main);
      if (values.clear) return { app_key: app.appKey, removed: await records.clear(app.id) };
      if (documents) return { app_key: app.appKey, trusted: await records.replace(app.id, documents) };
      return { app_key: app.appKey, ids: await records.ids(app.id) };
    });
    if (values.json) out(JSON.stringify(result));
    else if ('removed' in result) out(`removed ${result.removed} trusted documents of app ${result.app_key}: it may run any GraphQL operation`);
    else if ('trusted' in result) out(`trusted ${result.trusted} documents for app ${result.app_key}: its GraphQL calls run only these, by id`);
    else if (result.ids.length) result.ids.forEach((id) => out(id));
    else out(`app ${result.app_key} has no trusted documents: it may run any GraphQL operation`);
    return 0;
  },
});

/**
 * Trusted documents per app. An app with documents loaded by `yesgraph app trust` runs only
 * those on the GraphQL face: the client sends a document's id, as the codegen client preset's
 * persisted documents do, either `{"documentId": "<id>", "variables": …}` or
 * `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<id>"}}, …}`, and the server
 * runs the text it holds under that id. Any document sent as text, a listed one included, is
 * refused for such an app (GRAPHQL_DOCUMENT_NOT_TRUSTED): the list is of ids, and the server
 * never hashes request bodies to match them. An app without documents is not limited, and an id
 * is refused for it (it has nothing to run under an id).
 *
 * Not @graphql-yoga/plugin-persisted-operations: its refusals are thrown from `onParams`, which
 * the fast path (src/graphql/fast-path.ts) would answer as a server fault, and its
 * `allowArbitraryOperations` sees the request only, not the caller's app. Refusals here are
 * results (`setResult`), with `code` and `ret` like every other.
 */
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { refuse, type ProtocolError } from '../errors.js';
import type { AccessNote } from '../http/access-log.js';
import type { App } from '../records/apps.js';
import { TrustedDocumentRecords } from '../records/trusted-documents.js';
import type { Runtime } from '../runtime.js';
import type { GraphQLContext } from './context.js';
import { protocolGraphQLError } from './guard.js';

interface GuardedContext {
  readonly note?: AccessNote;
  readonly guard?: GraphQLContext['guard'];
}

type Documents = ReadonlyMap<string, string> | null;

/** An app's documents as cached: the read, and once it has answered, what it read. */
interface Cached {
  readonly at: number;
  readonly app: App;
  readonly documents: Promise<Documents>;
  read: Documents | undefined;
}

/** Re-read an app's documents when the guard re-read the app, or after this long whatever happens. */
const FRESH_MS = 5_000;
const MAX_MS = 60_000;
const MAX_CACHED = 10_000;

/**
 * The apps' documents, cached per app: an app without any costs no statement beyond the app's
 * own lookup, since the list is read again only along with a newly read App (or after MAX_MS).
 */
export class TrustedDocuments {
  private readonly cache = new Map<number, Cached>();

  constructor(private readonly records: TrustedDocumentRecords) {}

  of(app: App): Promise<Documents> {
    const hit = this.fresh(app);
    if (hit) return hit.documents;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const documents = this.records.of(app.id);
    const entry: Cached = { at: Date.now(), app, documents, read: undefined };
    this.cache.set(app.id, entry);
    documents.then(
      (read) => void (entry.read = read),
      () => this.cache.delete(app.id),
    );
    return documents;
  }

  /**
   * The app's documents when `of` would answer them from a read already done, without a promise
   * to wait for (the prepared operations' path); undefined when `of` must be awaited.
   */
  known(app: App): Documents | undefined {
    return this.fresh(app)?.read;
  }

  private fresh(app: App): Cached | undefined {
    const hit = this.cache.get(app.id);
    const age = hit ? Date.now() - hit.at : Infinity;
    return hit && (age < FRESH_MS || (hit.app === app && age < MAX_MS)) ? hit : undefined;
  }
}

/** The document id a request names, if any. */
export function documentIdOf(params: GraphQLParams): string | null {
  const id = (params as GraphQLParams & { documentId?: unknown }).documentId;
  if (typeof id === 'string') return id;
  const pq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return pq?.version === 1 && typeof pq.sha256Hash === 'string' ? pq.sha256Hash : null;
}

/** The request parameter yoga must accept besides the standard ones. */
export const DOCUMENT_ID_PARAM = 'documentId';

/** The apps' documents of a runtime, shared by this plugin and prepared operations. */
export function trustedDocuments(rt: Runtime): TrustedDocuments {
  return new TrustedDocuments(new TrustedDocumentRecords(rt.main));
}

export function useTrustedDocuments(trusted: TrustedDocuments): Plugin<GraphQLContext, GuardedContext> {
  return {
    async onParams({ params, setParams, setResult, context }) {
      /**
       * Answers the refusal instead of running anything. An id-only request gets an empty query
       * too: yoga's own parameter check, which runs after this hook, wants one.
       */
      const refuseWith = (err: ProtocolError) => {
        if (params.query == null) setParams({ ...params, query: '' });
        setResult({ errors: [protocolGraphQLError(err)] });
      };
      const guard = context.guard;
      const id = params.query == null ? documentIdOf(params) : null;
      if (!guard) return;
      if ('error' in guard) {
        // A refused caller gets its refusal, not the document's (text is refused by the guard plugin).
        if (id !== null) refuseWith(guard.error);
        return;
      }
      const documents = await trusted.of('pending' in guard ? guard.pending.app : guard.op.app);
      if (params.query != null) {
        if (documents) refuseWith(refuse('GRAPHQL_DOCUMENT_NOT_TRUSTED'));
        return;
      }
      if (id === null) return; // no document at all: yoga answers it
      const document = documents?.get(id);
      if (document === undefined) return refuseWith(refuse('GRAPHQL_DOCUMENT_NOT_TRUSTED'));
      setParams({ query: document, operationName: params.operationName, variables: params.variables, extensions: params.extensions });
    },
  };
}

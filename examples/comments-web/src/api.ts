/**
 * Talking to yesgraph's GraphQL API from a browser. The page presents its app with `x-app-key`
 * only: a browser cannot keep a secret, so the app is one whose signature is off, held to what
 * the operator allows it (see README.md, "Example frontend"). Above all it runs only the
 * documents this build published: each request names its document by the id codegen gave it
 * (`documentId`, listed in ./gql/persisted-documents.json, which the operator loads with
 * `yesgraph app trust`), never by its text. The app key and the endpoint come from config.json,
 * which yesgraph serves next to the page.
 */
import type { TypedDocumentString } from './gql/graphql';

export interface SiteConfig {
  readonly appKey: string;
  readonly endpoint: string;
}

export async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch('./config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as SiteConfig;
}

interface GraphQLResponse<R> {
  data?: R | null;
  errors?: ReadonlyArray<{ message: string }>;
}

export type Execute = <R, V>(document: TypedDocumentString<R, V>, variables: V) => Promise<R>;

/** Runs typed documents against the API, by id; a refusal or a GraphQL error is thrown with its message. */
export function client(config: SiteConfig): Execute {
  return async (document, variables) => {
    const documentId = document.__meta__?.['hash'] as string | undefined;
    if (!documentId) throw new Error('a document without its id: run npm run codegen');
    const response = await fetch(config.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        'x-app-key': config.appKey,
      },
      body: JSON.stringify({ documentId, variables }),
    });
    let result: GraphQLResponse<never>;
    try {
      result = (await response.json()) as GraphQLResponse<never>;
    } catch {
      throw new Error(`HTTP ${response.status}`);
    }
    if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    if (!result.data) throw new Error(`HTTP ${response.status}`);
    return result.data;
  };
}

/** A POST to the GraphQL endpoint and its answer, as the server hands them around whatever received them. */

/** The headers of a request, however the server received it. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A POST to the GraphQL endpoint, however the server received it. */
export interface GraphQLPost {
  /** The request URL (absolute). */
  readonly url: string;
  readonly headers: HeaderReader;
  /** The connection's peer address (the guards' client IP comes from it); undefined when unknown. */
  readonly remoteAddress?: string;
  /** Every header as a Fetch `Headers`, built on demand (for yoga's HTTP layer or a plugin). */
  fetchHeaders(): Headers;
}

/** An answer ready to write: status, headers and the body text. */
export interface GraphQLAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Whether a GraphQL outcome is an answer of the fast path rather than yoga's `Response` (which
 * may be the fetch ponyfill's class, not the global one: `instanceof` cannot tell them apart).
 */
export function isAnswer(outcome: GraphQLAnswer | Response): outcome is GraphQLAnswer {
  return typeof outcome.body === 'string';
}

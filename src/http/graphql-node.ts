/**
 * A GraphQL POST straight from node:http: the URL and headers read from the IncomingMessage, the
 * Fetch `Headers` built only when yoga's HTTP layer or a plugin needs them.
 */
import type { IncomingMessage } from 'node:http';
import type { GraphQLPost } from '../graphql/post.js';
import { headersOf, requestUrl } from './bridge.js';

export function graphqlPostFromNode(req: IncomingMessage): GraphQLPost {
  return {
    url: requestUrl(req),
    remoteAddress: req.socket.remoteAddress,
    headers: {
      get(name) {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    fetchHeaders: () => headersOf(req.rawHeaders),
  };
}

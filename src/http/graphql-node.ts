/**
 * A GraphQL POST straight from node:http: the URL and headers read from the IncomingMessage, the
 * Fetch `Headers` built only when yoga's HTTP layer or a plugin needs them.
 */
import type { IncomingMessage } from 'node:http';
import type { GraphQLPost } from '../graphql/post.js';
import { requestUrl } from './bridge.js';

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
    fetchHeaders() {
      const headers = new Headers();
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      return headers;
    },
  };
}

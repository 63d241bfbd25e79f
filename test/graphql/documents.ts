/** Typed documents used by the GraphQL tests (compiled by `npm run codegen`). */
import { graphql } from '../generated/index.js';

export const HelloDocument = graphql(`
  query Hello($name: String) {
    hello(name: $name)
  }
`);

export const LoginDocument = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      __typename
      ... on MutationLoginSuccess {
        data {
          uuid
          token
          role
        }
      }
      ... on BusinessError {
        errCode
        message
      }
    }
  }
`);

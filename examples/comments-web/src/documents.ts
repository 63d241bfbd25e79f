/**
 * The page's GraphQL documents: the only operations it runs. `npm run codegen` types them into
 * ./gql/ and publishes them, by id, in ./gql/persisted-documents.json: the file the operator
 * gives `yesgraph app trust`, after which the app may run these and nothing else.
 */
import { graphql } from './gql';

export const CommentFields = graphql(`
  fragment CommentFields on Comment {
    id
    nickname
    content
    postTime
    level
  }
`);

/** A page of top-level comments under a key, newest first, with replies down to the third level. */
export const ThreadQuery = graphql(`
  query Thread($key: String!, $page: Int!, $perpage: Int!) {
    messages(key: $key, order: NEWEST_FIRST, page: $page, perpage: $perpage) {
      total
      items {
        ...CommentFields
        children {
          ...CommentFields
          children {
            ...CommentFields
          }
        }
      }
    }
  }
`);

/** A comment (parentId 0) or a reply to a comment of the first two levels. */
export const PostCommentMutation = graphql(`
  mutation PostComment($key: String!, $nickname: String!, $content: String!, $parentId: Int!) {
    postMessage(key: $key, nickname: $nickname, content: $content, parentId: $parentId) {
      __typename
      ... on MutationPostMessageSuccess {
        data {
          id
          level
        }
      }
      ... on BusinessError {
        errCode
        message
      }
    }
  }
`);

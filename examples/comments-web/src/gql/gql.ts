/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment CommentFields on Comment {\n    id\n    nickname\n    content\n    postTime\n    level\n  }\n": typeof types.CommentFieldsFragmentDoc,
    "\n  query Thread($key: String!, $page: Int!, $perpage: Int!) {\n    messages(key: $key, order: NEWEST_FIRST, page: $page, perpage: $perpage) {\n      total\n      items {\n        ...CommentFields\n        children {\n          ...CommentFields\n          children {\n            ...CommentFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.ThreadDocument,
    "\n  mutation PostComment($key: String!, $nickname: String!, $content: String!, $parentId: Int!) {\n    postMessage(key: $key, nickname: $nickname, content: $content, parentId: $parentId) {\n      __typename\n      ... on MutationPostMessageSuccess {\n        data {\n          id\n          level\n        }\n      }\n      ... on BusinessError {\n        errCode\n        message\n      }\n    }\n  }\n": typeof types.PostCommentDocument,
};
const documents: Documents = {
    "\n  fragment CommentFields on Comment {\n    id\n    nickname\n    content\n    postTime\n    level\n  }\n": types.CommentFieldsFragmentDoc,
    "\n  query Thread($key: String!, $page: Int!, $perpage: Int!) {\n    messages(key: $key, order: NEWEST_FIRST, page: $page, perpage: $perpage) {\n      total\n      items {\n        ...CommentFields\n        children {\n          ...CommentFields\n          children {\n            ...CommentFields\n          }\n        }\n      }\n    }\n  }\n": types.ThreadDocument,
    "\n  mutation PostComment($key: String!, $nickname: String!, $content: String!, $parentId: Int!) {\n    postMessage(key: $key, nickname: $nickname, content: $content, parentId: $parentId) {\n      __typename\n      ... on MutationPostMessageSuccess {\n        data {\n          id\n          level\n        }\n      }\n      ... on BusinessError {\n        errCode\n        message\n      }\n    }\n  }\n": types.PostCommentDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CommentFields on Comment {\n    id\n    nickname\n    content\n    postTime\n    level\n  }\n"): typeof import('./graphql').CommentFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Thread($key: String!, $page: Int!, $perpage: Int!) {\n    messages(key: $key, order: NEWEST_FIRST, page: $page, perpage: $perpage) {\n      total\n      items {\n        ...CommentFields\n        children {\n          ...CommentFields\n          children {\n            ...CommentFields\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ThreadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PostComment($key: String!, $nickname: String!, $content: String!, $parentId: Int!) {\n    postMessage(key: $key, nickname: $nickname, content: $content, parentId: $parentId) {\n      __typename\n      ... on MutationPostMessageSuccess {\n        data {\n          id\n          level\n        }\n      }\n      ... on BusinessError {\n        errCode\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').PostCommentDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

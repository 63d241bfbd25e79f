/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type CommentFieldsFragment = { id: number, nickname: string, content: string, postTime: string, level: number };

export type ThreadQueryVariables = Exact<{
  key: string;
  page: number;
  perpage: number;
}>;


export type ThreadQuery = { messages: { total: number, items: Array<{ id: number, nickname: string, content: string, postTime: string, level: number, children: Array<{ id: number, nickname: string, content: string, postTime: string, level: number, children: Array<{ id: number, nickname: string, content: string, postTime: string, level: number }> }> }> } };

export type PostCommentMutationVariables = Exact<{
  key: string;
  nickname: string;
  content: string;
  parentId: number;
}>;


export type PostCommentMutation = { postMessage:
    | { __typename: 'BusinessError', errCode: number, message: string }
    | { __typename: 'MutationPostMessageSuccess', data: { id: number, level: number } }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const CommentFieldsFragmentDoc = new TypedDocumentString(`
    fragment CommentFields on Comment {
  id
  nickname
  content
  postTime
  level
}
    `, {"fragmentName":"CommentFields"}) as unknown as TypedDocumentString<CommentFieldsFragment, unknown>;
export const ThreadDocument = new TypedDocumentString(`
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
    fragment CommentFields on Comment {
  id
  nickname
  content
  postTime
  level
}`, {"hash":"sha256:a74a0de5638634ff28c32986748cca03c837e9c95243ad7ba9ffa2f539f55547"}) as unknown as TypedDocumentString<ThreadQuery, ThreadQueryVariables>;
export const PostCommentDocument = new TypedDocumentString(`
    mutation PostComment($key: String!, $nickname: String!, $content: String!, $parentId: Int!) {
  postMessage(
    key: $key
    nickname: $nickname
    content: $content
    parentId: $parentId
  ) {
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
    `, {"hash":"sha256:dcf825814c5c389c65df531a6f679f8dff283810528ec03a9f03ee6111404e02"}) as unknown as TypedDocumentString<PostCommentMutation, PostCommentMutationVariables>;
/**
 * A thread as nested lists: each comment an <li> with its replies in an <ol>, three levels deep.
 * Content is text: the API keeps HTML as data, and so does the page.
 */
import type { CommentFieldsFragment } from './gql/graphql';

/** A comment of any level as the Thread query answers it (level 3 has no `children`). */
export type CommentNode = CommentFieldsFragment & { children?: ReadonlyArray<CommentNode> };

/** Comments below this level take replies (the API nests three levels). */
export const MAX_LEVEL = 3;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderComment(comment: CommentNode, onReply: (comment: CommentNode, li: HTMLLIElement) => void): HTMLLIElement {
  const li = element('li', 'comment');
  li.dataset.id = String(comment.id);
  li.dataset.level = String(comment.level);
  const article = element('article', 'body');
  const meta = element('header', 'meta');
  meta.append(element('b', 'nickname', comment.nickname || 'guest'), ' ', element('time', 'time', `${comment.postTime} UTC`));
  article.append(meta, element('p', 'content', comment.content));
  if (comment.level < MAX_LEVEL) {
    const reply = element('button', 'reply', 'Reply');
    reply.type = 'button';
    reply.addEventListener('click', () => onReply(comment, li));
    article.append(reply);
  }
  li.append(article);
  const children = comment.children ?? [];
  if (children.length) {
    const replies = element('ol', 'replies');
    replies.append(...children.map((c) => renderComment(c, onReply)));
    li.append(replies);
  }
  return li;
}

/** A reply form under `li`, replacing any other open one. */
export function replyForm(li: HTMLLIElement, onSubmit: (content: string) => Promise<boolean>): void {
  document.querySelectorAll('form.reply-form').forEach((f) => f.remove());
  const form = element('form', 'reply-form');
  const text = element('textarea', 'reply-content');
  text.name = 'content';
  text.rows = 2;
  text.required = true;
  text.placeholder = 'Write a reply…';
  const send = element('button', 'send', 'Post reply');
  send.type = 'submit';
  form.append(text, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send.disabled = true;
    void onSubmit(text.value).then((ok) => {
      send.disabled = false;
      if (ok) form.remove();
    });
  });
  li.querySelector(':scope > article')!.after(form);
  text.focus();
}

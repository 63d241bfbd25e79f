/**
 * A comment thread for a message key: a page of top-level comments (newest first) with their
 * replies nested three levels, a form to post a comment, a reply form under each comment of the
 * first two levels, and paging. The thread and page are in the URL (?key=…&page=…).
 */
import { client, loadConfig, type Execute } from './api';
import { PostCommentMutation, ThreadQuery } from './documents';
import { renderComment, replyForm, type CommentNode } from './render';
import './style.css';

const PER_PAGE = 5;
const NICKNAME = 'comments-web.nickname';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const keyForm = $<HTMLFormElement>('key-form');
const postForm = $<HTMLFormElement>('post-form');
const status = $<HTMLParagraphElement>('status');
const summary = $<HTMLParagraphElement>('summary');
const thread = $<HTMLOListElement>('thread');
const newer = $<HTMLButtonElement>('newer');
const older = $<HTMLButtonElement>('older');
const pageOf = $<HTMLSpanElement>('page-of');
const field = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement;

const params = new URLSearchParams(location.search);
const state = { key: params.get('key') || 'welcome', page: Math.max(1, Number(params.get('page')) || 1), pages: 1 };

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function remember(): void {
  const url = new URL(location.href);
  url.searchParams.set('key', state.key);
  url.searchParams.set('page', String(state.page));
  history.replaceState(null, '', url);
}

async function start(execute: Execute): Promise<void> {
  async function load(): Promise<void> {
    remember();
    const { messages } = await execute(ThreadQuery, { key: state.key, page: state.page, perpage: PER_PAGE });
    state.pages = Math.max(1, Math.ceil(messages.total / PER_PAGE));
    summary.textContent = `${messages.total} comment${messages.total === 1 ? '' : 's'} on “${state.key}”`;
    thread.replaceChildren(...messages.items.map((c) => renderComment(c, reply)));
    pageOf.textContent = `Page ${state.page} of ${state.pages}`;
    newer.disabled = state.page <= 1;
    older.disabled = state.page >= state.pages;
  }

  async function post(content: string, parentId: number): Promise<boolean> {
    const nickname = field(postForm, 'nickname').value.trim();
    if (!nickname) {
      say('Give your name first.', true);
      field(postForm, 'nickname').focus();
      return false;
    }
    localStorage.setItem(NICKNAME, nickname);
    try {
      const { postMessage } = await execute(PostCommentMutation, { key: state.key, nickname, content, parentId });
      if (postMessage.__typename === 'BusinessError') {
        say(postMessage.message, true);
        return false;
      }
      say(parentId ? `Reply #${postMessage.data.id} posted.` : `Comment #${postMessage.data.id} posted.`);
      if (!parentId) state.page = 1;
      await load();
      return true;
    } catch (err) {
      say((err as Error).message, true);
      return false;
    }
  }

  function reply(comment: CommentNode, li: HTMLLIElement): void {
    replyForm(li, (content) => post(content, comment.id));
  }

  const run = (work: () => Promise<unknown>) => () =>
    void work().catch((err: Error) => say(err.message, true));

  field(keyForm, 'key').value = state.key;
  field(postForm, 'nickname').value = localStorage.getItem(NICKNAME) ?? '';
  keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    state.key = field(keyForm, 'key').value.trim();
    state.page = 1;
    say('');
    run(load)();
  });
  postForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const content = field(postForm, 'content');
    void post(content.value, 0).then((ok) => {
      if (ok) content.value = '';
    });
  });
  const turn = (by: number) =>
    run(async () => {
      state.page += by;
      await load();
    });
  newer.addEventListener('click', turn(-1));
  older.addEventListener('click', turn(1));
  await load();
}

loadConfig()
  .then((config) => start(client(config)))
  .catch((err: Error) => say(err.message, true));

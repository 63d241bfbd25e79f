/**
 * The nesting bound (MAX_JSON_DEPTH) on the JSON of a GraphQL request, in every form yoga reads
 * it: a JSON body, `variables`/`extensions` of a query string or urlencoded body, and the
 * fields of a multipart body (`operations`, `map`). Throws the same 400 as the legacy face.
 */
import { checkJsonDepth } from '../json.js';

const JSON_PARAMS = ['variables', 'extensions'];

function checkParams(params: URLSearchParams): void {
  for (const name of JSON_PARAMS) for (const value of params.getAll(name)) checkJsonDepth(value);
}

/**
 * `search` is the URL's query string as `URL.search` gives it, without its `?`; `body` the POST
 * body already read (null for other methods), `text` its UTF-8 text. Throws at once, except for a
 * multipart body, which must be parsed first: then it answers a promise, which rejects instead.
 */
export function checkGraphQLDepth(search: string, contentType: string, body: Uint8Array<ArrayBuffer> | null, text: string): Promise<void> | undefined {
  if (search) checkParams(new URLSearchParams(search));
  if (!body) return;
  const type = contentType.toLowerCase();
  if (type.includes('json')) checkJsonDepth(text);
  else if (type.startsWith('application/x-www-form-urlencoded')) checkParams(new URLSearchParams(text));
  else if (type.startsWith('multipart/form-data')) return checkForm(body, contentType);
}

async function checkForm(body: Uint8Array<ArrayBuffer>, contentType: string): Promise<void> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return; // not readable as a form: yoga refuses it itself
  }
  for (const value of form.values()) if (typeof value === 'string') checkJsonDepth(value);
}

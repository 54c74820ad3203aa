// The language of the request being answered, and its catalogue. Set once per request by the
// console's language middleware (console-app.tsx), read by any view: like the public base path
// (layout.tsx), it is a property of the request that every piece of a page shares, so it is not
// threaded through every component's props. Outside a request (a view rendered by a unit test)
// the language is English.
import { AsyncLocalStorage } from 'node:async_hooks';
import { en, type Messages } from './en.ts';
import { DEFAULT_LANG, type Lang } from './language.ts';
import { zhCN } from './zh-CN.ts';

export const CATALOGUES: Record<Lang, Messages> = { en, 'zh-CN': zhCN };

export interface LanguageContext {
  lang: Lang;
  /** The page as the browser requested it (base path included): where the switch returns to. */
  here: string;
}

const current = new AsyncLocalStorage<LanguageContext>();

export function inLanguage<T>(context: LanguageContext, run: () => T): T {
  return current.run(context, run);
}

export const currentLang = (): Lang => current.getStore()?.lang ?? DEFAULT_LANG;

/** The page to come back to after switching languages. */
export const currentPage = (): string | undefined => current.getStore()?.here;

/** The words of the request's language. */
export const t = (): Messages => CATALOGUES[currentLang()];

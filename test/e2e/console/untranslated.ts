// Finds English left in a console page shown in Chinese: every text a person reads (text nodes,
// the title, and the attributes read out or shown: title, placeholder, aria-label, alt, the
// confirmation question, the button values and the amount labels console.js swaps in), with
// runs of two or more ASCII letters taken as untranslated unless the allow-list below says why
// they belong. What the page marks as not for translation is not read: <code> and <pre> (ids,
// expressions, routes), translate="no" (wire names, token names), and elements in another
// language (lang="en": the API's own problem details and reasons, the language switch's
// "English").
import type { Page } from 'playwright-core';
import { DEMO_STRATEGIES, DEMO_USERS } from '../../../scripts/demo-data.ts';

/** Texts of the page as a person meets them, each with where it was found. */
export async function readableTexts(page: Page): Promise<{ where: string; text: string }[]> {
  return page.evaluate(() => {
    const found: { where: string; text: string }[] = [];
    const SKIP = 'script, style, code, pre, [translate="no"], [lang]:not([lang="zh-CN"])';
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(SKIP)) continue;
      const text = node.textContent ?? '';
      if (text.trim()) found.push({ where: describe(parent), text });
    }
    for (const el of document.querySelectorAll('*')) {
      if (el.closest(SKIP)) continue;
      for (const name of ['title', 'placeholder', 'aria-label', 'alt', 'data-confirm']) {
        const value = el.getAttribute(name);
        if (value) found.push({ where: `${describe(el)}[${name}]`, text: value });
      }
      const type = el.getAttribute('type');
      if (el.tagName === 'INPUT' && (type === 'submit' || type === 'button'))
        found.push({ where: `${describe(el)}[value]`, text: el.getAttribute('value') ?? '' });
      const labels = el.getAttribute('data-amount-labels');
      if (labels)
        for (const label of Object.values(JSON.parse(labels) as Record<string, string>))
          found.push({ where: `${describe(el)}[data-amount-labels]`, text: label });
      for (const name of ['data-axis-day', 'data-axis-amount']) {
        const value = el.getAttribute(name);
        if (value) found.push({ where: `${describe(el)}[${name}]`, text: value });
      }
    }
    return found;
  });
}

/**
 * Whole strings that may stay as they are, removed before looking for English. Each is here for
 * a reason: the data shown is the fixture's (the demo's users and strategies, and what a test
 * made), and the rest are names an operator types or reads in every language.
 */
export function allowedStrings(extraData: string[] = []): string[] {
  const data = [
    ...DEMO_USERS.flatMap((u) => [u.id, u.name, u.github_username, u.email, u.org ?? '']),
    ...DEMO_USERS.flatMap((u) => u.github_stars),
    ...DEMO_STRATEGIES.flatMap((s) => [s.name, s.title, s.condition]),
    ...extraData,
  ];
  const names = [
    'quota-manager', // the product's name
    'USER_SOURCE_ON_DELETE=delete', // a setting and its value, as typed in the configuration
    'whsec_', // the prefix of the secrets the daemon makes, as it appears in them
    '/metrics', // the daemon's route, as an operator requests it
    'end_of_month', // the expiry rule as typed in the field
    'P30D',
    'PT12H',
  ];
  // Longest first, so a name is not cut by a shorter one inside it.
  return [...new Set([...data, ...names].filter(Boolean))].sort((a, b) => b.length - a.length);
}

/** Words that are the same in a Chinese console: acronyms, product names, a keyword typed. */
const ALLOWED_WORDS = new Set([
  'API',
  'CSV',
  'ID',
  'URL',
  'VIP',
  'HTTP',
  'UTC',
  'ISO',
  'IANA',
  'Cron',
  'Webhook',
  'GitHub',
  'Slack',
  // The preview's occurrence field takes the keyword `next` as it is.
  'next',
]);

/** An IANA zone name (Asia/Shanghai, America/New_York): the zone an instant is shown in. */
const ZONE = /\b[A-Z][A-Za-z]+\/[A-Za-z_]+(\/[A-Za-z_]+)?\b/g;
/** A configuration setting's name (WEBHOOK_SECRET_OVERLAP_MS). */
const SETTING = /\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b/g;

/** Each run of English left in the texts, with where it was found. */
export function untranslated(
  texts: { where: string; text: string }[],
  allowed: string[],
): string[] {
  const problems: string[] = [];
  for (const { where, text } of texts) {
    let rest = text;
    for (const s of allowed) rest = rest.split(s).join(' ');
    rest = rest.replace(ZONE, ' ').replace(SETTING, ' ');
    const words = (rest.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !ALLOWED_WORDS.has(w));
    if (words.length > 0)
      problems.push(`${where}: ${JSON.stringify(text.trim())} (${words.join(', ')})`);
  }
  return problems;
}

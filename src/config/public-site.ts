// PUBLIC_URL and TRUST_PROXY: where operators reach the daemon, and which proxies in front of it
// may speak for the browser (docs/configuration.md, "Behind a reverse proxy").
import { isIP } from 'node:net';
import { z } from 'zod';
import { splitCommaText, text } from './setting-values.ts';

/** The origin and path operators type ("https://ops.example.com/quota"); trailing "/" dropped. */
export const publicUrl = () =>
  text()
    .superRefine((value, ctx) => {
      const problem = publicUrlProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => value.replace(/\/+$/, ''));

function publicUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http:// or https:// URL such as https://ops.example.com/quota';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'must be an absolute http:// or https:// URL such as https://ops.example.com/quota';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value))
    return 'must not carry a query or fragment (only origin and path)';
  return undefined;
}

/** The path of a PUBLIC_URL ("/quota", or "" at the root), as the console prefixes links. */
export const publicUrlPath = (value: string): string => new URL(value).pathname.replace(/\/+$/, '');

/** One TRUST_PROXY entry: an address, or a network in CIDR notation with a prefix in range. */
export function trustedProxyProblem(entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0)
    return `"${entry}" must be an IP address or a CIDR network such as 10.0.0.0/8 or fd00::/8`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max
    ? undefined
    : `"${entry}" has a prefix length outside 0..${max}`;
}

/** A YAML list, or the environment's comma-separated text; empty: no proxy is believed. */
export const trustProxyList = () =>
  z.preprocess(
    splitCommaText,
    z
      .array(text(), {
        error:
          'must be a list of proxy addresses or CIDR networks (comma-separated in the environment)',
      })
      .superRefine((entries, ctx) => {
        for (const entry of entries) {
          const problem = trustedProxyProblem(entry);
          if (problem !== undefined) {
            ctx.addIssue({ code: 'custom', message: problem });
            return;
          }
        }
      }),
  );

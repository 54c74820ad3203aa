// The console's only way to the data: the daemon's public REST API, called in-process through
// the application's own fetch with the signed-in user's token as the bearer. It therefore sees
// exactly what an operator's script sees (roles, validation, audit, rate limits), nothing more.
//
// Typed by the API itself: a path is an operation's path as the routes declare it (Hono's `:id`
// form), and its params, query and answer come from that route's zod schemas through ApiSchema
// (api/resources.ts, by way of api-operations.ts), so a page cannot drift from what the API
// answers.
import type {
  AnswerOf,
  DeletePath,
  EndpointOf,
  GetAnswer,
  GetPath,
  InputOf,
  Parts,
  PatchPath,
  PostPath,
  QueryValue,
} from './api-operations.ts';
import { t } from './i18n/current.ts';

export type {
  DeletePath,
  GetAnswer,
  GetPath,
  PatchPath,
  PostAnswer,
  PostBody,
  PostPath,
} from './api-operations.ts';

/** The application's fetch, with the incoming request's environment (so rate limits and the
 * access log see the browser's connection, not an anonymous in-process caller). */
export type ApiFetch = (request: Request, env?: unknown) => Response | Promise<Response>;

export interface ApiAnswer<T = unknown> {
  status: number;
  ok: boolean;
  /** Parsed JSON (or problem details); undefined for empty or non-JSON bodies. */
  body: T;
  /** True when the route itself does not exist on this server (its API is not deployed). */
  missing: boolean;
  /** The ETag header, if any (a strategy's tag, sent back as If-Match on its change). */
  etag?: string;
}

export interface Problem {
  code?: string;
  detail?: string;
  errors?: { field?: string; line?: number; column?: number; length?: number; message: string }[];
}

export class ApiClient {
  constructor(
    private readonly fetchApi: ApiFetch,
    private readonly token: string,
    private readonly env: unknown,
    private readonly requestId?: string,
    /** The browser's X-Forwarded-For, passed on so the API's rate limit keys on the browser
     * (the API believes it only from a TRUST_PROXY peer, as for any request). */
    private readonly forwardedFor?: string,
  ) {}

  get<P extends GetPath>(
    path: P,
    ...[parts]: OptionalIfEmpty<Parts<EndpointOf<P, '$get'>>>
  ): Promise<ApiAnswer<GetAnswer<P>>> {
    return this.call('GET', withQuery(fill(path, parts?.param), parts?.query));
  }

  /** `ifMatch` (with the parts): as for patch — approving or dismissing a held occurrence of the
   * strategy's version the page read. */
  post<P extends PostPath>(
    path: P,
    body?: InputOf<EndpointOf<P, '$post'>, 'json'>,
    ...[parts]: OptionalIfEmpty<Parts<EndpointOf<P, '$post'>> & { ifMatch?: string }>
  ): Promise<ApiAnswer<AnswerOf<EndpointOf<P, '$post'>>>> {
    const headers: Record<string, string> = parts?.ifMatch ? { 'if-match': parts.ifMatch } : {};
    return this.call('POST', withQuery(fill(path, parts?.param), parts?.query), body, headers);
  }

  /** `ifMatch`: the ETag the change is meant for; the API answers 412 if it is stale. */
  patch<P extends PatchPath>(
    path: P,
    param: Parts<EndpointOf<P, '$patch'>>['param'],
    body: InputOf<EndpointOf<P, '$patch'>, 'json'>,
    ifMatch?: string,
  ): Promise<ApiAnswer<AnswerOf<EndpointOf<P, '$patch'>>>> {
    return this.call('PATCH', fill(path, param), body, ifMatch ? { 'if-match': ifMatch } : {});
  }

  delete<P extends DeletePath>(
    path: P,
    param: Parts<EndpointOf<P, '$delete'>>['param'],
  ): Promise<ApiAnswer<AnswerOf<EndpointOf<P, '$delete'>>>> {
    return this.call('DELETE', fill(path, param));
  }

  /** A JSON answer from outside /api/v1 (the health probes), which the API schema does not type. */
  probe<T>(path: '/readyz' | '/healthz'): Promise<ApiAnswer<T | undefined>> {
    return this.call('GET', path);
  }

  /** The raw response (for CSV streams passed through to the browser). */
  raw(
    path: GetPath | '/metrics',
    accept: string,
    query?: Record<string, string | undefined>,
  ): Promise<Response> {
    return Promise.resolve(
      this.fetchApi(this.request('GET', withQuery(path, query), accept), this.env),
    );
  }

  private request(
    method: string,
    path: string,
    accept: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Request {
    const headers: Record<string, string> = {
      ...extra,
      authorization: `Bearer ${this.token}`,
      accept,
    };
    if (this.requestId) headers['x-request-id'] = this.requestId;
    if (this.forwardedFor) headers['x-forwarded-for'] = this.forwardedFor;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Request(`http://console.internal${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const response = await this.fetchApi(
      this.request(method, path, 'application/json', body, headers),
      this.env,
    );
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a CSV or text answer): the caller reads the status only.
    }
    const detail = (parsed as Problem | undefined)?.detail ?? '';
    return {
      status: response.status,
      ok: response.ok,
      body: parsed as T,
      // The app's notFound handler answers "no route for …": the API is not on this server, which
      // is different from a 404 about a strategy or user that does not exist.
      missing: response.status === 404 && detail.startsWith('no route for'),
      etag: response.headers.get('etag') ?? undefined,
    };
  }
}

/** A call's parts may be left out when it has no params (and only optional query). */
type OptionalIfEmpty<T> = T extends { param: unknown } ? [parts: T] : [parts?: T];

/** The path with each `:name` replaced by its param, percent-encoded. */
export function fill(path: string, param?: Record<string, string | number>): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => {
    const value = param?.[name];
    if (value === undefined) throw new Error(`no value for ${whole} in ${path}`);
    return encodeURIComponent(String(value));
  });
}

export function withQuery(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * A problem body's message for a person, with the field or position of each error. The detail and
 * each message stay as the API says them (English, beside a machine code, the same words a script
 * and the logs see); only the console's framing (the position) is in the page's language.
 */
export function problemText(answer: ApiAnswer): string {
  const problem = answer.body as Problem | undefined;
  const m = t();
  const errors = (problem?.errors ?? []).map((e) =>
    e.line !== undefined
      ? m.problem.at(e.line, e.column ?? 1, e.message)
      : `${e.field ? `${e.field}: ` : ''}${e.message}`,
  );
  return [problem?.detail ?? m.common.httpStatus(answer.status), ...errors].join('; ');
}

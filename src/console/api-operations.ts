// The API's operations as the console's client types them: a path is an operation's path as the
// routes declare it (Hono's `:id` form), and its params, query and answer come from that route's
// zod schemas. Types only, and apart from the client (api-client.ts), so that what names an
// answer (api-types.ts, the catalogues' value types) does not import the client and its words.
import type { Endpoint } from 'hono/types';

/**
 * Where the API's route types reach the console without the console importing api/ (it knows
 * only the public contract): http/console-api-types.ts, which composes both, fills in `schema`
 * with ApiSchema by module augmentation.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by augmentation
export interface ApiTypes {}
type ApiSchema = ApiTypes extends { schema: infer S } ? S : never;

/** The paths of the API that answer a method (`$get`, `$post`, …). */
type ApiPath = Extract<keyof ApiSchema, string>;
type PathsWith<M extends string> = {
  [P in ApiPath]: ApiSchema[P] extends Record<M, Endpoint> ? P : never;
}[ApiPath];
export type EndpointOf<P extends keyof ApiSchema, M extends string> =
  ApiSchema[P] extends Record<M, infer E extends Endpoint> ? E : never;
/**
 * The JSON body of the operation's success answer (2xx); a failure's body is a Problem. The
 * text/csv variant some lists also declare is a string, which this JSON client never reads.
 */
export type AnswerOf<E extends Endpoint> = Exclude<
  Extract<E, { status: 200 | 201 | 202; outputFormat: 'json' }>['output'],
  string
>;
export type InputOf<E extends Endpoint, K extends string> =
  E['input'] extends Record<K, infer V> ? V : never;
export type QueryValue = string | number | boolean | undefined;
/** What a call sends besides its path: the path's params, and the query or body it declares. */
export type Parts<E extends Endpoint> = ([InputOf<E, 'param'>] extends [never]
  ? { param?: never }
  : { param: Record<keyof InputOf<E, 'param'>, string | number> }) &
  ([InputOf<E, 'query'>] extends [never]
    ? { query?: never }
    : { query?: { [K in keyof InputOf<E, 'query'>]?: QueryValue } });

export type GetPath = PathsWith<'$get'>;
export type PostPath = PathsWith<'$post'>;
export type PatchPath = PathsWith<'$patch'>;
export type DeletePath = PathsWith<'$delete'>;
/** The success answer of `GET path`, as a page reads it. */
export type GetAnswer<P extends GetPath> = AnswerOf<EndpointOf<P, '$get'>>;
/** The success answer of `POST path`. */
export type PostAnswer<P extends PostPath> = AnswerOf<EndpointOf<P, '$post'>>;
/** The JSON body `POST path` declares. */
export type PostBody<P extends PostPath> = InputOf<EndpointOf<P, '$post'>, 'json'>;

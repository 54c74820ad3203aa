// POST /api/v1/hooks/github: GitHub's `star` and `ping` webhook deliveries. GitHub cannot send
// an admin token, so this route is mounted before the token check and is authenticated by the
// delivery's X-Hub-Signature-256 instead (HMAC-SHA256 of the raw body with
// GITHUB_WEBHOOK_SECRET, compared in constant time by @octokit/webhooks-methods).
import { verify } from '@octokit/webhooks-methods';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { problemResponse } from '../problem-response.ts';
import { newRouter, type ApiApp } from '../router.ts';
import { bodySizeLimit } from '../body-size-limit.ts';

const starPayload = z.object({
  action: z.enum(['created', 'deleted']),
  starred_at: z.string().nullable(),
  repository: z.object({ full_name: z.string().min(1) }),
  sender: z.object({ login: z.string().min(1) }),
});

async function signedBy(secret: string, body: string, signature: string): Promise<boolean> {
  try {
    return await verify(secret, body, signature);
  } catch {
    // A signature that is not `sha256=<hex>` is as wrong as a mismatched one.
    return false;
  }
}

export function registerGithubHookRoutes(deps: ApiDeps): ApiApp {
  const app = newRouter();
  app.use('*', bodySizeLimit(deps.bodyLimitBytes));
  app.post('/', async (c) => {
    const hook = deps.githubWebhook;
    if (!hook)
      return problemResponse(
        c,
        'not_found',
        'the GitHub webhook is off (set GITHUB_WEBHOOK_SECRET)',
      );
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? ''))
      return problemResponse(
        c,
        'unsupported_media_type',
        'set the webhook content type to application/json',
      );
    const body = await c.req.text();
    const signature = c.req.header('x-hub-signature-256');
    if (signature === undefined || !(await signedBy(hook.secret, body, signature)))
      return problemResponse(
        c,
        'unauthorized',
        'X-Hub-Signature-256 is missing or does not match the body',
      );
    const deliveryId = c.req.header('x-github-delivery');
    const event = c.req.header('x-github-event');
    if (!deliveryId || !event)
      return problemResponse(
        c,
        'validation_failed',
        'X-GitHub-Delivery and X-GitHub-Event are required',
      );
    if (event === 'ping') return c.json({ status: 'pong' }, 200);
    if (event !== 'star') return c.json({ status: 'ignored', event }, 202);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return problemResponse(c, 'validation_failed', 'the body is not JSON');
    }
    const parsed = starPayload.safeParse(json);
    if (!parsed.success)
      return problemResponse(
        c,
        'validation_failed',
        'not a star event payload',
        parsed.error.issues.map((issue) => ({
          field: issue.path.join('.'),
          message: issue.message,
        })),
      );
    const outcome = await hook.receive({
      deliveryId,
      action: parsed.data.action,
      login: parsed.data.sender.login,
      fullName: parsed.data.repository.full_name,
      starredAt: parsed.data.starred_at,
    });
    if (outcome.duplicate) return c.json({ status: 'duplicate', delivery: deliveryId }, 200);
    const { repos, matched, added, removed } = outcome;
    return c.json({ status: 'applied', delivery: deliveryId, repos, matched, added, removed }, 200);
  });
  return app;
}

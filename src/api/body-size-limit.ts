// The request body limit (API_BODY_LIMIT_BYTES) with the problem-details answer, for every
// router that reads bodies: the admin API and the GitHub webhook, which sits outside its token.
import { bodyLimit } from 'hono/body-limit';
import { problemResponse } from './problem-response.ts';

export const bodySizeLimit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      problemResponse(c, 'payload_too_large', `request bodies are limited to ${maxSize} bytes`),
  });

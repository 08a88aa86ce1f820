import type * as z from 'zod';
import type { HttpContext } from './http/context.js';
import { WebError } from './web-error.js';

/** Bodies larger than this are refused while they stream in (fastify's bodyLimit, counted as they arrive): no request needs more. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The JSON body of an API request, validated. Only `application/json` is taken:
 * a cross-site HTML form cannot send it, and a cross-site script cannot either
 * without a CORS preflight this server never grants.
 */
export async function jsonBody<T>(c: HttpContext, schema: z.ZodType<T>): Promise<T> {
  const type = c.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new WebError(415, 'JSON_REQUIRED', 'send the request body as JSON (Content-Type: application/json)');
  const text = await c.bodyText();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new WebError(400, 'BAD_JSON', `the body is not valid JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new WebError(400, 'BAD_REQUEST', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { issues });
  }
  return result.data;
}

/** The fields of a submitted HTML form (admin pages); only its text fields count. */
export async function formBody(c: HttpContext): Promise<Record<string, string | undefined>> {
  return (await c.parseBody()).fields;
}

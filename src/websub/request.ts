import { z } from 'zod';

/** A subscription request (WebSub §5.1), validated. */
export interface SubscriptionRequest {
  mode: 'subscribe' | 'unsubscribe';
  callback: string;
  topic: string;
  leaseSeconds?: number;
  secret?: string;
}

const MAX_URL_LENGTH = 2000;
// §5.1: "This parameter MUST be less than 200 bytes in length."
const MAX_SECRET_BYTES = 199;

const one = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be given once`) });

const callback = one('hub.callback')
  .max(MAX_URL_LENGTH, `hub.callback is longer than ${MAX_URL_LENGTH} characters`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'hub.callback must be an absolute http(s) URL without credentials');

const schema = z.object({
  'hub.mode': one('hub.mode').pipe(
    z.enum(['subscribe', 'unsubscribe'], { error: 'hub.mode must be subscribe or unsubscribe' }),
  ),
  'hub.callback': callback,
  'hub.topic': one('hub.topic')
    .min(1, 'hub.topic is required')
    .max(MAX_URL_LENGTH, `hub.topic is longer than ${MAX_URL_LENGTH} characters`),
  'hub.lease_seconds': one('hub.lease_seconds')
    .regex(/^\d{1,10}$/, 'hub.lease_seconds must be a whole number of seconds')
    .transform(Number)
    .optional(),
  'hub.secret': one('hub.secret')
    .refine((value) => Buffer.byteLength(value) <= MAX_SECRET_BYTES, `hub.secret must be less than 200 bytes`)
    .refine((value) => value.length > 0, 'hub.secret must not be empty when given')
    .optional(),
});

export type ParsedRequest = { ok: true; request: SubscriptionRequest } | { ok: false; message: string };

/** Reads a form-encoded body; a repeated parameter stays an array, so that it is refused rather than one picked. */
export function formFields(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const seen = fields[key];
    fields[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return fields;
}

/** Validates the fields of a POST to the hub; the first problem is named (for a 400). */
export function parseSubscriptionRequest(fields: Record<string, unknown>): ParsedRequest {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'bad request' };
  const data = parsed.data;
  return {
    ok: true,
    request: {
      mode: data['hub.mode'],
      callback: data['hub.callback'],
      topic: data['hub.topic'],
      leaseSeconds: data['hub.lease_seconds'],
      secret: data['hub.secret'],
    },
  };
}

import type { FeedFormat } from './document.js';

/** The media type of each feed format Tributary writes. */
export const FEED_MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

// RFC 9110 media type: type "/" subtype, then parameters whose values are tokens or quoted strings.
const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"[^"\\\\\\u0000-\\u001f\\u007f]*"))*$`,
);

/** The value when it is a well-formed media type (parameters allowed), otherwise undefined: never guessed. */
export function mediaType(value: string | null | undefined): string | undefined {
  const type = value?.trim();
  return type && type.length <= 255 && MEDIA_TYPE.test(type) ? type : undefined;
}

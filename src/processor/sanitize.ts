import sanitizeHtml from 'sanitize-html';
import { resolveUrl } from './url.js';

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt',
  'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol',
  'p', 'picture', 'pre', 'q', 's', 'small', 'source', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'time', 'tr', 'u', 'ul', 'audio', 'video',
];

// Known tracking-pixel hosts; 1×1 images are caught by their size whatever the host.
const TRACKER_HOSTS = /(^|\.)(feeds\.feedburner\.com|feedproxy\.google\.com|pixel\.wp\.com|stats\.wordpress\.com|doubleclick\.net|google-analytics\.com|pixel\.quantserve\.com|sb\.scorecardresearch\.com|feedsportal\.com|api\.mixpanel\.com)$/i;

function isTrackingPixel(attribs: Record<string, string>): boolean {
  const tiny = (v: string | undefined) => v !== undefined && /^\s*[01](px)?\s*$/.test(v);
  if (tiny(attribs.width) && tiny(attribs.height)) return true;
  if (attribs.width !== undefined && tiny(attribs.width) && attribs.height === undefined) return true;
  try {
    return TRACKER_HOSTS.test(new URL(attribs.src ?? '').hostname);
  } catch {
    return false;
  }
}

/**
 * Makes feed HTML safe to republish: an allowlist of tags and attributes, http(s)/mailto links only (data: URLs are
 * refused even for images, since SVG in data: URLs can carry script and readers don't need inline images), relative
 * links made absolute against `base`, tracking pixels dropped, external links marked noopener.
 */
export function sanitize(html: string | undefined, base?: string): string {
  if (!html) return '';
  const absolute = (value: string | undefined) => (value ? resolveUrl(value, base) : undefined);
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      source: ['src', 'type', 'srcset'],
      audio: ['src', 'controls'],
      video: ['src', 'controls', 'poster', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      time: ['datetime'],
      abbr: ['title'],
      q: ['cite'],
      blockquote: ['cite'],
      ol: ['start'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'], source: ['http', 'https'], audio: ['http', 'https'], video: ['http', 'https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'svg', 'math', 'iframe', 'object', 'embed'],
    exclusiveFilter: (frame) =>
      (frame.tag === 'img' && (isTrackingPixel(frame.attribs) || !frame.attribs.src)) ||
      (frame.tag === 'a' && !frame.attribs.href && !frame.text.trim()),
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...withAbsolute(attribs, 'href', absolute), rel: 'noopener noreferrer' } }),
      ...Object.fromEntries(
        ['img', 'source', 'audio', 'video'].map((tag) => [
          tag,
          (tagName: string, attribs: Record<string, string>) => ({ tagName, attribs: withAbsolute(attribs, 'src', absolute) }),
        ]),
      ),
    },
  }).trim();
}

/** The attributes with `name` made absolute, or removed when it cannot be (mailto: links are kept as they are). */
function withAbsolute(
  attribs: Record<string, string>,
  name: string,
  absolute: (value: string | undefined) => string | undefined,
): Record<string, string> {
  const { [name]: value, ...rest } = attribs;
  const resolved = value?.trim().toLowerCase().startsWith('mailto:') && name === 'href' ? value.trim() : absolute(value);
  return resolved ? { ...rest, [name]: resolved } : rest;
}

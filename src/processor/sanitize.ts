import sanitizeHtml from 'sanitize-html';
import { boundHtml, cutHtml } from './html-bounds.js';
import { TreeBuilder, type HtmlElement } from './html-tree.js';
import { LIMITS } from './limits.js';
import { resolveUrl } from './url.js';

const ALLOWED_TAGS = [
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'caption',
  'cite',
  'code',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'picture',
  'pre',
  'q',
  's',
  'small',
  'source',
  'span',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'u',
  'ul',
  'audio',
  'video',
];
const ALLOWED = new Set(ALLOWED_TAGS);

// Every attribute that holds a URL, per tag: each is made absolute and kept only when it is http(s) (mailto for links).
const URL_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  audio: ['src'],
  video: ['src', 'poster'],
  q: ['cite'],
  blockquote: ['cite'],
};

// Known tracking-pixel hosts; 1×1 images are caught by their size whatever the host.
const TRACKER_HOSTS =
  /(^|\.)(feeds\.feedburner\.com|feedproxy\.google\.com|pixel\.wp\.com|stats\.wordpress\.com|doubleclick\.net|google-analytics\.com|pixel\.quantserve\.com|sb\.scorecardresearch\.com|feedsportal\.com|api\.mixpanel\.com)$/i;

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

/** A URL attribute's value made absolute against `base`, or undefined when it is not http(s) (or mailto, for links). */
function urlValue(tag: string, name: string, value: string, base: string | undefined): string | undefined {
  const trimmed = value.trim();
  if (tag === 'a' && name === 'href' && /^mailto:/i.test(trimmed)) return trimmed;
  if (name !== 'srcset') return resolveUrl(trimmed, base);
  // "a.jpg 1x, /b.jpg 2x": each candidate's URL resolved, the unusable ones dropped.
  const candidates = trimmed.split(/,\s+/).map((candidate) => {
    const [url, ...descriptor] = candidate.trim().split(/\s+/);
    const absolute = url ? resolveUrl(url, base) : undefined;
    return absolute ? [absolute, ...descriptor].join(' ') : undefined;
  });
  return candidates.filter(Boolean).join(', ') || undefined;
}

/** The attributes with every URL made absolute http(s), unusable ones removed (URL attributes last, as before). */
function withUrls(tag: string, attribs: Record<string, string>, base: string | undefined): Record<string, string> {
  const names = URL_ATTRIBUTES[tag];
  if (!names) return attribs;
  const out: Record<string, string> = {};
  const entries = Object.entries(attribs);
  for (const [name, value] of entries) if (!names.includes(name)) out[name] = value;
  for (const [name, value] of entries) {
    const url = names.includes(name) ? urlValue(tag, name, value, base) : undefined;
    if (url !== undefined) out[name] = url;
  }
  if (tag === 'a') out.rel = 'noopener noreferrer';
  return out;
}

function options(base: string | undefined, tree: TreeBuilder): sanitizeHtml.IOptions {
  return {
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
    // A second line of defence behind withUrls: sanitize-html checks these attributes' schemes itself.
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: {
      img: ['http', 'https'],
      source: ['http', 'https'],
      audio: ['http', 'https'],
      video: ['http', 'https'],
    },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'template',
      'title',
      'svg',
      'math',
      'iframe',
      'object',
      'embed',
    ],
    exclusiveFilter: (frame) =>
      (frame.tag === 'img' && (isTrackingPixel(frame.attribs) || !frame.attribs.src)) ||
      (frame.tag === 'a' && !frame.attribs.href && !frame.text.trim()),
    transformTags: {
      '*': (tagName, attribs) => {
        if (ALLOWED.has(tagName)) tree.written(tagName);
        return { tagName, attribs: withUrls(tagName, attribs, base) };
      },
    },
    onOpenTag: tree.start,
    onCloseTag: tree.end,
    textFilter: tree.text,
  };
}

export interface SanitizedHtml {
  html: string;
  /** The elements and text of `html`, for reading its text without parsing it again. */
  tree: HtmlElement;
  /** Set when the input was over the size or depth limit and was cut (or kept as text). */
  cut?: 'html-size' | 'html-depth';
}

function sanitizeOnce(html: string, base: string | undefined): { html: string; tree: HtmlElement } {
  const tree = new TreeBuilder();
  return { html: sanitizeHtml(html, options(base, tree)).trim(), tree: tree.root };
}

/**
 * Makes feed HTML safe to republish, in one parse that also yields its tree: an allowlist of tags and attributes,
 * every URL attribute (href, src, srcset, poster, cite) absolute against `base` and http(s) only (mailto for links;
 * data: URLs are refused even for images, since SVG in data: URLs can carry script and readers don't need inline
 * images), tracking pixels dropped, external links marked noopener. Input over the size or nesting limits is cut first
 * (see html-bounds.ts), and output that grew past the size limit (relative links made absolute) is cut again.
 */
export function sanitizeWithTree(html: string | undefined, base?: string): SanitizedHtml {
  if (!html) return { html: '', tree: { name: '', children: [] } };
  const bounded = boundHtml(html);
  const result = sanitizeOnce(bounded.html, base);
  if (result.html.length <= LIMITS.htmlChars) return bounded.cut ? { ...result, cut: bounded.cut } : result;
  return { ...sanitizeOnce(cutHtml(result.html, LIMITS.htmlChars), base), cut: bounded.cut ?? 'html-size' };
}

/** The sanitized HTML alone (see sanitizeWithTree). */
export function sanitize(html: string | undefined, base?: string): string {
  return sanitizeWithTree(html, base).html;
}

import { isHttpUrl } from '../util/url.js';

const TRACKING_PARAMS =
  /^(utm_[a-z_]+|fbclid|gclid|dclid|gclsrc|msclkid|mc_cid|mc_eid|yclid|igshid|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|rb_clickid|s_cid|vero_conv|vero_id|wickedid|__twitter_impression|ref_src|cmpid|ncid|ito|at_medium|at_campaign|at_custom\d)$/i;

/** Resolves a possibly relative link against the first base that is an absolute URL. */
export function resolveUrl(link: string | undefined, ...bases: (string | undefined)[]): string | undefined {
  const value = link?.trim();
  if (!value) return undefined;
  for (const base of [undefined, ...bases]) {
    let url: URL;
    try {
      url = base === undefined ? new URL(value) : new URL(value, base);
    } catch {
      continue; // try the next base
    }
    return isHttpUrl(url) ? url.href : undefined;
  }
  return undefined;
}

/** The form two links to the same page share: lower-case scheme and host, no default port, no fragment,
 * no tracking parameters, the remaining parameters sorted. */
export function canonicalUrl(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (!isHttpUrl(url)) return undefined;
  url.hash = '';
  const kept = [...url.searchParams].filter(([key]) => !TRACKING_PARAMS.test(key));
  kept.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  url.search = new URLSearchParams(kept).toString();
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  // URL already drops default ports and lower-cases the scheme.
  return url.href;
}

/** True for an absolute http: or https: URL: the only schemes Tributary fetches, links to or accepts in config. */
export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The URL when `value` (resolved against `base`, if given) is an absolute http(s) URL, otherwise undefined. */
export function httpUrlOf(value: string, base?: string | URL): URL | undefined {
  try {
    const url = base === undefined ? new URL(value) : new URL(value, base);
    return isHttpUrl(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

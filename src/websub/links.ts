import type { Config } from '../config/schema.js';

/**
 * The hub feeds advertise: output.hub when set, otherwise this service's own endpoint under the same base URL as every
 * other link; undefined when push delivery is off.
 */
export function hubUrlFor(output: Config['output'], baseUrl: string): string | undefined {
  if (!output.websub.enabled) return undefined;
  return output.hub ?? `${baseUrl}/websub`;
}

/** The HTTP Link header WebSub discovery reads (§4): the hub and the topic URL (the feed's own, canonical URL). */
export function websubLinkHeader(hub: string, self: string): string {
  const target = (url: string) => `<${url.replace(/[<>\s]/g, encodeURIComponent)}>`;
  return `${target(hub)}; rel="hub", ${target(self)}; rel="self"`;
}

import { escapeXml } from './escape.js';

export type Attributes = Record<string, string | number | undefined>;

/** An element whose content is already XML (child elements); attribute values are escaped, undefined ones left out. */
export function element(name: string, attributes: Attributes, children?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`).join('');
  return children === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** An element holding text, escaped. */
export function textElement(name: string, text: string, attributes: Attributes = {}): string {
  return element(name, attributes, escapeXml(text));
}

/** Child lines indented under their parent, one element per line. */
export function indent(lines: readonly string[], depth: number): string {
  const pad = '  '.repeat(depth);
  return lines.map((line) => `\n${pad}${line}`).join('');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

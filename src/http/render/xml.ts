import { escapeXml } from '../../util/escape.js';

export type Attributes = Record<string, string | number | undefined>;

const attributeList = (attributes: Attributes) =>
  Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');

/** An element whose content is already XML (child elements); attribute values are escaped, undefined ones left out. */
export function element(name: string, attributes: Attributes, children?: string): string {
  const attrs = attributeList(attributes);
  return children === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** The start tag of an element whose children are written one by one after it. */
export function startTag(name: string, attributes: Attributes): string {
  return `<${name}${attributeList(attributes)}>`;
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

// Real consumers for Tributary's output: xmllint (well-formedness), jing with the RFC 4287 RELAX NG schema (Atom),
// Python feedparser (RSS and Atom, bozo must be false) and the JSON Feed 1.1 field rules. .ci/validators installs the
// Debian packages (libxml2-utils, jing, python3-feedparser); the helpers fail loudly when one is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ATOM_RNC = fileURLToPath(new URL('../fixtures/schemas/atom.rnc', import.meta.url));
const FEEDPARSER_SCRIPT = fileURLToPath(new URL('./feedparser-read.py', import.meta.url));
// Debian's python has python3-feedparser; a pyenv python on PATH would not.
const PYTHON = '/usr/bin/python3';

export type OutputFormat = 'rss' | 'atom' | 'json';

/** For tests that run these tools: jing starts a JVM each time, which takes seconds on a loaded machine. */
export const VALIDATOR_TIMEOUT = 120_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input?: string): Promise<Run> {
  if (!existsSync(command))
    throw new Error(`${command} is missing: run .ci/validators (installs libxml2-utils, jing, python3-feedparser)`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** xmllint's complaints about a document that is not well-formed XML; empty when it is. */
export async function xmlWellFormednessErrors(xml: string): Promise<string[]> {
  const result = await run('/usr/bin/xmllint', ['--noout', '--nonet', '-'], xml);
  return result.code === 0 ? [] : [result.stderr.trim() || `xmllint exited with ${result.code}`];
}

/** How many nodes an XPath expression selects (xmllint --xpath count(...)). */
async function xpathCount(xml: string, expression: string): Promise<number> {
  const result = await run('/usr/bin/xmllint', ['--nonet', '--xpath', `count(${expression})`, '-'], xml);
  if (result.code !== 0) throw new Error(`xmllint --xpath failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

const atom = (name: string) => `*[local-name()='${name}' and namespace-uri()='http://www.w3.org/2005/Atom']`;

/**
 * RFC 4287: the Appendix B schema checked by jing, plus the two Schematron rules jing does not run (every entry has an
 * author unless the feed has one; every entry has an alternate link or content).
 */
export async function atomSchemaErrors(xml: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-atom-'));
  try {
    const file = join(dir, 'feed.atom');
    writeFileSync(file, xml);
    const result = await run('/usr/bin/jing', ['-c', ATOM_RNC, file]);
    // jing's launcher warns about optional jars on stderr; the findings are on stdout.
    const errors = result.code === 0 ? [] : [result.stdout.trim() || result.stderr.trim()];
    const feedAuthor = await xpathCount(xml, `/${atom('feed')}/${atom('author')}`);
    const noAuthor = await xpathCount(
      xml,
      `/${atom('feed')}/${atom('entry')}[not(${atom('author')}) and not(${atom('source')}/${atom('author')})]`,
    );
    if (feedAuthor === 0 && noAuthor > 0)
      errors.push(`RFC 4287 §4.1.1: ${noAuthor} entries without atom:author in a feed without one`);
    const noLink = await xpathCount(
      xml,
      `/${atom('feed')}/${atom('entry')}[not(${atom('content')}) and not(${atom('link')}[not(@rel) or @rel='alternate'])]`,
    );
    if (noLink > 0) errors.push(`RFC 4287 §4.1.2: ${noLink} entries with neither an alternate link nor content`);
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FeedparserLink {
  rel: string | null;
  href: string | null;
  type: string | null;
}
export interface FeedparserEntry {
  id: string | null;
  title: string | null;
  title_detail: { type: string; value: string } | null;
  summary_detail: { type: string; value: string } | null;
  content: { type: string; value: string }[];
  /** As written: RFC 822 in RSS, RFC 3339 in Atom. */
  published: string | null;
  updated: string | null;
  link: string | null;
  links: FeedparserLink[];
  author: string | null;
  authors: { name: string | null; email: string | null }[];
  tags: string[];
  enclosures: { href: string | null; type: string | null; length: string | null }[];
  source: { title: string | null; href: string | null; links: string[] };
}
export interface FeedparserResult {
  bozo: boolean;
  bozo_exception: string | null;
  version: string;
  feed: { title: string | null; links: FeedparserLink[] };
  entries: FeedparserEntry[];
}

/** What Python feedparser reads from a feed (HTML sanitizing off, so the tests see exactly what was sent). */
export async function readWithFeedparser(xml: string): Promise<FeedparserResult> {
  const result = await run(PYTHON, [FEEDPARSER_SCRIPT], xml);
  if (result.code !== 0) throw new Error(`feedparser failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as FeedparserResult;
}

const absoluteUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

// RFC 3339 date-time (the profile of ISO 8601 JSON Feed requires).
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/, 'must be an RFC 3339 date-time')
  .refine((value) => Number.isFinite(Date.parse(value)), 'must be a real date');

const author = z
  .looseObject({ name: z.string().optional(), url: absoluteUrl.optional(), avatar: absoluteUrl.optional() })
  .refine(
    (a) => a.name !== undefined || a.url !== undefined || a.avatar !== undefined,
    'an author needs a name, url or avatar',
  );

const attachment = z.looseObject({
  url: absoluteUrl,
  mime_type: z.string().regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a MIME type'),
  title: z.string().optional(),
  size_in_bytes: z.number().nonnegative().optional(),
  duration_in_seconds: z.number().nonnegative().optional(),
});

const item = z
  .looseObject({
    id: z.string().min(1),
    url: absoluteUrl.optional(),
    external_url: absoluteUrl.optional(),
    title: z.string().optional(),
    content_html: z.string().optional(),
    content_text: z.string().optional(),
    summary: z.string().optional(),
    image: absoluteUrl.optional(),
    banner_image: absoluteUrl.optional(),
    date_published: rfc3339.optional(),
    date_modified: rfc3339.optional(),
    authors: z.array(author).min(1).optional(),
    tags: z.array(z.string()).optional(),
    language: z.string().optional(),
    attachments: z.array(attachment).optional(),
  })
  .refine(
    (i) => i.content_html !== undefined || i.content_text !== undefined,
    'an item needs content_html or content_text',
  )
  .refine((i) => !('author' in i), 'JSON Feed 1.1 uses authors (an array), not author');

const jsonFeed11 = z
  .looseObject({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    home_page_url: absoluteUrl.optional(),
    feed_url: absoluteUrl.optional(),
    next_url: absoluteUrl.optional(),
    description: z.string().optional(),
    icon: absoluteUrl.optional(),
    favicon: absoluteUrl.optional(),
    authors: z.array(author).min(1).optional(),
    language: z.string().optional(),
    items: z.array(item),
  })
  .refine((f) => !('author' in f), 'JSON Feed 1.1 uses authors (an array), not author');

/** The JSON Feed 1.1 field rules (https://www.jsonfeed.org/version/1.1/) a body breaks; empty when it keeps them. */
export function jsonFeedErrors(body: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    return [`not JSON: ${(err as Error).message}`];
  }
  const parsed = jsonFeed11.safeParse(data);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(feed)'}: ${i.message}`);
}

/** Every check that applies to a format, run on one body: the problems found, empty when it is valid. */
export async function feedValidityErrors(format: OutputFormat, body: string): Promise<string[]> {
  if (format === 'json') return jsonFeedErrors(body);
  const wellFormed = await xmlWellFormednessErrors(body);
  if (wellFormed.length > 0) return wellFormed;
  const errors = format === 'atom' ? await atomSchemaErrors(body) : [];
  const read = await readWithFeedparser(body);
  if (read.bozo) errors.push(`feedparser: ${read.bozo_exception}`);
  const expected = format === 'atom' ? 'atom10' : 'rss20';
  if (read.version !== expected) errors.push(`feedparser read it as ${read.version || 'unknown'}, not ${expected}`);
  return errors;
}

import { linesOf, type HtmlElement } from './html-tree.js';
import { sanitizeWithTree } from './sanitize.js';
import { collapse } from './text.js';

// Lines that are furniture around a story, not the story: ads, calls to action, credits, agency notices.
const BOILERPLATE_LINE = new RegExp(
  [
    '^\\s*(advertisement|advertising|sponsored( content)?|ad)\\s*$',
    '^\\s*(read|see|click|continue reading|learn) (more|full (article|story)|here|on)\\b.{0,80}$',
    '^\\s*source:\\s*(read full article|.{0,60})$',
    '^\\s*(share|share this( article| story)?|tweet|email|print|follow us|subscribe)( on .{0,40})?[:.!]?\\s*$',
    '^\\s*(related (links|news|articles|stories|coverage)|more (news|stories) from|also read|recommended|trending now|most popular)\\b.{0,80}$',
    '(all rights reserved|copyright\\s|\\(c\\)\\s|©)',
    '^\\s*(photo|image|video|illustration|file photo)( credit)?:.{0,120}$',
    '^\\s*(subscribe|sign up) (to|for) (our|the) .{0,80}$',
    '^\\s*the content herein,? unless otherwise (known|stated)',
    '^\\s*(tell a friend|thanks for being there|we need your help|support (us|our journalism))\\b',
  ].join('|'),
  'i',
);

/** True for a line that is page furniture rather than story text. */
export function isBoilerplateLine(line: string): boolean {
  return isBoilerplateText(collapse(line));
}

/** isBoilerplateLine for a line already collapsed. */
function isBoilerplateText(text: string): boolean {
  if (text.length === 0) return true;
  // A long paragraph that merely mentions "copyright" is story text; notices are short.
  if (text.length > 300) return false;
  return BOILERPLATE_LINE.test(text);
}

/**
 * The story's own text, for matching and search: a sanitized tree (see sanitizeWithTree) flattened to lines, with
 * ads, share widgets, "Read more" links, lists of headlines, agency copyright notices and similar furniture removed.
 */
export function storyTextOf(tree: HtmlElement): string {
  return cleanLines(linesOf(tree).join(''));
}

/** The story text of untrusted HTML (sanitized first, as it is stored). */
export function storyText(html: string | undefined): string {
  return storyTextOf(sanitizeWithTree(html).tree);
}

/** Plain text with one paragraph per line → the same with boilerplate lines dropped. */
export function cleanLines(text: string): string {
  const lines = text
    .split(/\n+/)
    .map(collapse)
    .filter((line) => line.length > 0);
  const kept = lines.filter((line) => !isBoilerplateText(line));
  // Cross-promoted headline lists also arrive as runs of short title-like lines without final punctuation.
  return dropHeadlineRuns(kept).join('\n');
}

function dropHeadlineRuns(lines: string[]): string[] {
  const headline = (line: string) => line.length < 120 && !/[.!?"”»:]$/.test(line) && line.split(' ').length >= 3;
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j < lines.length && headline(lines[j]!)) j++;
    if (j - i >= 3) i = j;
    else out.push(lines[i++]!);
  }
  return out;
}

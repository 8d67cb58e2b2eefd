import { LIMITS } from './limits.js';

/** What normalization had to cut from an item (see limits.ts). */
export type CutKind = 'title' | 'author' | 'categories' | 'enclosures' | 'html-size' | 'html-depth' | 'guid' | 'url';

/** How many items had each kind of cut. */
export type Cuts = Partial<Record<CutKind, number>>;

export function countCuts(perItem: Iterable<Iterable<CutKind>>): Cuts {
  const cuts: Cuts = {};
  for (const kinds of perItem) for (const kind of new Set(kinds)) cuts[kind] = (cuts[kind] ?? 0) + 1;
  return cuts;
}

const n = (count: number) => count.toLocaleString('en-US');
const items = (count: number) => `${n(count)} item${count === 1 ? '' : 's'}`;

const PHRASES: Record<CutKind, (count: number) => string> = {
  title: (c) => `${items(c)} with a title cut to ${n(LIMITS.titleChars)} characters`,
  author: (c) => `${items(c)} with an author cut to ${n(LIMITS.authorChars)} characters`,
  categories: (c) =>
    `${items(c)} with categories cut to ${LIMITS.categories} of at most ${LIMITS.categoryChars} characters`,
  enclosures: (c) => `${items(c)} with enclosures beyond ${LIMITS.enclosures} dropped`,
  'html-size': (c) => `${items(c)} with HTML cut to ${LIMITS.htmlChars / 1024} KiB`,
  'html-depth': (c) => `${items(c)} with HTML nested deeper than ${LIMITS.htmlDepth} levels kept as plain text`,
  guid: (c) => `${items(c)} with a guid over ${n(LIMITS.guidChars)} characters replaced by its hash`,
  url: (c) => `${items(c)} with a link over ${n(LIMITS.urlChars)} characters dropped`,
};

/**
 * One sentence for the operator about what a fetch left out, or undefined when nothing was: shown with the source's
 * health so that a silently shortened feed is not mistaken for a complete one.
 */
export function describeCuts(cuts: Cuts, itemCount?: { kept: number; total: number }): string | undefined {
  const parts =
    itemCount && itemCount.total > itemCount.kept
      ? [`kept the newest ${n(itemCount.kept)} of ${n(itemCount.total)} items`]
      : [];
  for (const kind of Object.keys(PHRASES) as CutKind[]) {
    const count = cuts[kind];
    if (count) parts.push(PHRASES[kind](count));
  }
  return parts.length > 0 ? `${parts.join('; ')}.` : undefined;
}

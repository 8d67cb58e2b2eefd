import { textGenerator } from './random.js';

// A syndicated world: outlets carrying their own reports and wire stories copied from each other, with the edits real
// copies have (see /work/shared/NOTES.md, "Near-duplicates"). Every item is labeled with its story, so a run can be
// scored: items of one label must end up in one stored story, items of different labels must not.

export interface WorldOptions {
  seed: number;
  sources: number;
  itemsPerSource: number;
  /** Share of items that are copies of a story another outlet carries (≈ 0.4). */
  copyRate: number;
}

export interface World {
  feeds: string[];
  /** `${sourceIndex}\n${guid}` → the story the item reports. */
  labels: Map<string, number>;
  copies: number;
  stories: number;
}

interface Story {
  title: string;
  paragraphs: string[];
  publishedAt: number;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const PREFIXES = ['UPDATE 1-', 'UPDATE 2-', 'REFILE-', 'EXCLUSIVE-', 'CORRECTED-'];
const NOTICES = [
  'All rights reserved. Copyright Agence France-Presse. Sections of the information displayed on this page are protected by intellectual property rights.',
  'Copyright 2026 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.',
  'Reporting by wire staff; editing by the desk. Our Standards: The Trust Principles.',
];

export function makeWorld(options: WorldOptions): World {
  const gen = textGenerator(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(gen.random() * list.length)]!;
  const chance = (p: number) => gen.random() < p;
  const epoch = Date.UTC(2026, 10, 1);
  const total = options.sources * options.itemsPerSource;
  const stories: Story[] = [];
  const labels = new Map<string, number>();
  const items: string[][] = Array.from({ length: options.sources }, () => []);
  let copies = 0;
  // Slots are filled source by source in a shuffled order, so copies land on any outlet, early or late in its feed.
  const slots = Array.from({ length: total }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(gen.random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  for (const [n, slot] of slots.entries()) {
    const source = slot % options.sources;
    const copyOf =
      stories.length > 20 && chance(options.copyRate)
        ? Math.floor(stories.length * (1 - gen.random() ** 2))
        : undefined;
    let label: number;
    let title: string;
    let paragraphs: string[];
    let publishedAt: number;
    if (copyOf === undefined) {
      label = stories.length;
      // Two days of news: a story's time follows its creation order, with some jitter.
      const story = {
        title: gen.words(7 + Math.floor(gen.random() * 5)),
        paragraphs: Array.from({ length: 5 }, () => gen.words(30 + Math.floor(gen.random() * 20))),
        publishedAt: epoch + Math.floor((n / total) * 2 * 86_400_000 + gen.random() * 600_000),
      };
      stories.push(story);
      ({ title, paragraphs, publishedAt } = story);
    } else {
      copies++;
      label = copyOf;
      const story = stories[copyOf]!;
      // At least one edit, most copies several.
      const edits = {
        prefix: chance(0.5),
        trim: chance(0.4),
        ad: chance(0.5),
        notice: chance(0.5),
        related: chance(0.4),
      };
      if (!Object.values(edits).some(Boolean)) edits.notice = true;
      title = edits.prefix ? `${pick(PREFIXES)}${story.title}` : story.title;
      paragraphs = edits.trim ? story.paragraphs.slice(0, -1) : [...story.paragraphs];
      if (edits.ad) paragraphs.splice(2, 0, 'ADVERTISEMENT');
      if (edits.notice) paragraphs.push(pick(NOTICES));
      publishedAt = story.publishedAt + Math.floor(gen.random() * 6 * 3_600_000);
      if (edits.related) {
        const related = Array.from({ length: 4 }, () => pick(stories).title);
        paragraphs.push(
          `</p><h3>Related Links</h3><ul>${related.map((t, k) => `<li><a href="https://outlet${source}.example/rel/${k}">${t}</a></li>`).join('')}</ul><p>`,
        );
      }
    }
    const guid = `w${options.seed}-${slot}`;
    labels.set(`${source}\n${guid}`, label);
    const html = paragraphs.map((p) => `<p>${p}</p>`).join('');
    items[source]!.push(
      `<item><title>${escapeXml(title)}</title><link>https://outlet${source}.example/news/${slot}</link><guid isPermaLink="false">${guid}</guid>` +
        `<pubDate>${new Date(publishedAt).toUTCString()}</pubDate><description>${escapeXml(html)}</description></item>`,
    );
  }
  const feeds = items.map(
    (list, s) =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${s}</title><link>https://outlet${s}.example/</link>${list.join('')}</channel></rss>`,
  );
  return { feeds, labels, copies, stories: stories.length };
}

/** Pairwise precision and recall of a clustering against the labels: pairs of items in one story vs one label. */
export function pairScores(assigned: { label: number; story: number }[]): {
  precision: number;
  recall: number;
  falseMerges: number;
  missed: number;
} {
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const count = (key: (a: { label: number; story: number }) => string) => {
    const map = new Map<string, number>();
    for (const a of assigned) map.set(key(a), (map.get(key(a)) ?? 0) + 1);
    return [...map.values()].reduce((sum, n) => sum + pairs(n), 0);
  };
  const both = count((a) => `${a.label}:${a.story}`);
  const sameStory = count((a) => String(a.story));
  const sameLabel = count((a) => String(a.label));
  return {
    precision: sameStory === 0 ? 1 : both / sameStory,
    recall: sameLabel === 0 ? 1 : both / sameLabel,
    falseMerges: sameStory - both,
    missed: sameLabel - both,
  };
}

import { textGenerator } from './random.js';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * RSS documents of `perFeed` items each; by default a quarter of the items are edited copies of earlier ones (they must
 * merge). With `copyRate: 0` every item is a distinct story.
 */
export function makeFeeds(
  seed: number,
  count: number,
  perFeed: number,
  { copyRate = 0.25 } = {},
): { feeds: string[]; copies: number } {
  const gen = textGenerator(seed);
  const stories: { title: string; paragraphs: string[] }[] = [];
  const items: string[] = [];
  let copies = 0;
  for (let i = 0; i < count; i++) {
    const copyOf = i > 20 && gen.random() < copyRate ? stories[Math.floor(gen.random() * stories.length)] : undefined;
    const story = copyOf
      ? { title: `UPDATE 1-${copyOf.title}`, paragraphs: [...copyOf.paragraphs.slice(0, -1), 'ADVERTISEMENT'] }
      : { title: gen.words(9), paragraphs: [gen.words(40), gen.words(45), gen.words(35), gen.words(30)] };
    if (copyOf) copies++;
    else stories.push(story);
    const html = story.paragraphs.map((p) => `<p>${p}</p>`).join('');
    items.push(
      `<item><title>${escapeXml(story.title)}</title><link>https://outlet${i % 7}.example/${seed}/${i}</link><guid>${seed}-${i}</guid>` +
        `<pubDate>${new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString()}</pubDate><description>${escapeXml(html)}</description></item>`,
    );
  }
  const feeds: string[] = [];
  for (let i = 0; i < items.length; i += perFeed) {
    feeds.push(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Bench ${i}</title><link>https://bench.example/</link>${items.slice(i, i + perFeed).join('')}</channel></rss>`,
    );
  }
  return { feeds, copies };
}

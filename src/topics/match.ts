import type { TopicConfig } from '../config/schema.js';
import { foldText } from '../util/text.js';

const WORD = '[\\p{L}\\p{N}]';
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "Ukrain*" → prefix match; "air defence" → the words in sequence; always whole words. */
export function compileTerm(term: string): RegExp {
  const folded = foldText(term.trim());
  const prefix = folded.endsWith('*');
  const words = (prefix ? folded.slice(0, -1) : folded)
    .split(/[\s-]+/)
    .filter(Boolean)
    .map(escapeRegex);
  const body = words.join('[\\s\\-\u2010-\u2015]+') + (prefix ? `${WORD}*` : '');
  return new RegExp(`(?<!${WORD})${body}(?!${WORD})`, 'u');
}

export interface TopicMatcher {
  id: string;
  matches(story: { title: string; text: string; sourceId: string; sourceTags: readonly string[] }): boolean;
}

export function compileTopic(topic: TopicConfig): TopicMatcher {
  const include = topic.include.map(compileTerm);
  const exclude = topic.exclude.map(compileTerm);
  const tags = topic.tags ? new Set(topic.tags) : undefined;
  const sources = topic.sources ? new Set(topic.sources) : undefined;
  return {
    id: topic.id,
    matches({ title, text, sourceId, sourceTags }) {
      if (sources && !sources.has(sourceId)) return false;
      if (tags && !sourceTags.some((t) => tags.has(t))) return false;
      const haystack = foldText(`${title}\n${text}`);
      if (include.length > 0 && !include.some((re) => re.test(haystack))) return false;
      return !exclude.some((re) => re.test(haystack));
    },
  };
}

import { createHash } from 'node:crypto';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Equal for the same title and story text, whatever the URL or markup around them. */
export const contentHashOf = (title: string, text: string) => sha256(`${title.toLowerCase()}\n${text.toLowerCase()}`);

/** An author as the formats need it: RSS 2.0 <author> takes only an email address, the others a name. */
export interface Person {
  name: string;
  email?: string;
}

const EMAIL = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\.]+$/;

/** Reads "Name", "a@b.example", "a@b.example (Name)" and "Name <a@b.example>"; a malformed address stays part of the name. */
export function parsePerson(raw: string | null | undefined): Person | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const rss = /^(\S+@\S+)\s*\((.+)\)$/.exec(text);
  if (rss && EMAIL.test(rss[1]!)) return { name: rss[2]!.trim() || rss[1]!, email: rss[1]! };
  const mailbox = /^(.*?)\s*<(\S+@\S+)>$/.exec(text);
  if (mailbox && EMAIL.test(mailbox[2]!))
    return { name: mailbox[1]!.replace(/^"(.*)"$/, '$1').trim() || mailbox[2]!, email: mailbox[2]! };
  if (EMAIL.test(text)) return { name: text, email: text };
  return { name: text };
}

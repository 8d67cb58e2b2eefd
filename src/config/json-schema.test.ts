import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.js';

it('config/sources.schema.json is up to date with the zod schema (npm run schema:json)', () => {
  const committed = JSON.parse(readFileSync('config/sources.schema.json', 'utf8')) as unknown;
  expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
});

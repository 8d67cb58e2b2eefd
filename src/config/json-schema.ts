import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema of the YAML file as people write it (input side: "15m" strings, optional defaults). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/tributary/tributary/config/sources.schema.json',
    title: 'Tributary sources.yaml',
  };
}

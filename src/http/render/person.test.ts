import { describe, expect, it } from 'vitest';
import { parsePerson } from './person.js';

describe('parsePerson', () => {
  it('reads the usual author forms', () => {
    expect(parsePerson('Jane Doe')).toEqual({ name: 'Jane Doe' });
    expect(parsePerson('jane@news.example')).toEqual({ name: 'jane@news.example', email: 'jane@news.example' });
    expect(parsePerson('jane@news.example (Jane Doe)')).toEqual({ name: 'Jane Doe', email: 'jane@news.example' });
    expect(parsePerson('"Doe, Jane" <jane@news.example>')).toEqual({ name: 'Doe, Jane', email: 'jane@news.example' });
    expect(parsePerson('  ')).toBeUndefined();
    expect(parsePerson(null)).toBeUndefined();
  });

  it('keeps anything that is not a clean address as a name', () => {
    expect(parsePerson('<script>@x.y</script>')).toEqual({ name: '<script>@x.y</script>' });
    expect(parsePerson('a@b (Name)')).toEqual({ name: 'a@b (Name)' });
    expect(parsePerson('Name <not an address>')).toEqual({ name: 'Name <not an address>' });
    expect(parsePerson('x"@evil.example')).toEqual({ name: 'x"@evil.example' });
  });
});

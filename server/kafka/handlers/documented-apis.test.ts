import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerRegistry } from './index';

describe("docs/kafka-clients.md's table of Kafka APIs", () => {
  it('lists exactly the registry: every served API with its key and versions, nothing else', () => {
    const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'docs', 'kafka-clients.md'), 'utf8');
    const table = doc.split('<!-- kafka-apis -->')[1]?.split('<!-- /kafka-apis -->')[0] ?? '';
    const listed = [...table.matchAll(/^\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)-(\d+)\s*\|$/gm)].map((m) => m.slice(1).join(' '));
    const served = [...handlerRegistry().values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => `${h.name} ${h.apiKey} ${h.minVersion} ${h.maxVersion}`);
    expect(listed).toEqual(served);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPIC_CONFIGS } from '@/server/kernel/config-defs';
import { MAX_TOPIC_NAME_LENGTH } from '@/server/kernel/topic-limits';

/**
 * The console takes the broker's defaults and limits from the broker's own (pure) modules: a copied
 * literal ('604800000' stood in two components) goes stale the day the broker's value changes.
 */
const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const consoleFiles = [...sourceFiles('components'), ...sourceFiles('app').filter((f) => !f.startsWith('app/api/'))];

describe('the console shares the broker’s knowledge instead of copying it', () => {
  it('has no copied topic-config default or topic limit in its sources', () => {
    const byValue = new Map<string, string[]>();
    for (const [name, def] of Object.entries(TOPIC_CONFIGS)) byValue.set(def.default, [...(byValue.get(def.default) ?? []), name]);
    const copied = [...byValue]
      .filter(([value]) => /^\d{5,}$/.test(value))
      .map(([value, names]) => ({ value, what: `default of ${names.join(' / ')}` }));
    const found: string[] = [];
    for (const file of consoleFiles) {
      const text = readFileSync(path.join(root, file), 'utf8');
      for (const c of copied) if (new RegExp(`\\b${c.value}\\b`).test(text)) found.push(`${file}: ${c.what} ${c.value}`);
      if (new RegExp(`\\b${MAX_TOPIC_NAME_LENGTH}\\b`).test(text)) found.push(`${file}: topic name limit ${MAX_TOPIC_NAME_LENGTH}`);
    }
    expect(found).toEqual([]);
  });

  it('sets refetch intervals only in the per-resource query hooks, from REFETCH_MS', () => {
    const found = consoleFiles.flatMap((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      const sites = [...text.matchAll(/refetchInterval:\s*([\w.]+)/g)].map((m) => m[1]);
      const hooks = file.endsWith('/queries.ts');
      return sites.filter((v) => !hooks || !v.startsWith('REFETCH_MS.')).map((v) => `${file}: refetchInterval ${v}`);
    });
    expect(found).toEqual([]);
  });

  it('builds "topic:partition" keys with server/kernel/topic-partition, never by hand', () => {
    const found = consoleFiles.filter((file) => /`\$\{[^}`]*\}:\$\{[^}`]*\}`/.test(readFileSync(path.join(root, file), 'utf8')));
    expect(found).toEqual([]);
  });
});

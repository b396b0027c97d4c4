/** Regenerate the configuration table in README.md from src/config/env.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceEnvTable } from '../src/config/docs.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, replaceEnvTable(readFileSync(path, 'utf8')));
console.error('README.md configuration table updated');

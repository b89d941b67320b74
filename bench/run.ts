import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench -- <name>` runs bench/<name>.ts. Each benchmark measures its figures against a
 * baseline taken in the same run and ends its output with one line `RESULT {json}`.
 */
const name = process.argv[2];
const available = readdirSync(__dirname)
  .filter((f) => /\.(ts|js)$/.test(f) && !/^run\./.test(f) && !f.endsWith('.d.ts'))
  .map((f) => f.replace(/\.(ts|js)$/, ''));
if (!name || !available.includes(name)) {
  process.stderr.write(`Usage: npm run bench -- <name>\nAvailable: ${available.join(', ') || '(none yet)'}\n`);
  process.exit(2);
}
const file = [join(__dirname, `${name}.ts`), join(__dirname, `${name}.js`)].find((f) => existsSync(f))!;
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(file);

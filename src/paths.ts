import fs from 'node:fs';
import path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`axilla-cds: no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The checkout (or installed package) root: hooks/, cards/ and schemas/ live here, in source and built runs alike. */
export const REPO_ROOT = findRepoRoot(__dirname);
export const SCHEMAS_DIR = path.join(REPO_ROOT, 'schemas');

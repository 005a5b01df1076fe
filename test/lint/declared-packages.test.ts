import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

// Every package the code imports is declared in package.json (a clean `npm ci` installs exactly
// those: one that only arrives as another's dependency can vanish with an upgrade).

const root = path.resolve(__dirname, '../..');
const FOLDERS = ['src', 'test', 'bench', 'chaos', 'scripts', 'bin'];
const SPECIFIER = /(?:from\s+|require\(|import\()'([^'.][^']*)'/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return /\.(ts|cjs|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

test('every imported package is declared in package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies ?? {}),
  ]);
  const files = [
    ...FOLDERS.flatMap((f) => sourceFiles(path.join(root, f))),
    ...fs
      .readdirSync(root)
      .filter((f) => /\.(ts|js|cjs|mjs)$/.test(f))
      .map((f) => path.join(root, f)),
  ];
  const undeclared = new Set<string>();
  for (const file of files) {
    for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (specifier!.startsWith('node:')) continue;
      const name = packageOf(specifier!);
      if (!builtinModules.includes(name) && !declared.has(name)) {
        undeclared.add(`${name} (${path.relative(root, file)})`);
      }
    }
  }
  expect([...undeclared]).toEqual([]);
});

const fs = require('node:fs');
const path = require('node:path');

/**
 * got ships as ESM only, and so do most of its dependencies. Jest's CommonJS runtime cannot
 * require them, so swc transforms exactly that dependency closure (found from package.json
 * files, so a got upgrade needs no list edits).
 */
function esmClosure(root) {
  const seen = new Set();
  const visit = (name, fromDir) => {
    // Node's resolution walk; require.resolve cannot be used as got's exports hide package.json.
    let pkgFile;
    for (let dir = fromDir; !pkgFile; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name, 'package.json');
      if (fs.existsSync(candidate)) pkgFile = candidate;
      else if (dir === path.dirname(dir)) return;
    }
    const key = `${name}@${pkgFile}`;
    if (seen.has(key)) return;
    seen.add(key);
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, path.dirname(pkgFile));
  };
  visit(root, __dirname);
  return [...new Set([...seen].map((key) => key.slice(0, key.indexOf('@', 1))))];
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmClosure('got').map(escape).join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60_000,
  // Jest exits when every test has closed what it opened; global-teardown fails the run, naming
  // what is still open, if something keeps it alive 30 s after the last test.
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-temporal-logging.ts'],
};

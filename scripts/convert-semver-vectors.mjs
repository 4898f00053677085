// Converts node-semver's test fixtures (test/fixtures/*.js of github.com/npm/node-semver) into
// tests/data/semver/vectors.json, read by tests/core/semver_test.cc.
// Usage: node scripts/convert-semver-vectors.mjs FIXTURES_DIR > tests/data/semver/vectors.json
// (FIXTURES_DIR holds the fixture files, with internal/constants.js beside them.)
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = path.resolve(process.argv[2]);
const require = createRequire(path.join(dir, 'x.js'));
// node-semver's parseOptions: a non-object means loose; of an object only truthy keys count.
function flags(options) {
  if (!options) return { loose: false, include_prerelease: false };
  if (typeof options !== 'object') return { loose: true, include_prerelease: false };
  return { loose: !!options.loose, include_prerelease: !!options.includePrerelease };
}
const pairs = (name) => require(`./${name}.js`)
  .filter((row) => typeof row[0] === 'string' && typeof row[1] === 'string')
  .map(([a, b, options]) => ({ a, b, ...flags(options) }));
const out = {
  source: 'github.com/npm/node-semver test/fixtures',
  comparisons: pairs('comparisons'),        // a > b
  equality: pairs('equality'),              // a == b
  range_include: pairs('range-include'),    // range a includes version b
  range_exclude: pairs('range-exclude'),    // range a excludes version b
  range_parse: require('./range-parse.js')  // range a desugars to b (null: invalid)
    .filter((row) => typeof row[0] === 'string')
    .map(([a, b, options]) => ({ a, b, ...flags(options) })),
  invalid_versions: require('./invalid-versions.js')
    .filter((row) => typeof row[0] === 'string')
    .map(([a, reason, options]) => ({ a, reason, ...flags(options) })),
  valid_versions: require('./valid-versions.js')
    .map(([a, major, minor, patch, prerelease, build]) =>
      ({ a, major, minor, patch, prerelease: prerelease.map(String), build })),
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');

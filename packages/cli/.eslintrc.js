module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The CLI ships as one bundle (scripts/build.mjs): the engine and `yaml`
    // are build-time inputs, so they are devDependencies and the published
    // package has no runtime dependencies at all.
    '@backstage/no-undeclared-imports': 'off',
  },
});

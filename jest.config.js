// swc strips types (tsc type-checks in `npm test`); decorator metadata must stay on or Nest injects undefined.
const swc = ['@swc/jest', {
  jsc: { parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' },
}];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|cookie|file-type|@electric-sql|uid|load-esm|@fastify|kysely|content-disposition)/)'],
  transform: { '^.+\\.(t|j|cj|mj)s$': swc },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/pglite-template.ts',
  globalTeardown: '<rootDir>/test/support/pglite-template-teardown.ts',
  maxWorkers: 2,
};

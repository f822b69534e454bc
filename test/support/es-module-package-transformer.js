/**
 * Jest's transform for the packages that ship as ES modules only (Jest's CommonJS loader cannot read them on Node
 * 20): @swc/jest compiles them to CommonJS, and the result runs inside a block. An ES module may declare its own
 * `__dirname` or `__filename` (from `import.meta.url`), which the wrapper around a CommonJS module already declares;
 * inside the block, the module's own shadows the wrapper's instead of being a syntax error.
 */
const { createHash } = require('node:crypto');
const swcJest = require('@swc/jest');

module.exports = {
  createTransformer(options) {
    const swc = swcJest.createTransformer(options);
    return {
      process(source, filename, jestOptions) {
        const { code, map } = swc.process(source, filename, jestOptions);
        return { code: `'use strict';{${code}\n}`, map };
      },
      getCacheKey(...args) {
        return createHash('sha1')
          .update(swc.getCacheKey(...args))
          .update('\0in a block')
          .digest('hex');
      },
    };
  },
};

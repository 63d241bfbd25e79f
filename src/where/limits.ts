/** Bounds on what one request may ask for; index.ts documents them for the README. */
export const LIMITS = { conditions: 100, inValues: 1000, depth: 16, rawLength: 2000 } as const satisfies {
  conditions: 100;
  inValues: 1000;
  depth: 16;
  rawLength: 2000;
};

/**
 * Further bounds: terms of `order`, columns of `select`, and the raw condition text of one
 * request (parsing costs about 10 ms per 1000 characters).
 */
export const MORE_LIMITS = { orderTerms: 32, selectColumns: 1000, rawTotalLength: 20000 } as const;

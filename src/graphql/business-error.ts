/**
 * Business failures (`err_code` ≠ 0) are typed results on the GraphQL face: fields that can
 * fail list `errors: { types: [BusinessError] }` and answer a union with `BusinessError`.
 */
import { BusinessError } from '../errors.js';
import { builder } from './builder.js';

builder.objectType(BusinessError, {
  name: 'BusinessError',
  description: 'A documented business failure: the same err_code and err_msg the legacy face answers.',
  fields: (t) => ({
    errCode: t.int({ description: 'The legacy `err_code`.', resolve: (e) => e.code }),
    message: t.exposeString('message', { description: 'The legacy `err_msg`.' }),
  }),
});

export { BusinessError };

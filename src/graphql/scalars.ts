import { JSONResolver } from 'graphql-scalars';
import { builder } from './builder.js';

/** Column values whose type depends on the table (numbers, strings, null). */
builder.addScalarType('JSON', JSONResolver);

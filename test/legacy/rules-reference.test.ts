/** docs/SERVICES.md is rendered from the service table; the checked-in file must match it. */
import { describe, expect, it } from 'vitest';
import { renderServiceReference } from '../../src/legacy/services/reference.js';

describe('service reference', () => {
  it('docs/SERVICES.md is what the service table renders (vitest -u rewrites it)', async () => {
    await expect(renderServiceReference()).toMatchFileSnapshot('../../docs/SERVICES.md');
  });
});

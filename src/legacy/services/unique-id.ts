import { uniqueId } from '../../operations/unique-id.js';
import { defineService } from '../service.js';

export const uniqueIdService = defineService({
  name: 'App.Common_UniqueId.GetUniqueId',
  summary: 'An id no other call answers, on any instance over the same main store: a positive integer below 2^53.',
  params: {},
  run: async (ctx) => ({ id: await uniqueId(ctx) }),
});

/** Every legacy service by name. Add a service by appending it here. */
import type { Service } from '../service.js';
import { addNewDatabaseConfig } from './databases.js';
import { helloWorld } from './hello.js';
import { messagePost, messageShow } from './messages.js';
import { freeTreeService } from './tree.js';
import { transferService } from './transfer.js';
import { TABLE_SERVICES_LEGACY } from './table.js';
import { MEMBER_SERVICES } from './members.js';
import { uniqueIdService } from './unique-id.js';
import { TASK_SERVICES } from './tasks.js';

export const SERVICES: readonly Service[] = [helloWorld, ...MEMBER_SERVICES, uniqueIdService, addNewDatabaseConfig, freeTreeService, transferService, messagePost, messageShow, ...TABLE_SERVICES_LEGACY, ...TASK_SERVICES];

const byName = new Map(SERVICES.map((s) => [s.name.toLowerCase(), s]));
/** The same, under each service's own spelling: the common call spells it so, and costs no lower-casing. */
const bySpelling = new Map(SERVICES.map((s) => [s.name, s]));

/** Service names are matched case-insensitively, as the platform does. */
export function findService(name: string): Service | undefined {
  return bySpelling.get(name) ?? byName.get(name.toLowerCase());
}

/** Every legacy service by name. Add a service by appending it here. */
import type { Service } from '../service.js';
import { addNewDatabaseConfig } from './databases.js';
import { helloWorld } from './hello.js';
import { messagePost, messageShow } from './messages.js';
import { freeTreeService } from './tree.js';
import { userCheck, userLogin, userLogout, userRegister } from './user.js';

export const SERVICES: readonly Service[] = [helloWorld, userRegister, userLogin, userCheck, userLogout, addNewDatabaseConfig, freeTreeService, messagePost, messageShow];

const byName = new Map(SERVICES.map((s) => [s.name.toLowerCase(), s]));

/** Service names are matched case-insensitively, as the platform does. */
export function findService(name: string): Service | undefined {
  return byName.get(name.toLowerCase());
}

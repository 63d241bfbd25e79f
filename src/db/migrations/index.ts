/** Every migration of yesgraph's own tables, in order. Append new ones at the end. */
import { apps } from './001_apps.js';
import { members } from './002_members.js';
import { messages } from './003_messages.js';
import { sealedAppSecrets } from './004_sealed_app_secrets.js';
import { instance } from './005_instance.js';
import { hostedTables } from './006_hosted_tables.js';
import { appGuards } from './007_app_guards.js';
import { memberProfiles } from './008_member_profiles.js';
import { callLog } from './009_call_log.js';
import { trustedDocuments } from './010_trusted_documents.js';
import { tasks } from './011_tasks.js';
import { callBatches } from './012_call_batches.js';
import type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [apps, members, messages, sealedAppSecrets, instance, hostedTables, appGuards, memberProfiles, callLog, trustedDocuments, tasks, callBatches];

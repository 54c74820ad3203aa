// The user source's part of the composition root (runtime.ts calls this once): from the
// user_source settings to the service the core's use cases take, or undefined when no
// USER_SOURCE_URL is configured.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/load-config.ts';
import type { Clock } from '../core/clock.ts';
import { SYSTEM_ACTOR } from '../core/model/audit.ts';
import type { AuditStore, UserStore } from '../core/ports/stores.ts';
import type { UserSourceService } from '../core/use-cases/user-sources.ts';
import { UserSyncRunner } from '../core/user-source/user-sync-runner.ts';
import { parseDuration } from '../config/user-source-schema.ts';
import type { Database } from '../db/client.ts';
import { createUserSourceStateStore } from '../db/user-source-state-store.ts';
import { createReservedLease, RESERVED_LEASE_KEYS } from '../db/reserved-lease.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { userSyncMetrics } from '../metrics/user-sync-metrics.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import { createSqlUserSource } from './sql-user-source.ts';
import { userRecordRules } from './user-record-rules.ts';

export interface UserSourceParts {
  config: Readonly<Config>;
  database: Database;
  users: UserStore;
  audit: AuditStore;
  clock: Clock;
  logger: CoreLogger & { child(fields: Record<string, unknown>): CoreLogger };
  metrics: Pick<Metrics, 'registry'>;
}

/** Identity of this process in the sync's lease. */
const holder = `user-sync:${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export function buildUserSource(parts: UserSourceParts): UserSourceService | undefined {
  const { config, database } = parts;
  const settings = config.userSource;
  if (settings.url === undefined || settings.query === undefined) return undefined;
  const timeZone = settings.timezone ?? config.timezone;
  const reader = createSqlUserSource({ url: settings.url, query: settings.query, timeZone });
  const state = createUserSourceStateStore(database);
  const lease = createReservedLease(
    database,
    RESERVED_LEASE_KEYS.userSync,
    holder,
    config.scan.leaseMs,
  );
  const runner = new UserSyncRunner({
    reader,
    users: parts.users,
    state,
    lease: createReservedLease(database, RESERVED_LEASE_KEYS.userSync, holder, config.scan.leaseMs),
    rules: userRecordRules,
    audit: parts.audit,
    actor: SYSTEM_ACTOR,
    clock: parts.clock,
    logger: parts.logger.child({ component: 'user-sync' }),
    observer: userSyncMetrics(parts.metrics.registry),
    settings: {
      cursorColumn: settings.cursor,
      onDelete: settings.onDelete,
      maxDeleteFraction: settings.maxDeleteFraction,
      timeZone,
      fullEveryMs: parseDuration(settings.fullEvery)!,
      pageSize: config.scan.pageSize,
    },
  });
  return { kind: reader.kind, cursorColumn: settings.cursor, timeZone, state, runner, lease };
}

// Runs once per `npm test`: starts a throwaway PostgreSQL cluster and MariaDB server, and
// builds one migrated template database per provider that has templates. Test files then clone a template (CREATE DATABASE …
// TEMPLATE for PostgreSQL, a file copy for SQLite) instead of migrating again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startMariaDbServer, type MariaDbServer } from './mariadb-server.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    mysqlAdminUrl: string;
    pgTemplateDatabase: string;
    sqliteTemplatePath: string;
  }
}

const TEMPLATE_DB = 'qm_template';
let cluster: PgCluster | undefined;
let mariadbServer: MariaDbServer | undefined;
let workDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  workDir = mkdtempSync(join(tmpdir(), 'qm-test-'));
  const sqliteTemplatePath = join(workDir, 'template.db');
  [cluster, mariadbServer] = await Promise.all([startPgCluster(), startMariaDbServer()]);
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await Promise.all([
    applyMigrations(cluster.urlFor(TEMPLATE_DB)),
    applyMigrations(`file:${sqliteTemplatePath}`),
  ]);
  project.provide('pgAdminUrl', cluster.adminUrl);
  project.provide('mysqlAdminUrl', mariadbServer.adminUrl);
  project.provide('pgTemplateDatabase', TEMPLATE_DB);
  project.provide('sqliteTemplatePath', sqliteTemplatePath);
}

export async function teardown(): Promise<void> {
  cluster?.stop();
  mariadbServer?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

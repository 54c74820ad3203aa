// Runs once per `npm test`: starts a throwaway PostgreSQL cluster and builds one migrated
// template database per provider. Test files then clone a template (CREATE DATABASE …
// TEMPLATE for PostgreSQL, a file copy for SQLite) instead of migrating again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDatabase: string;
    sqliteTemplatePath: string;
  }
}

const TEMPLATE_DB = 'qm_template';
let cluster: PgCluster | undefined;
let workDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  workDir = mkdtempSync(join(tmpdir(), 'qm-test-'));
  const sqliteTemplatePath = join(workDir, 'template.db');
  cluster = await startPgCluster();
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await Promise.all([
    applyMigrations(cluster.urlFor(TEMPLATE_DB)),
    applyMigrations(`file:${sqliteTemplatePath}`),
  ]);
  project.provide('pgAdminUrl', cluster.adminUrl);
  project.provide('pgTemplateDatabase', TEMPLATE_DB);
  project.provide('sqliteTemplatePath', sqliteTemplatePath);
}

export async function teardown(): Promise<void> {
  cluster?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsRepository } from './repositories/applications.repository';
import { AuditEventsRepository } from './repositories/audit-events.repository';
import { CryptoKeysRepository } from './repositories/crypto-keys.repository';
import { PrivateAppKeysRepository } from './repositories/private-app-keys.repository';
import { WorkspacesRepository } from './repositories/workspaces.repository';
import { Application, ApplicationSchema } from './schemas/application.schema';
import { AuditEvent, AuditEventSchema } from './schemas/audit-event.schema';
import { CryptoKey, CryptoKeySchema } from './schemas/crypto-key.schema';
import { PrivateAppKey, PrivateAppKeySchema } from './schemas/private-app-key.schema';
import { Workspace, WorkspaceSchema } from './schemas/workspace.schema';

const repositories = [
  WorkspacesRepository,
  ApplicationsRepository,
  CryptoKeysRepository,
  PrivateAppKeysRepository,
  AuditEventsRepository,
];

/** Workspaces, applications, their keys and audit records. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Workspace.name, schema: WorkspaceSchema },
      { name: Application.name, schema: ApplicationSchema },
      { name: CryptoKey.name, schema: CryptoKeySchema },
      { name: PrivateAppKey.name, schema: PrivateAppKeySchema },
      { name: AuditEvent.name, schema: AuditEventSchema },
    ]),
  ],
  providers: repositories,
  exports: repositories,
})
export class ApplicationsPersistenceModule {}

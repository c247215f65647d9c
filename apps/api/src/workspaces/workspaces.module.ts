import { Module } from '@nestjs/common';
import { ApplicationsPersistenceModule } from '../../../../libs/persistence/applications-persistence.module';
import { WorkspacesController } from './workspaces.controller';

@Module({
  imports: [ApplicationsPersistenceModule],
  controllers: [WorkspacesController],
})
export class WorkspacesModule {}

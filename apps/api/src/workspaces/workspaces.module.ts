import { Module } from '@nestjs/common';
import { ApplicationsPersistenceModule } from '../../../../libs/persistence/applications-persistence.module';
import { ConsolePersistenceModule } from '../../../../libs/persistence/console-persistence.module';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

@Module({
  imports: [ApplicationsPersistenceModule, ConsolePersistenceModule],
  controllers: [WorkspacesController],
  providers: [WorkspacesService],
})
export class WorkspacesModule {}

import { Module } from '@nestjs/common';
import { ApplicationsPersistenceModule } from '../../../../libs/persistence/applications-persistence.module';
import { ConsolePersistenceModule } from '../../../../libs/persistence/console-persistence.module';
import { ApplicationsModule } from '../applications/applications.module';
import { ConsoleSessionsService } from './console-sessions.service';
import { PortalSessionsController } from './portal-sessions.controller';
import { SessionController } from './session.controller';

/** The console's sign-in sessions and portal links (the pages themselves: console-pages.ts). */
@Module({
  imports: [ConsolePersistenceModule, ApplicationsPersistenceModule, ApplicationsModule],
  controllers: [SessionController, PortalSessionsController],
  providers: [ConsoleSessionsService],
})
export class ConsoleModule {}

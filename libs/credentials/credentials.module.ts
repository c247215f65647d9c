import { Module } from '@nestjs/common';
import { ApplicationsPersistenceModule } from '../persistence/applications-persistence.module';
import { CredentialsService } from './credentials.service';

@Module({
  imports: [ApplicationsPersistenceModule],
  providers: [CredentialsService],
  exports: [CredentialsService, ApplicationsPersistenceModule],
})
export class CredentialsModule {}

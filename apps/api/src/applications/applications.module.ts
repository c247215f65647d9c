import { Module } from '@nestjs/common';
import { PageCursors } from '../../../../libs/http/page-cursors';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { CryptoKeysController } from './crypto-keys.controller';
import { CryptoKeysService } from './crypto-keys.service';

@Module({
  imports: [CredentialsModule],
  controllers: [ApplicationsController, CryptoKeysController],
  providers: [ApplicationsService, CryptoKeysService, PageCursors],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}

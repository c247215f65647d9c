import { Global, Module } from '@nestjs/common';
import { Environment } from '../config/environment';
import { MasterKeyring, parseMasterKey } from './master-keyring';

/** The master keyring, from MASTER_KEY (current) and MASTER_KEY_PREVIOUS (still opening). */
export function masterKeyringFrom(
  env: Pick<Environment, 'MASTER_KEY' | 'MASTER_KEY_PREVIOUS'>,
): MasterKeyring {
  const previous = (env.MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .filter(Boolean)
    .map((key) => parseMasterKey(key, 'MASTER_KEY_PREVIOUS'));
  return new MasterKeyring(parseMasterKey(env.MASTER_KEY), previous);
}

@Global()
@Module({
  providers: [{ provide: MasterKeyring, inject: [Environment], useFactory: masterKeyringFrom }],
  exports: [MasterKeyring],
})
export class CryptoModule {}

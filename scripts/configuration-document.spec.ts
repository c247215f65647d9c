import { readFileSync } from 'node:fs';
import { CONFIGURATION_PAGE, configurationPage, settingsOf } from './configuration-document';

describe('docs/configuration.md', () => {
  it('lists every setting of the Environment class as it is defined (regenerate: npm run docs:config)', () => {
    expect(configurationPage()).toBe(readFileSync(CONFIGURATION_PAGE, 'utf8'));
  });

  it('takes the meaning from the doc comment and the default from the initializer or @default', () => {
    const source = `export class Environment {
      /** Where it listens. */
      PORT = 3_000;
      /**
       * Seals secrets.
       * @default (required)
       */
      MASTER_KEY: string;
      /** Said nowhere else. */
      OPTIONAL?: string;
    }`;
    expect(settingsOf(source)).toEqual([
      ['`PORT`', '`3000`', 'Where it listens.'],
      ['`MASTER_KEY`', '(required)', 'Seals secrets.'],
      ['`OPTIONAL`', '(none)', 'Said nowhere else.'],
    ]);
    expect(() => settingsOf('export class Environment { UNSAID = 1; }')).toThrow(/UNSAID has no doc comment/);
  });
});

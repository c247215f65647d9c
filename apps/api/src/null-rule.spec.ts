import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ApiError } from '../../../libs/http/api-error';
import { createValidationPipe, Nullable } from '../../../libs/http/validation';

type DtoClass = new () => object;

/** Every exported class of every dto/ folder of the API: the shapes of all it reads. */
async function allDtoClasses(): Promise<[string, DtoClass][]> {
  const classes: [string, DtoClass][] = [];
  for (const concept of readdirSync(__dirname, { withFileTypes: true })) {
    const dir = join(__dirname, concept.name, 'dto');
    if (!concept.isDirectory() || !readdirSync(join(__dirname, concept.name)).includes('dto')) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.dto.ts'))) {
      const exported = (await import(join(dir, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exported)) {
        if (typeof value === 'function') classes.push([`${concept.name}/${name}`, value as DtoClass]);
      }
    }
  }
  return classes;
}

const fieldsOf = (dto: DtoClass) => [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .map((meta) => meta.propertyName),
  ),
];
const nullableOf = (dto: DtoClass) =>
  new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .filter((meta) => meta.context === 'null clears this field')
      .map((meta) => meta.propertyName),
  );

/** The problems the pipe names for `field` when the body is `{ [field]: null }`. */
async function problemsForNull(dto: DtoClass, field: string): Promise<string[]> {
  try {
    await createValidationPipe().transform({ [field]: null }, { type: 'body', metatype: dto });
    return [];
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const details =
      (err.getResponse() as { details?: { field: string; problems: string[] }[] }).details ?? [];
    return details.filter((d) => d.field === field).flatMap((d) => d.problems);
  }
}

describe('the null rule, on every DTO the API reads', () => {
  it('holds on every field of every DTO: null refused, naming the field, unless null clears it', async () => {
    const inputs = (await allDtoClasses()).filter(([, dto]) => fieldsOf(dto).length > 0);
    // A rename of the folders would empty this walk.
    expect(inputs.length).toBeGreaterThanOrEqual(20);
    const wrong: string[] = [];
    for (const [name, dto] of inputs) {
      const nullable = nullableOf(dto);
      for (const field of fieldsOf(dto)) {
        const problems = await problemsForNull(dto, field);
        const refused = problems.includes(`${field} cannot be null: leave it out instead`);
        if (refused === nullable.has(field))
          wrong.push(`${name}.${field} ${refused ? 'refused' : 'accepted'}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reaches nested DTOs, and names the path', async () => {
    const { CreateWebhookDto } = await import('./webhooks/dto/webhook.dto');
    const error = await createValidationPipe()
      .transform(
        {
          name: 'n',
          url: 'https://example.com',
          retryPolicy: { initialInterval: null },
          headers: [{ key: 'X-A', value: null }],
        },
        { type: 'body', metatype: CreateWebhookDto },
      )
      .catch((err: ApiError) => err.getResponse() as { details: { field: string }[] });
    expect(error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['retryPolicy.initialInterval', 'headers.0.value']),
    );
  });

  it('lets a @Nullable field take null, as a clearing value', async () => {
    class Example {
      @Nullable() description?: string | null;
    }
    await expect(
      createValidationPipe().transform({ description: null }, { type: 'body', metatype: Example }),
    ).resolves.toEqual({ description: null });
  });
});

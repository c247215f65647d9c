import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, ValidateNested } from 'class-validator';
import { ApiError } from './api-error';
import { createValidationPipe } from './validation';

class HeaderDto {
  @IsString() key: string;
  @IsString() value: string;
}
class ExampleDto {
  @IsString() name: string;
  @IsInt() @Max(10) @Type(() => Number) limit: number;
  @ValidateNested({ each: true }) @Type(() => HeaderDto) headers: HeaderDto[];
}

const validate = (value: unknown) =>
  createValidationPipe().transform(value, { type: 'body', metatype: ExampleDto });

async function rejection(value: unknown): Promise<ApiError> {
  try {
    await validate(value);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the pipe to reject');
}

describe('validation pipe', () => {
  it('converts declared types and keeps valid input', async () => {
    await expect(
      validate({ name: 'n', limit: '3', headers: [{ key: 'k', value: 'v' }] }),
    ).resolves.toMatchObject({
      name: 'n',
      limit: 3,
    });
  });

  it('refuses fields the DTO does not declare, naming them (no mass assignment)', async () => {
    const error = await rejection({ name: 'n', limit: 1, headers: [], id: 'forged', status: 'active' });
    expect(error.getStatus()).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'id', problems: ['property id should not exist'] },
        { field: 'status', problems: ['property status should not exist'] },
      ]),
    );
  });

  it('names nested fields by their path and lists every problem', async () => {
    const error = await rejection({ name: 5, limit: 11, headers: [{ key: 'k' }] });
    const fields = (error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'limit', 'headers.0.value']));
    expect(error.message).toContain('limit: limit must not be greater than 10');
  });
});

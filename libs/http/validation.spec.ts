import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, ValidateNested } from 'class-validator';
import { ApiError } from './api-error';
import { IsDateTime, IsNotFuture } from './is-date-time.decorator';
import { IsDuration, IsShorterThan } from './is-duration.decorator';
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

class ScheduleDto {
  @IsDuration({ min: 0, max: 1e12 }) every: string;
  @IsDuration({ min: 0, max: 1e12 }) @IsShorterThan('every') grace: string;
  @IsDateTime() @IsNotFuture() since: Date;
}

const validate = (value: unknown, metatype: new () => object = ExampleDto) =>
  createValidationPipe().transform(value, { type: 'body', metatype });

async function rejection(value: unknown, metatype?: new () => object): Promise<ApiError> {
  try {
    await validate(value, metatype);
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

  it('compares a field with another: a grace shorter than its period, a since not in the future', async () => {
    const past = '2026-01-01T00:00:00Z';
    await expect(validate({ every: '2h', grace: 'PT119M', since: past }, ScheduleDto)).resolves.toBeDefined();
    const refused = async (body: object) =>
      ((await rejection(body, ScheduleDto)).details as { field: string; problems: string[] }[]).map(
        (d) => `${d.field}: ${d.problems.join('; ')}`,
      );
    expect(await refused({ every: '2h', grace: 'PT120M', since: past })).toEqual([
      'grace: grace must be shorter than every',
    ]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await refused({ every: '2h', grace: '1h', since: future })).toEqual([
      'since: since must not be in the future',
    ]);
    // An unreadable period is IsDuration's to name; the comparison says nothing of it.
    expect(await refused({ every: 'soon', grace: '1h', since: past })).toEqual([
      expect.stringMatching(/^every: every must be a duration/),
    ]);
  });
});

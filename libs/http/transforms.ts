import type { TransformFnParams } from 'class-transformer';

/** class-transformer: strings trimmed of surrounding space, anything else left for validation to refuse. */
export const trimmed = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? value.trim() : value;

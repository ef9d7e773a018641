/**
 * `value` when it is a whole number ≥ `minimum` (or Infinity, where `allowInfinity`); else a
 * RangeError that names the function and the option, the same sentence for every server option.
 */
export function checkCount(
  where: string,
  name: string,
  value: number,
  minimum: number,
  allowInfinity = false,
): number {
  if (
    !(value >= minimum) ||
    !(Number.isInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY))
  )
    throw new RangeError(
      `${where}: ${name} must be a whole number ≥ ${minimum}${allowInfinity ? ' or Infinity' : ''}; got ${value}.`,
    )
  return value
}

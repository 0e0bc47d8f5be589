/**
 * LOINC codes end in a mod-10 check digit (Luhn over the digits before the hyphen).
 * A typo such as 26688-1 for 26288-1 fails it, which is why the loader checks every LOINC code.
 *
 * @example isValidLoinc('36277-2') // true
 */
export function isValidLoinc(code: string): boolean {
  const match = /^(\d{1,7})-(\d)$/.exec(code);
  if (!match) return false;
  return loincCheckDigit(match[1]) === Number(match[2]);
}

function loincCheckDigit(body: string): number {
  let sum = 0;
  // From the rightmost digit, double every other digit starting with the rightmost.
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(body[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

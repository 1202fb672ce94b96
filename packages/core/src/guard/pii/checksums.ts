/** The Luhn check of card numbers; non-digits are ignored. */
export function passesLuhn(value: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let index = value.length - 1; index >= 0; index--) {
    const code = value.charCodeAt(index) - 48;
    if (code < 0 || code > 9) continue;
    digits++;
    let digit = code;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits > 0 && sum % 10 === 0;
}

/** The ISO 13616 mod-97 check of an IBAN; spaces are ignored, letters in any case. */
export function passesIbanChecksum(value: string): boolean {
  const compact = value.replace(/ /g, '').toUpperCase();
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  // Digit by digit keeps every intermediate below 2^31, so no BigInt is needed.
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + code - 48) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + code - 55) % 97;
    else return false;
  }
  return remainder === 1;
}

/** Whether a 9-digit US social security number could have been issued (SSA rules since 2011). */
export function isPlausibleSsn(digits: string): boolean {
  const area = digits.slice(0, 3);
  return area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

// Arithmetic modulo a prime with JavaScript's BigInt, and uniform random exponents.
//
// A ballot needs about eighty exponentiations in a 2048-bit group, every one
// of them of g or of the election key y (the prover knows every secret, so
// even the "fake" halves of its proofs can be written as powers of g and y:
// see proofs.js). A power of a fixed base is cheaper with a table of
// base^(d * 16^i) built once: one multiplication per hexadecimal digit of
// the exponent instead of a squaring per bit. The table costs about as much
// as three ordinary powers, so it pays from the fourth.

/** base ** exponent mod modulus, by left-to-right sliding windows over the exponent's bits. */
export function modPow(base, exponent, modulus) {
  if (exponent < 0n) throw new RangeError("negative exponent");
  base %= modulus;
  if (base < 0n) base += modulus;
  const bits = exponent.toString(2);
  const width = bits.length > 512 ? 5 : bits.length > 64 ? 4 : 1;
  // odd[k] = base ** (2k + 1)
  const odd = [base];
  const square = (base * base) % modulus;
  for (let k = 1; k < 1 << (width - 1); k++) odd.push((odd[k - 1] * square) % modulus);
  let result = 1n;
  let i = 0;
  while (i < bits.length) {
    if (bits[i] === "0") {
      result = (result * result) % modulus;
      i += 1;
      continue;
    }
    let j = Math.min(i + width, bits.length) - 1;
    while (bits[j] === "0") j -= 1;
    for (let k = i; k <= j; k++) result = (result * result) % modulus;
    result = (result * odd[(parseInt(bits.slice(i, j + 1), 2) - 1) >> 1]) % modulus;
    i = j + 1;
  }
  return result;
}

/** Powers of one element of a subgroup of order q, from a table of base ** (d * 16 ** i). */
export class FixedBase {
  constructor(base, p, q) {
    this.p = p;
    this.q = q;
    this.digits = q.toString(16).length;
    this.rows = null;
    this.base = base % p;
  }

  /** Build the table now (it is otherwise built by the first power). */
  warm() {
    if (this.rows !== null) return;
    const { p } = this;
    const rows = [];
    let step = this.base; // base ** (16 ** i)
    for (let i = 0; i < this.digits; i++) {
      const row = [1n, step];
      for (let d = 2; d < 16; d++) row.push((row[d - 1] * step) % p);
      rows.push(row);
      step = (row[15] * step) % p;
    }
    this.rows = rows;
  }

  /** base ** exponent, for any integer exponent (reduced modulo q first, which the subgroup allows). */
  pow(exponent) {
    this.warm();
    let e = exponent % this.q;
    if (e < 0n) e += this.q;
    const hex = e.toString(16);
    const { p, rows } = this;
    let result = 1n;
    for (let i = 0; i < hex.length; i++) {
      const digit = parseInt(hex[hex.length - 1 - i], 16);
      if (digit !== 0) result = (result * rows[i][digit]) % p;
    }
    return result;
  }
}

/** A big-endian byte string as a non-negative BigInt. */
export function fromBytes(bytes) {
  let hex = "0x0";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return BigInt(hex);
}

/**
 * A uniformly random integer in [0, limit), from the browser's cryptographic generator.
 *
 * Rejection sampling: draw as many bits as limit has and start again when
 * the draw is too big. Reducing a longer draw modulo limit would be slightly
 * biased, and a biased nonce can leak a signing key.
 */
export function randomBelow(limit) {
  const bits = limit.toString(2).length;
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  const topMask = 0xff >> (bytes.length * 8 - bits);
  for (;;) {
    crypto.getRandomValues(bytes);
    bytes[0] &= topMask;
    const value = fromBytes(bytes);
    if (value < limit) return value;
  }
}

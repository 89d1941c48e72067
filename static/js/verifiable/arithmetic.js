// Arithmetic modulo a prime with JavaScript's BigInt, and uniform random exponents.
//
// A ballot needs about eighty exponentiations in a 2048-bit group, every one
// of them of g or of the election key y (the prover knows every secret, so
// even the "fake" halves of its proofs can be written as powers of g and y:
// see proofs.js). A power of a fixed base is several times cheaper with a
// table built once per base (FixedBase); the table costs about as much as
// two ordinary powers, so it pays from the third.

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

/**
 * Powers of one element of a subgroup of order q, by Lim and Lee's fixed-base comb.
 *
 * An exponent of n bits is cut into h = 8 rows of a bits, each row into v
 * columns of b bits. The table holds, for each column j and each 8-bit
 * pattern u, the product of base ** 2 ** (i a + j b) over the rows i set
 * in u: v * 255 elements, built with n squarings and one multiplication
 * each. A power then costs b squarings and v * b = a multiplications
 * (288 in all for a 2047-bit exponent, against about 2,400 by squaring and
 * multiplying), because each step reads one bit of all eight rows at once.
 */
export class FixedBase {
  constructor(base, p, q, rows = 8, columns = 8) {
    this.p = p;
    this.q = q;
    this.base = base % p;
    this.h = rows;
    const bits = q.toString(2).length;
    this.b = Math.ceil(Math.ceil(bits / rows) / columns);
    this.v = columns;
    this.a = this.b * columns;
    this.table = null;
  }

  /** Build the table now (it is otherwise built by the first power). */
  warm() {
    if (this.table !== null) return;
    const { p, h, a, b, v } = this;
    // powers[i][j] = base ** 2 ** (i a + j b)
    const powers = Array.from({ length: h }, () => new Array(v));
    let current = this.base;
    for (let t = 0; t < h * a; t++) {
      if (t % b === 0) powers[Math.floor(t / a)][(t % a) / b] = current;
      current = (current * current) % p;
    }
    this.table = Array.from({ length: v }, (_, j) => {
      const column = [1n];
      for (let u = 1; u < 1 << h; u++) {
        const row = 31 - Math.clz32(u & -u); // the lowest row set in u
        column.push((column[u & (u - 1)] * powers[row][j]) % p);
      }
      return column;
    });
  }

  /** base ** exponent, for any integer exponent (reduced modulo q first, which the subgroup allows). */
  pow(exponent) {
    this.warm();
    let e = exponent % this.q;
    if (e < 0n) e += this.q;
    const { p, h, a, b, v, table } = this;
    const bits = e.toString(2);
    const top = bits.length - 1; // bit t of e is bits[top - t]
    let result = 1n;
    for (let k = b - 1; k >= 0; k--) {
      if (result !== 1n) result = (result * result) % p;
      for (let j = v - 1; j >= 0; j--) {
        let u = 0;
        for (let i = h - 1, t = (h - 1) * a + j * b + k; i >= 0; i--, t -= a) {
          u = (u << 1) | (t <= top && bits[top - t] === "1" ? 1 : 0);
        }
        if (u !== 0) result = (result * table[j][u]) % p;
      }
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

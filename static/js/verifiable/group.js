// The two groups Belenios 2.0 names, and its hash into exponents.
//
// The same numbers as ballots/verifiable/group.py (Belenios specification
// 2.0, section 5.1, and RFC 3526, section 3); a test checks both sides
// agree. Powers of g use one table per group, shared by every election.

import { FixedBase, fromBytes, modPow, randomBelow } from "./arithmetic.js";
import { sha256 } from "./hash.js";

const hex = (text) => BigInt("0x" + text);

class Group {
  constructor(name, p, q, g) {
    this.name = name;
    this.p = p;
    this.q = q;
    this.g = g;
    this.powersOfG = new FixedBase(g, p, q);
  }

  /** Whether x is in the subgroup of order q (not merely a number below p). */
  isElement(x) {
    return typeof x === "bigint" && x > 0n && x < this.p && modPow(x, this.q, this.p) === 1n;
  }

  randomExponent() {
    return randomBelow(this.q);
  }

  /** SHA-256 of the prefix then the elements in base 10, comma-separated, read big-endian, mod q. */
  async hashToExponent(prefix, elements) {
    const digest = await sha256(prefix + elements.map(String).join(","));
    return fromBytes(digest) % this.q;
  }
}

const BELENIOS_P = hex(
  "a3ef2d011fefb1b6e39e568fccdffb0fb7dc7ef3a791b6862791811d21fc35f2" +
    "1e6d36856b428030421f514ed40bfd4c06e092a495af8d79a2f85e0fb11c0ede" +
    "07dd973f9c53e50930c6e82ac36de1ae3fb8c3aabfff12ce27a5022ddd8912d1" +
    "07435012768a2cdd0a4091d8fa447f6c7ebc15a349fa318a6b4fe17d8d47e843" +
    "a3e14dfa9b2162f4d7229abe93a188b46b006517d6f6747ebbb29c9ec3099b60" +
    "7f18fb1a8bc858279aa8599411d998d3e3fada9e010840d082d8c31911acdd4a" +
    "0e7992d0f18cc759cb5de0acf66a3882555bc810941e021b6a4ccfa04ee4008f" +
    "878affa2375e2999b44f6cef17d707301e59e0e6351e051ed9cec4157646e64f",
);
const BELENIOS_Q = hex("adb6066a73522565f4daa0f2579db7f2f0fa90c2168bc709e20263387d55c491");
const BELENIOS_G = hex(
  "1307c1ab5f295885d7caa3a78a42415e31fd1c5807b61fb1e781878a52230a51" +
    "988b98c259597f9c5a9dfd001d26ba31d9d8976f01d95a1c8262ee68a0e92cea" +
    "541e5219e0d0d094301b894236823fe1d4bc04e29f3748aefd4f10d5b1a356a8" +
    "643e673fd9d215fc8fe5fb9cf9fdb8ea88fdb1a3381a697fdf9c2458570b06d2" +
    "6aef1be365fdd90165f397c6b870df8c1b9e519edcee8bb0f74b7a1615a274ba" +
    "60a7ea574a61f552d2dde0ce514e0927c4ff49b1964c4a913731ae4268d60d7f" +
    "22127b6cbba44d453ac8b72fd04e0991b7aeff04867d8724ac638f5f34100d2d" +
    "47aa680d43771902743d663f42d853c041e1c91fe3823f4bcf284308f1d7e653",
);
const RFC_3526_P = hex(
  "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74" +
    "020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437" +
    "4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed" +
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05" +
    "98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb" +
    "9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b" +
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718" +
    "3995497cea956ae515d2261898fa051015728e5a8aacaa68ffffffffffffffff",
);

export const GROUPS = {
  "BELENIOS-2048": new Group("BELENIOS-2048", BELENIOS_P, BELENIOS_Q, BELENIOS_G),
  "RFC-3526-2048": new Group("RFC-3526-2048", RFC_3526_P, (RFC_3526_P - 1n) / 2n, 2n),
};

/** The group an election's "group" field names; refuse any other. */
export function groupNamed(name) {
  if (!Object.hasOwn(GROUPS, name)) {
    throw new Error(`unknown group ${JSON.stringify(name)}: Belenios 2.0 knows ${Object.keys(GROUPS).join(", ")}`);
  }
  return GROUPS[name];
}

// One encrypted answer to a non-homomorphic question (a ranking), with its proof.
//
// As ballots/verifiable/nonhomomorphic.py makes and checks it (Belenios 2.0):
// the vector of small integers (a rank per candidate, 0 for not ranked) is
// packed into one number, each integer in 8 bits then 8 bits of padding
// chosen so the number is a group element, and encrypted once as
// (g ** r, y ** r * packed). The proof is a Schnorr proof of knowing r,
// bound to the ballot (prefix raweg|S0|y,alpha,beta|): nobody can copy
// another voter's ciphertext into their own ballot to learn their ranking
// when the rankings are revealed.

import { modPow } from "./arithmetic.js";
import { mod } from "./proofs.js";

export const BITS_PER_INT = 8;
export const PADDING = 8;

/** Refuse a vector the embedding cannot hold, before anything is encrypted. */
export function checkPlainNhAnswer(question, plain, where) {
  const limit = 1 << BITS_PER_INT;
  if (!Array.isArray(plain) || plain.length !== question.width || !plain.every((v) => Number.isInteger(v) && v >= 0 && v < limit)) {
    throw new Error(`${where} needs ${question.width} integers, each from 0 to ${limit - 1}`);
  }
}

/** group_encode: pack the integers, then the first padding that makes a group element. */
export function encode(group, values) {
  let packed = 0n;
  for (const v of values) packed = (packed << BigInt(BITS_PER_INT)) | BigInt(v);
  packed <<= BigInt(PADDING);
  for (let padding = 0n; padding < 1n << BigInt(PADDING); padding++) {
    if (group.isElement(packed + padding)) return packed + padding;
  }
  throw new Error("no padding makes this answer a group element");
}

/** group_decode: the width integers packed in an element. */
export function decode(width, element) {
  let packed = element >> BigInt(PADDING);
  const mask = (1n << BigInt(BITS_PER_INT)) - 1n;
  const values = [];
  for (let i = 0; i < width; i++) {
    values.push(Number(packed & mask));
    packed >>= BigInt(BITS_PER_INT);
  }
  return values.reverse();
}

/** Encrypt a vector (checkPlainNhAnswer first) and prove knowing its randomness; returns { answer, randomness }. */
export async function encryptNhAnswer(election, s0, plain) {
  const { group, powersOfY, publicKey } = election;
  const r = group.randomExponent();
  const alpha = group.powersOfG.pow(r);
  const beta = (powersOfY.pow(r) * encode(group, plain)) % group.p;
  const w = group.randomExponent();
  const challenge = await group.hashToExponent(`raweg|${s0}|${publicKey},${alpha},${beta}|`, [group.powersOfG.pow(w)]);
  const response = mod(w - r * challenge, group.q);
  const answer = {
    choices: { alpha: alpha.toString(), beta: beta.toString() },
    proof: { challenge: challenge.toString(), response: response.toString() },
  };
  return { answer, randomness: [r] };
}

/** The vector an audited answer holds, given its revealed randomness; throws when it is not its encryption. */
export function openNhAnswer(election, question, choices, r, where) {
  const { group } = election;
  const alpha = BigInt(choices.alpha);
  if (alpha !== group.powersOfG.pow(r)) throw new Error(`${where}: the revealed randomness does not make this ciphertext`);
  const inverse = modPow(election.powersOfY.pow(r), group.p - 2n, group.p);
  return decode(question.width, (BigInt(choices.beta) * inverse) % group.p);
}

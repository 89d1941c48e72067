// Zero-knowledge proofs, made by the voter's browser (Fiat-Shamir, SHA-256).
//
// The same proofs as ballots/verifiable/proofs.py, which checks them:
//
// * proveExponent: a Schnorr proof of knowing x with X = g ** x (the ballot's
//   signature by the voter's credential);
// * proveOneOf: given pairs (a_j, b_j), at least one is (g ** r, y ** r),
//   without saying which (a choice holds 0 or 1; a count lies in min..max).
//
// One difference in how, not in what: a verifier sees each pair only as two
// group elements, but the browser made every ciphertext and knows each
// pair's randomness r_j and the gap d_j between what it holds and what the
// pair tests for, so a_j = g ** r_j and b_j = y ** r_j * g ** d_j. The
// commitments of a faked disjunct, g ** s * a_j ** c and y ** s * b_j ** c,
// are then g ** (s + r_j c) and y ** (s + r_j c) * g ** (d_j c): powers of
// the two fixed bases only, which the precomputed tables make several times
// cheaper. The numbers are the same ones the textbook formula gives.

/** Prove knowledge of secret with g ** secret, bound to prefix. */
export async function proveExponent(election, secret, prefix) {
  const { group } = election;
  const w = group.randomExponent();
  const challenge = await group.hashToExponent(prefix, [group.powersOfG.pow(w)]);
  return { challenge, response: mod(w - secret * challenge, group.q) };
}

/**
 * Prove one of the pairs {r, delta} hides 0 (delta = 0 at trueIndex), hiding which.
 *
 * pairs[j] stands for (g ** r, y ** r * g ** delta); the one at trueIndex
 * must have delta 0, and its r is the secret the proof is about.
 */
export async function proveOneOf(election, pairs, trueIndex, prefix) {
  const { group, powersOfY } = election;
  const { p, q, powersOfG } = group;
  if (pairs[trueIndex].delta !== 0n) throw new Error("the true disjunct must hold 0");
  const w = group.randomExponent();
  const proofs = [];
  const commitments = [];
  let faked = 0n;
  pairs.forEach(({ r, delta }, j) => {
    if (j === trueIndex) {
      proofs.push(null);
      commitments.push(powersOfG.pow(w), powersOfY.pow(w));
      return;
    }
    const challenge = group.randomExponent();
    const response = group.randomExponent();
    const exponent = response + r * challenge;
    proofs.push({ challenge, response });
    commitments.push(powersOfG.pow(exponent), (powersOfY.pow(exponent) * powersOfG.pow(delta * challenge)) % p);
    faked += challenge;
  });
  const challenge = mod((await group.hashToExponent(prefix, commitments)) - faked, q);
  proofs[trueIndex] = { challenge, response: mod(w - pairs[trueIndex].r * challenge, q) };
  return proofs;
}

export function mod(x, q) {
  const r = x % q;
  return r < 0n ? r + q : r;
}

/** A proof as Belenios writes it: fields in this order, numbers in base 10. */
export function proofJson({ challenge, response }) {
  return { challenge: challenge.toString(), response: response.toString() };
}

// One encrypted answer to a homomorphic question, with its proofs.
//
// As ballots/verifiable/answers.py makes and checks them (Belenios 2.0): one
// ElGamal ciphertext (g ** r, y ** r * g ** m) per answer, m being 0 or 1,
// with a blank flag first when the question allows a blank vote; a proof
// per ciphertext that it holds 0 or 1; an overall proof that the number
// chosen lies in min..max (or, with blank allowed, that the vote is blank
// or in range, plus a blank proof that it is not both).

import { mod, proofJson, proveOneOf } from "./proofs.js";

/** Refuse choices the question does not allow, before anything is encrypted. */
export function checkPlainAnswer(question, plain, where) {
  if (!Array.isArray(plain) || plain.length !== question.width || !plain.every((m) => m === 0 || m === 1)) {
    throw new Error(`${where} needs ${question.width} values, each 0 or 1`);
  }
  const chosen = (question.blank ? plain.slice(1) : plain).reduce((a, b) => a + b, 0);
  if (question.blank && plain[0] === 1) {
    if (chosen) throw new Error(`${where} is blank, so it may not choose anything`);
  } else if (!(question.min <= chosen && chosen <= question.max)) {
    throw new Error(`${where} must choose between ${question.min} and ${question.max} answers`);
  }
}

/** The ciphertexts of 0/1 values under the election key, with the given randomness. */
export function encryptChoices(election, plain, randomness) {
  const { powersOfG, p } = election.group;
  return plain.map((m, i) => ({
    alpha: powersOfG.pow(randomness[i]),
    beta: m ? (election.powersOfY.pow(randomness[i]) * election.group.g) % p : election.powersOfY.pow(randomness[i]),
  }));
}

function product(choices, p) {
  return choices.reduce((t, c) => ({ alpha: (t.alpha * c.alpha) % p, beta: (t.beta * c.beta) % p }), { alpha: 1n, beta: 1n });
}

const text = (c) => `${c.alpha},${c.beta}`;
const range = (low, high) => Array.from({ length: high - low + 1 }, (_, i) => low + i);

/**
 * Encrypt one question's 0/1 values (checkPlainAnswer first) and prove them well formed.
 *
 * Returns the answer as Belenios writes it and the randomness of each
 * ciphertext, which only a Benaloh audit may ever reveal.
 */
export async function encryptAnswer(election, question, s0, plain) {
  const { group } = election;
  const { p, q } = group;
  const randomness = plain.map(() => group.randomExponent());
  const choices = encryptChoices(election, plain, randomness);
  const individual = [];
  for (const [i, c] of choices.entries()) {
    const m = BigInt(plain[i]);
    const pairs = [0n, 1n].map((v) => ({ r: randomness[i], delta: m - v }));
    individual.push(await proveOneOf(election, pairs, plain[i], `prove|${s0}|${text(c)}|`));
  }
  const s = `${s0}|${choices.map(text).join(",")}`;
  const first = question.blank ? 1 : 0;
  const total = product(choices.slice(first), p);
  const totalR = mod(randomness.slice(first).reduce((a, b) => a + b, 0n), q);
  const chosen = plain.slice(first).reduce((a, b) => a + b, 0);
  const allowed = range(question.min, question.max);
  const answer = { choices: choices.map((c) => ({ alpha: c.alpha.toString(), beta: c.beta.toString() })) };
  answer.individual_proofs = individual.map((proofs) => proofs.map(proofJson));
  const totalPairs = allowed.map((k) => ({ r: totalR, delta: BigInt(chosen - k) }));
  if (!question.blank) {
    const overall = await proveOneOf(election, totalPairs, chosen - question.min, `prove|${s}|${text(total)}|`);
    answer.overall_proof = overall.map(proofJson);
    return { answer, randomness };
  }
  const flagR = randomness[0];
  const blankPairs = [
    { r: flagR, delta: BigInt(plain[0]) },
    { r: totalR, delta: BigInt(chosen) },
  ];
  const overallPairs = [{ r: flagR, delta: BigInt(plain[0] - 1) }, ...totalPairs];
  const isBlank = plain[0] === 1;
  const blankProof = await proveOneOf(election, blankPairs, isBlank ? 1 : 0, `bproof0|${s}|`);
  const overall = await proveOneOf(election, overallPairs, isBlank ? 0 : 1 + chosen - question.min, `bproof1|${s}|`);
  answer.overall_proof = overall.map(proofJson);
  answer.blank_proof = blankProof.map(proofJson);
  return { answer, randomness };
}

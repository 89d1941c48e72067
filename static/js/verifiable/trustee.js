// A trustee's work in their own browser: a key pair, and a partial decryption.
//
// The key pair is Belenios' "Single" trustee key (as belenios-tool setup
// generate-trustee-key makes it): a private exponent x, kept in a file the
// browser downloads and never sends, and the public key X = g ** x with a
// Schnorr proof of knowing x (prefix pok|group|X|), which the server checks
// (ballots/verifiable/trustees.py): it shows the trustee holds the key, so
// nobody can publish a key built from the others' to decrypt alone.
//
// The partial decryption is, for every ciphertext (alpha, beta) of the
// tally to decrypt, the factor alpha ** x with a Chaum-Pedersen proof that
// the same x links g to X and alpha to the factor (prefix
// decrypt|fingerprint|X|), as ballots/verifiable/decryption.py checks.

import { modPow } from "./arithmetic.js";
import { groupNamed } from "./group.js";
import { mod, proofJson } from "./proofs.js";

/** A fresh key pair: { privateKey, publicKey }, each the exact text of belenios-tool's files. */
export async function generateTrusteeKey(groupName) {
  const group = groupNamed(groupName);
  const x = group.randomExponent();
  const X = group.powersOfG.pow(x);
  const w = group.randomExponent();
  const challenge = await group.hashToExponent(`pok|${group.name}|${X}|`, [group.powersOfG.pow(w)]);
  const pok = proofJson({ challenge, response: mod(w - x * challenge, group.q) });
  return { privateKey: JSON.stringify(x.toString()), publicKey: JSON.stringify({ pok, public_key: X.toString() }) };
}

/** The private exponent in a .privkey file's text (a base-10 number in a JSON string), checked against the group. */
export function readPrivateKey(text, group) {
  let value;
  try {
    value = JSON.parse(text.trim());
  } catch {
    throw new Error("the key file is not a Belenios private key (a number in quotes)");
  }
  if (typeof value !== "string" || !/^[0-9]{1,700}$/.test(value)) throw new Error("the key file is not a Belenios private key");
  const x = BigInt(value);
  if (x <= 0n || x >= group.q) throw new Error("the private key is not an exponent of this election's group");
  return x;
}

/**
 * The partial_decryption text for a tally (per question, a list of {alpha, beta}).
 *
 * Refuses a key whose public half is not one of the election's trustees'
 * (expectedPublicKey), so a wrong file is caught here rather than by the server.
 */
export async function partialDecryption(election, privateKeyText, tally, expectedPublicKey, onProgress) {
  const x = readPrivateKey(privateKeyText, election.group);
  const X = election.group.powersOfG.pow(x);
  if (expectedPublicKey !== undefined && X.toString() !== String(expectedPublicKey)) {
    throw new Error("this key file is not your key for this ballot (its public half differs from the one you uploaded)");
  }
  return decryptWithExponent(election, x, tally, onProgress);
}

/**
 * The partial_decryption text made with the exponent x itself: a Single trustee's private key, or a
 * threshold trustee's key share (opened by threshold.js' decryptionKey), whose public half is its
 * verification key. The proofs are the same; the server checks them against that key.
 */
export async function decryptWithExponent(election, x, tally, onProgress) {
  const { group } = election;
  const X = group.powersOfG.pow(x);
  const prefix = `decrypt|${election.fingerprint}|${X}|`;
  const total = tally.reduce((n, row) => n + row.length, 0);
  let done = 0;
  const factors = [];
  const proofs = [];
  for (const row of tally) {
    const rowFactors = [];
    const rowProofs = [];
    for (const c of row) {
      const alpha = BigInt(c.alpha);
      if (!group.isElement(alpha)) throw new Error("the tally holds a number outside the group");
      rowFactors.push(modPow(alpha, x, group.p).toString());
      const w = group.randomExponent();
      const challenge = await group.hashToExponent(prefix, [group.powersOfG.pow(w), modPow(alpha, w, group.p)]);
      rowProofs.push(proofJson({ challenge, response: mod(w - x * challenge, group.q) }));
      done += 1;
      if (onProgress) onProgress(done, total);
    }
    factors.push(rowFactors);
    proofs.push(rowProofs);
  }
  return JSON.stringify({ decryption_factors: factors, decryption_proofs: proofs });
}

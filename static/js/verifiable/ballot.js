// A whole Belenios 2.0 ballot, encrypted and signed in the voter's browser.
//
// The server checks it with ballots/verifiable/ballot.py (check_ballot) and
// anyone can check it with belenios-tool: the exact text matters, because
// the signature covers the hash of the ballot's compact JSON (fields in
// Belenios' order) and the voter's tracker is the hash of the whole text.
// JSON.stringify writes that compact form, objects in insertion order.

import { checkPlainAnswer, encryptAnswer } from "./answers.js";
import { checkPlainNhAnswer, encryptNhAnswer } from "./nonhomomorphic.js";
import { credentialSecret } from "./credential.js";
import { sha256B64 } from "./hash.js";
import { proofJson, proveExponent } from "./proofs.js";

/**
 * Encrypt choices (per question: an array of 0/1, or for a non-homomorphic
 * question one small integer per answer, such as ranks) into a signed ballot.
 *
 * Returns { ballot, tracker, randomness }: the exact text to send, its
 * tracker (what the voter later finds on the public board) and the
 * randomness of every ciphertext. Send the ballot and forget the
 * randomness; reveal it only to audit a ballot that will not be cast
 * (audit.js). Throws for choices the questions do not allow, so the
 * browser never makes a ballot the server will refuse.
 */
export async function createBallot(election, credential, choices) {
  if (!Array.isArray(choices) || choices.length !== election.questions.length) {
    throw new Error(`expected choices for ${election.questions.length} questions`);
  }
  election.questions.forEach((question, i) =>
    (question.nonHomomorphic ? checkPlainNhAnswer : checkPlainAnswer)(question, choices[i], `question ${i}`),
  );
  const { group } = election;
  const secret = await credentialSecret(election, credential);
  const publicCredential = group.powersOfG.pow(secret);
  const s0 = `${election.fingerprint}|${publicCredential}`;
  const answers = [];
  const randomness = [];
  for (const [i, question] of election.questions.entries()) {
    const encrypted = question.nonHomomorphic
      ? await encryptNhAnswer(election, s0, choices[i])
      : await encryptAnswer(election, question, s0, choices[i]);
    answers.push(encrypted.answer);
    randomness.push(encrypted.randomness);
  }
  const unsigned = {
    election_uuid: election.uuid,
    election_hash: election.fingerprint,
    credential: publicCredential.toString(),
    answers,
  };
  const hash = await sha256B64(JSON.stringify(unsigned));
  const proof = await proveExponent(election, secret, `sig|${hash}|`);
  const ballot = JSON.stringify({ ...unsigned, signature: { hash, proof: proofJson(proof) } });
  return { ballot, tracker: await sha256B64(ballot), randomness };
}

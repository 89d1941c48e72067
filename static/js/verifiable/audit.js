// The Benaloh challenge: the voter may audit an encrypted ballot instead of casting it.
//
// A voter cannot see inside a ciphertext, so a dishonest page could encrypt
// another choice than the one shown. The answer is to let the voter
// challenge any encrypted ballot: the browser then reveals the randomness
// of every ciphertext, and anyone (this code, ballots/verifiable/audit.py,
// another device) re-encrypts with it and sees which choices the ballot
// holds. The page cannot know beforehand which ballot will be challenged,
// so cheating is caught with the probability that the voter audits. An
// audited ballot is spoiled: its secret is out, so it must never be cast,
// and the browser encrypts the choices afresh with new randomness.

import { encryptChoices } from "./answers.js";
import { createBallot } from "./ballot.js";
import { openNhAnswer } from "./nonhomomorphic.js";

/** The audit record of a ballot that will not be cast: its text and its randomness, in base 10. */
export function revealBallot({ ballot, tracker, randomness }) {
  return { ballot, tracker, randomness: randomness.map((rs) => rs.map(String)) };
}

/**
 * Which choices an audited ballot holds: re-encrypt 0 and 1 with each revealed randomness and compare.
 *
 * Throws, naming the ciphertext, when one is the encryption of neither
 * with its randomness: then the ballot is not what the page said it was.
 */
export function openBallot(election, record) {
  const data = JSON.parse(record.ballot);
  if (data.election_uuid !== election.uuid || data.election_hash !== election.fingerprint) {
    throw new Error("the audited ballot is for another election");
  }
  return election.questions.map((question, i) => {
    const choices = data.answers[i].choices;
    const randomness = record.randomness[i].map((r) => BigInt(r));
    if (question.nonHomomorphic) return openNhAnswer(election, question, choices, randomness[0], `question ${i}`);
    if (choices.length !== question.width || randomness.length !== question.width) {
      throw new Error(`question ${i} has ${question.width} choices`);
    }
    const zeros = encryptChoices(election, choices.map(() => 0), randomness);
    return choices.map((c, j) => {
      const alpha = BigInt(c.alpha);
      const beta = BigInt(c.beta);
      if (alpha === zeros[j].alpha && beta === zeros[j].beta) return 0;
      if (alpha === zeros[j].alpha && beta === (zeros[j].beta * election.group.g) % election.group.p) return 1;
      throw new Error(`question ${i}, choice ${j} is not an encryption of 0 or 1 with its revealed randomness`);
    });
  });
}

/**
 * One Benaloh challenge: encrypt the choices, reveal, check, and encrypt afresh.
 *
 * Returns { audited, held, matches, fresh }: the spoiled ballot's record
 * (to show the voter and to let another device check it), the choices it
 * was found to hold, whether they are the voter's, and a new ballot made
 * with new randomness, which the voter may cast or audit again.
 */
export async function benalohChallenge(election, credential, choices) {
  const audited = revealBallot(await createBallot(election, credential, choices));
  const held = openBallot(election, audited);
  const matches = JSON.stringify(held) === JSON.stringify(choices);
  return { audited, held, matches, fresh: await createBallot(election, credential, choices) };
}

// Reading a Belenios 2.0 election (election.json) in the voter's browser.
//
// The election is kept with its exact text: its fingerprint is the SHA-256
// of that text, every ballot names it and hashes it into its proofs, so the
// text must be the one the server published, byte for byte (parse it and
// write it back and the fingerprint changes). Homomorphic questions
// (choose min..max answers, perhaps blank) and non-homomorphic ones (a
// small integer per answer, such as a rank) are read, as on the server
// (ballots/verifiable/election.py).

import { FixedBase } from "./arithmetic.js";
import { groupNamed } from "./group.js";
import { sha256B64 } from "./hash.js";

const DIGITS = /^(0|[1-9][0-9]*)$/;

function bigField(data, name) {
  const value = data[name];
  if (typeof value !== "string" || value.length > 1000 || !DIGITS.test(value)) {
    throw new Error(`the election's ${name} must be a base-10 number in a JSON string`);
  }
  return BigInt(value);
}

function readQuestion(data, index) {
  const where = `questions[${index}]`;
  if (data === null || typeof data !== "object") throw new Error(`${where} must be a JSON object`);
  if ("type" in data) {
    if (data.type !== "NonHomomorphic") throw new Error(`${where} is a ${JSON.stringify(data.type)} question, which is not supported`);
    const value = data.value ?? {};
    if (!Array.isArray(value.answers) || !value.answers.every((a) => typeof a === "string")) throw new Error(`${where}.answers must be texts`);
    return { text: value.question, answers: value.answers, nonHomomorphic: true, width: value.answers.length };
  }
  const { answers, min, max } = data;
  const blank = data.blank ?? false;
  if (!Array.isArray(answers) || !answers.every((a) => typeof a === "string")) throw new Error(`${where}.answers must be texts`);
  if (!Number.isInteger(min) || !Number.isInteger(max) || !(0 <= min && min <= max && max <= answers.length)) {
    throw new Error(`${where} needs 0 <= min <= max <= number of answers`);
  }
  if (typeof blank !== "boolean") throw new Error(`${where}.blank must be true or false`);
  return { text: data.question, answers, min, max, blank, width: answers.length + (blank ? 1 : 0) };
}

/** Parse election.json's exact text into what a ballot is made against. */
export async function readElection(raw) {
  const data = JSON.parse(raw);
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("the election must be a JSON object");
  if (data.version !== 1) throw new Error(`election version ${JSON.stringify(data.version)} is not supported (Belenios 2.0 writes 1)`);
  const group = groupNamed(data.group);
  const publicKey = bigField(data, "public_key");
  if (!group.isElement(publicKey)) throw new Error("the election's public_key is not in its group");
  if (typeof data.uuid !== "string") throw new Error("the election's uuid must be a text");
  if (!Array.isArray(data.questions)) throw new Error("the election's questions must be a JSON array");
  return {
    raw,
    fingerprint: await sha256B64(raw),
    uuid: data.uuid,
    group,
    publicKey,
    powersOfY: new FixedBase(publicKey, group.p, group.q),
    questions: data.questions.map(readQuestion),
  };
}

/** Build the tables of powers of g and y now, e.g. while the voter reads the paper. */
export function warm(election) {
  election.group.powersOfG.warm();
  election.powersOfY.warm();
}

// Verifiable ballots in Belenios 2.0's format, made in the voter's browser.
//
// Load as <script type="module">; no build step. The pieces:
//   election.js  read election.json's exact text (and warm the tables);
//   ballot.js    encrypt, prove and sign a ballot, and its tracker;
//   audit.js     the Benaloh challenge (reveal, re-encrypt, compare);
//   nonhomomorphic.js  a ranking packed and encrypted as one ciphertext;
//   trustee.js   a trustee's key pair and partial decryption;
//   answers.js, proofs.js, credential.js, group.js, hash.js, arithmetic.js
//                what those are built from.
// The server checks every ballot with ballots/verifiable/ballot.py; the
// tests check the ballots against belenios-tool too.

export { benalohChallenge, openBallot, revealBallot } from "./audit.js";
export { createBallot } from "./ballot.js";
export { isValidCredential } from "./credential.js";
export { readElection, warm } from "./election.js";
export { generateTrusteeKey, partialDecryption, readPrivateKey } from "./trustee.js";

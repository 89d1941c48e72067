// The voter's secret credential, turned into the key that signs the ballot.
//
// Same rules as ballots/verifiable/credentials.py: 15 Base58 characters
// (the last a checksum, which only catches typing mistakes), usually typed
// XXX-XXX-XXX-XXX-XXX; the secret exponent is PBKDF2-HMAC-SHA256 of the
// credential salted with the election's uuid, reduced modulo q. The
// credential never leaves the browser: the ballot carries only g to the
// secret and a signature.

import { fromBytes } from "./arithmetic.js";
import { pbkdf2 } from "./hash.js";

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const TOKEN_LENGTH = 14;

/** Whether a text has the shape and checksum of a Belenios secret credential. */
export function isValidCredential(credential) {
  let raw = credential;
  if (credential.length === TOKEN_LENGTH + 5) {
    if ([3, 7, 11, 15].some((i) => credential[i] !== "-")) return false;
    raw = credential.replaceAll("-", "");
  }
  if (raw.length !== TOKEN_LENGTH + 1) return false;
  let value = 0n;
  for (const char of raw.slice(0, TOKEN_LENGTH)) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) return false;
    value = value * 58n + BigInt(digit);
  }
  const checksum = BASE58.indexOf(raw[TOKEN_LENGTH]);
  return checksum >= 0 && (value + BigInt(checksum)) % 53n === 0n;
}

/** The secret signing exponent a credential gives in one election. */
export async function credentialSecret(election, credential) {
  if (!isValidCredential(credential)) {
    throw new Error("not a Belenios credential (15 Base58 characters with a valid checksum)");
  }
  return fromBytes(await pbkdf2(credential, election.uuid)) % election.group.q;
}

// The trustee's side of Belenios' threshold key ceremony, in the trustee's browser.
//
// The same messages as ballots/verifiable/threshold.py and pki.py (which the
// server uses to check them, and a test compares with): a seed the trustee
// keeps, from which a signing key (SHA-256 of "sk|" + seed) and a decryption
// key ("dk|" + seed) are derived; Schnorr signatures ("sigmsg|M|"); ElGamal
// plus AES-CCM encryption (key SHA-256("key|" + g^s), 13-byte nonce from
// SHA-256("iv|" + alpha), 8-byte tag), which Web Crypto lacks and is built
// here from AES-CTR and a CBC-MAC made with AES-CBC, as RFC 3610 defines it.
//
// Steps: certificate(seed) -> polynomial(seed, certificates, t) ->
// voutput(seed, certificates, vinput); decryptionKey opens the sealed share
// at the count. Every share received is checked against its sender's signed
// commitments before it is used; a bad one is refused by name.

import { fromBytes, modPow, randomBelow } from "./arithmetic.js";
import { sha256 } from "./hash.js";
import { groupNamed } from "./group.js";

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export class ThresholdError extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}

const mod = (x, q) => ((x % q) + q) % q;
const gPow = (group, e) => group.powersOfG.pow(mod(e, group.q));

/** A fresh seed: 22 Base58 characters from the browser's cryptographic generator. */
export function newSeed() {
  let seed = "";
  for (let i = 0; i < 22; i += 1) seed += BASE58[Number(randomBelow(58n))];
  return seed;
}

async function keysOf(seed) {
  if (seed.length !== 22 || [...seed].some((c) => !BASE58.includes(c))) {
    throw new ThresholdError("threshold_malformed", "a trustee's key is 22 Base58 characters");
  }
  return { sk: fromBytes(await sha256("sk|" + seed)), dk: fromBytes(await sha256("dk|" + seed)) };
}

async function sign(group, sk, message) {
  const w = group.randomExponent();
  const challenge = await group.hashToExponent(`sigmsg|${message}|`, [gPow(group, w)]);
  const response = mod(w - sk * challenge, group.q);
  return { message, signature: { challenge: String(challenge), response: String(response) } };
}

async function verify(group, vk, signed) {
  const c = BigInt(signed.signature.challenge);
  const r = BigInt(signed.signature.response);
  if (c < 0n || c >= group.q || r < 0n || r >= group.q) return false;
  const commitment = (gPow(group, r) * modPow(vk, c, group.p)) % group.p;
  return (await group.hashToExponent(`sigmsg|${signed.message}|`, [commitment])) === c;
}

// --- AES-CCM (RFC 3610, L = 2, M = 8, no associated data) from Web Crypto's AES-CTR and AES-CBC ---

const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (text) => new Uint8Array(text.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);

async function ccmParts(shared, alpha) {
  const raw = await sha256(`key|${shared}`);
  const nonce = (await sha256(`iv|${alpha}`)).slice(0, 13);
  const key = await crypto.subtle.importKey("raw", raw, { name: "AES-CTR" }, false, ["encrypt"]);
  const cbc = await crypto.subtle.importKey("raw", raw, { name: "AES-CBC" }, false, ["encrypt"]);
  const counter = (i) => Uint8Array.of(1, ...nonce, (i >> 8) & 0xff, i & 0xff);
  const ctr = async (data, start) =>
    new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CTR", counter: counter(start), length: 16 }, key, data));
  const mac = async (plain) => {
    const blocks = new Uint8Array(16 + Math.ceil(plain.length / 16) * 16);
    blocks.set([0x19, ...nonce, (plain.length >> 8) & 0xff, plain.length & 0xff]);
    blocks.set(plain, 16);
    const out = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, cbc, blocks));
    const tag = out.slice(blocks.length - 16, blocks.length - 8);
    const s0 = await ctr(new Uint8Array(16), 0);
    return tag.map((b, i) => b ^ s0[i]);
  };
  return { ctr, mac };
}

async function encrypt(group, ek, plaintext) {
  const r = group.randomExponent();
  const s = group.randomExponent();
  const alpha = gPow(group, r);
  const shared = gPow(group, s);
  const beta = (modPow(ek, r, group.p) * shared) % group.p;
  const { ctr, mac } = await ccmParts(shared, alpha);
  const plain = encoder.encode(plaintext);
  if (plain.length >= 65536) throw new Error("a channel message is shorter than 64 KiB");
  const data = hex(await ctr(plain, 1)) + hex(await mac(plain));
  return JSON.stringify({ alpha: String(alpha), beta: String(beta), data });
}

async function decrypt(group, dk, text) {
  const { alpha, beta, data } = JSON.parse(text);
  const a = BigInt(alpha);
  const shared = (BigInt(beta) * modPow(modPow(a, dk, group.p), group.p - 2n, group.p)) % group.p;
  const { ctr, mac } = await ccmParts(shared, a);
  const bytes = unhex(data);
  const plain = await ctr(bytes.slice(0, bytes.length - 8), 1);
  const tag = await mac(plain);
  if (hex(tag) !== hex(bytes.slice(bytes.length - 8))) {
    throw new ThresholdError("threshold_bad_channel", "the message is not for this key, or was changed");
  }
  return decoder.decode(plain);
}

async function channelSend(group, sk, recipient, message) {
  const inner = JSON.stringify({ recipient: String(recipient), message });
  return encrypt(group, recipient, JSON.stringify(await sign(group, sk, inner)));
}

async function channelReceive(group, dk, sender, text, what) {
  const signed = JSON.parse(await decrypt(group, dk, text));
  if (!(await verify(group, sender, signed))) {
    throw new ThresholdError("threshold_bad_channel", `${what} is not signed by its sender`);
  }
  const inner = JSON.parse(signed.message);
  if (BigInt(inner.recipient) !== gPow(group, dk)) {
    throw new ThresholdError("threshold_bad_channel", `${what} was addressed to someone else`);
  }
  return inner.message;
}

// --- The ceremony ---

/** Step 1: the certificate text for seed (its verification and encryption keys, signed). */
export async function certificate(groupName, seed) {
  const group = groupNamed(groupName);
  const { sk, dk } = await keysOf(seed);
  const keys = JSON.stringify({ verification: String(gPow(group, sk)), encryption: String(gPow(group, dk)) });
  return JSON.stringify(await sign(group, sk, keys));
}

async function readCertificates(group, texts) {
  const certs = [];
  for (const [i, text] of texts.entries()) {
    const signed = JSON.parse(text);
    const keys = JSON.parse(signed.message);
    const cert = { verification: BigInt(keys.verification), encryption: BigInt(keys.encryption), signed };
    if (!(await verify(group, cert.verification, signed))) {
      throw new ThresholdError("threshold_bad_certificate", `certificate ${i + 1} is not signed by its own key`);
    }
    certs.push(cert);
  }
  return certs;
}

async function me(group, seed, certs) {
  const keys = await keysOf(seed);
  const vk = gPow(group, keys.sk);
  const ek = gPow(group, keys.dk);
  const j = certs.findIndex((c) => c.verification === vk && c.encryption === ek);
  if (j < 0) throw new ThresholdError("threshold_not_my_certificate", "this key matches none of the certificates");
  return { j: j + 1, ...keys };
}

/** Step 2: a random polynomial of degree t - 1: its commitments, and one share encrypted to each trustee. */
export async function polynomial(groupName, seed, certificateTexts, threshold) {
  const group = groupNamed(groupName);
  const certs = await readCertificates(group, certificateTexts);
  if (!(threshold >= 1 && threshold <= certs.length)) {
    throw new ThresholdError("threshold_invalid", `the threshold must be between 1 and ${certs.length}`);
  }
  const { sk, dk } = await me(group, seed, certs);
  const coefficients = Array.from({ length: threshold }, () => group.randomExponent());
  const own = JSON.stringify({ polynomial: coefficients.map(String) });
  const secrets = [];
  for (const [i, cert] of certs.entries()) {
    let value = 0n;
    for (const a of [...coefficients].reverse()) value = (value * BigInt(i + 1) + a) % group.q;
    secrets.push(await channelSend(group, sk, cert.encryption, JSON.stringify({ secret: String(value) })));
  }
  const coefexps = JSON.stringify({ coefexps: coefficients.map((a) => String(gPow(group, a))) });
  return JSON.stringify({
    polynomial: await channelSend(group, sk, gPow(group, dk), own),
    secrets,
    coefexps: await sign(group, sk, coefexps),
  });
}

function committedValue(group, commitments, j) {
  let value = 1n;
  let power = 1n;
  for (const a of commitments) {
    value = (value * modPow(a, power, group.p)) % group.p;
    power *= BigInt(j);
  }
  return value;
}

/** Step 3: check every share received, then send the verification key and the share sealed to oneself. */
export async function voutput(groupName, seed, certificateTexts, vinputText) {
  const group = groupNamed(groupName);
  const certs = await readCertificates(group, certificateTexts);
  const { j, sk, dk } = await me(group, seed, certs);
  const vinput = JSON.parse(vinputText);
  if (vinput.secrets.length !== certs.length || vinput.coefexps.length !== certs.length) {
    throw new ThresholdError("threshold_wrong_share_count", "not one share per trustee");
  }
  const mine = JSON.parse(await channelReceive(group, dk, certs[j - 1].verification, vinput.polynomial, "your polynomial"));
  const threshold = mine.polynomial.length;
  let total = 0n;
  for (const [i, cert] of certs.entries()) {
    const signed = vinput.coefexps[i];
    if (!(await verify(group, cert.verification, signed))) {
      throw new ThresholdError("threshold_bad_coefexps", `trustee ${i + 1}'s commitments are not signed by them`);
    }
    const commitments = JSON.parse(signed.message).coefexps.map(BigInt);
    if (commitments.length !== threshold) {
      throw new ThresholdError("threshold_wrong_degree", `trustee ${i + 1}'s polynomial has the wrong degree`);
    }
    const text = await channelReceive(group, dk, cert.verification, vinput.secrets[i], `trustee ${i + 1}'s share`);
    const value = BigInt(JSON.parse(text).secret);
    if (gPow(group, value) !== committedValue(group, commitments, j)) {
      throw new ThresholdError("threshold_bad_share", `trustee ${i + 1}'s share is not on its committed polynomial`);
    }
    total += value;
  }
  const secret = mod(total, group.q);
  const publicKey = gPow(group, secret);
  const w = group.randomExponent();
  const challenge = await group.hashToExponent(`pok|${group.name}|${publicKey}|`, [gPow(group, w)]);
  const pok = { challenge: String(challenge), response: String(mod(w - secret * challenge, group.q)) };
  const sealed = await channelSend(group, sk, certs[j - 1].encryption, JSON.stringify({ decryption_key: String(secret) }));
  return JSON.stringify({ private_key: sealed, public_key: { pok, public_key: String(publicKey) } });
}

/** At the count: the trustee's key share, opened from the sealed key the server kept (Belenios' .dkey). */
export async function decryptionKey(groupName, seed, certificateTexts, sealedKey) {
  const group = groupNamed(groupName);
  const certs = await readCertificates(group, certificateTexts);
  const { j, dk } = await me(group, seed, certs);
  const text = await channelReceive(group, dk, certs[j - 1].verification, sealedKey, "the sealed key");
  return mod(BigInt(JSON.parse(text).decryption_key), group.q);
}

// SHA-256, Base64 and PBKDF2 as Belenios uses them, from the browser's Web Crypto.
//
// crypto.subtle exists only in a secure context (HTTPS, or localhost while
// developing): a page served over plain HTTP could not vouch for this code
// anyway.

const encoder = new TextEncoder();

/** SHA-256 of a text's UTF-8 bytes. */
export async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Base64 without padding, as Belenios writes fingerprints and trackers. */
export function base64NoPadding(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
}

/** Belenios' fingerprint of a text (HJSON in its specification): Base64 of SHA-256, unpadded. */
export async function sha256B64(text) {
  return base64NoPadding(await sha256(text));
}

/** PBKDF2-HMAC-SHA256 of a text with a text salt: 1000 iterations, one 32-byte block. */
export async function pbkdf2(text, salt) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(text), "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", hash: "SHA-256", salt: encoder.encode(salt), iterations: 1000 };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, 256));
}

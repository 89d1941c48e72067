// The trustee's page: make a key, read a file into the upload box, decrypt in the browser.
// Everything sent goes through the page's ordinary form, so the server's named refusals show as usual.
//
// For a threshold ballot (any t of n decrypt) the key is made by Belenios' ceremony in three steps
// (threshold.js): the seed is made here and downloaded as the trustee's .key file, never sent; each
// later step reads that file back. At the count the same file opens the trustee's sealed key share,
// and the share decrypts as a Single key does.

import { readElection } from "./election.js";
import * as threshold from "./threshold.js";
import { decryptWithExponent, generateTrusteeKey, partialDecryption } from "./trustee.js";

const now = document.getElementById("now");
const form = document.getElementById("upload-form");
const text = document.getElementById("upload-text");

function download(name, content) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([content], { type: "application/octet-stream" }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

const dataNode = document.getElementById("ceremony-data");
const ceremony = dataNode ? JSON.parse(dataNode.textContent) : null;

/** Links that download what belenios-tool needs for the step (certs.jsons, the vinput, the sealed key). */
for (const link of document.querySelectorAll("[data-ceremony-file]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const what = link.dataset.ceremonyFile;
    const content = what === "certificates" ? ceremony.certificates.map((c) => c + "\n").join("") : ceremony[what] + "\n";
    download(link.dataset.name, content);
  });
}

/**
 * The trustee's seed, from the .key file they chose, refused by name unless it is the key of this
 * trustee's own certificate (another trustee's file would otherwise make a message in their name).
 */
async function seedFrom(input) {
  const file = input.files[0];
  if (!file) throw new threshold.ThresholdError("threshold_no_key_file", "choose your .key file first");
  const seed = (await file.text()).trim();
  const mine = ceremony.certificates[Number(now.dataset.position) - 1];
  if (mine) {
    const keys = (text) => {
      const { verification, encryption } = JSON.parse(JSON.parse(text).message);
      return `${BigInt(verification)}|${BigInt(encryption)}`;
    };
    if (keys(await threshold.certificate(now.dataset.group, seed)) !== keys(mine)) {
      throw new threshold.ThresholdError("threshold_not_my_certificate", "this key file is not the one your certificate was made from");
    }
  }
  return seed;
}

const makeCertificate = document.getElementById("make-certificate");
if (makeCertificate) {
  let made = false;
  const saved = document.getElementById("key-saved");
  const upload = document.getElementById("upload");
  makeCertificate.addEventListener("click", async () => {
    makeCertificate.disabled = true;
    const seed = threshold.newSeed();
    const name = `trustee-${now.dataset.position}-${now.dataset.uuid}.key`;
    download(name, seed + "\n");
    text.value = await threshold.certificate(now.dataset.group, seed);
    made = true;
    document.getElementById("key-file").textContent = name;
    document.getElementById("key-made").hidden = false;
    upload.disabled = true;
  });
  saved.addEventListener("change", () => { upload.disabled = !saved.checked && made; });
}

/** Steps 2 and 3: read the .key file, make the message in the browser, send it through the form. */
function ceremonyStep(buttonId, make) {
  const button = document.getElementById(buttonId);
  if (!button) return;
  const status = document.getElementById("step-status");
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Working…";
    try {
      text.value = await make(await seedFrom(document.getElementById("seed-file")));
      status.textContent = "Done; sending.";
      form.requestSubmit();
    } catch (error) {
      const reason = error.reason ?? "error";
      status.textContent = error.reason ? `Refused: ${error.message}.` : `Could not make it: ${error.message}`;
      if (reason === "threshold_bad_share" || reason === "threshold_bad_channel" || reason === "threshold_bad_coefexps") {
        status.textContent += " A trustee sent you a bad share: tell the returning officer, who restarts the ceremony from the polynomials.";
      }
      button.disabled = false;
    }
  });
}
ceremonyStep("make-polynomial", (seed) =>
  threshold.polynomial(now.dataset.group, seed, ceremony.certificates, ceremony.threshold));
ceremonyStep("make-voutput", (seed) =>
  threshold.voutput(now.dataset.group, seed, ceremony.certificates, ceremony.vinput));

const fileInput = document.getElementById("upload-file");
if (fileInput) fileInput.addEventListener("change", async () => {
  if (fileInput.files.length) text.value = await fileInput.files[0].text();
});

const makeKey = document.getElementById("make-key");
if (makeKey) {
  let publicKey = null;
  const saved = document.getElementById("key-saved");
  const upload = document.getElementById("upload");
  makeKey.addEventListener("click", async () => {
    makeKey.disabled = true;
    const pair = await generateTrusteeKey(now.dataset.group);
    const name = `trustee-${now.dataset.position}-${now.dataset.uuid}.privkey`;
    download(name, pair.privateKey);
    publicKey = pair.publicKey;
    document.getElementById("key-file").textContent = name;
    document.getElementById("key-made").hidden = false;
    text.value = publicKey;
    upload.disabled = true;
  });
  saved.addEventListener("change", () => { upload.disabled = !saved.checked && publicKey !== null; });
}

const decrypt = document.getElementById("decrypt");
if (decrypt) {
  const progress = document.getElementById("decrypt-progress");
  decrypt.addEventListener("click", async () => {
    const file = document.getElementById("privkey").files[0];
    if (!file) {
      progress.textContent = "Choose your key file first.";
      return;
    }
    decrypt.disabled = true;
    try {
      progress.textContent = "Loading the tally…";
      const [electionText, tallyText] = await Promise.all(
        [now.dataset.electionUrl, now.dataset.tallyUrl].map(async (url) => {
          const response = await fetch(url, { credentials: "same-origin" });
          if (!response.ok) throw new Error(`could not load ${url} (${response.status})`);
          return response.text();
        }),
      );
      const election = await readElection(electionText);
      const onProgress = (done, total) => { progress.textContent = `Decrypting: ${done} of ${total}…`; };
      let result;
      if (ceremony) {
        progress.textContent = "Opening your key share…";
        const seed = await seedFrom(document.getElementById("privkey"));
        const x = await threshold.decryptionKey(now.dataset.group, seed, ceremony.certificates, ceremony.sealed);
        result = await decryptWithExponent(election, x, JSON.parse(tallyText), onProgress);
      } else {
        result = await partialDecryption(election, await file.text(), JSON.parse(tallyText), undefined, onProgress);
      }
      text.value = result;
      progress.textContent = "Done; sending.";
      form.requestSubmit();
    } catch (error) {
      progress.textContent = error.reason ? `Refused: ${error.message}.` : `Could not decrypt: ${error.message}`;
      decrypt.disabled = false;
    }
  });
}

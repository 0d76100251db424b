/* Enhanced electronic signatures made in the browser with WebCrypto; no library, no CDN.
 *
 * Keys: an ECDSA P-256 key pair is generated NON-EXTRACTABLE, so the private key can be used
 * to sign but never read, not even by this script. The CryptoKey objects are kept in IndexedDB
 * (the browser stores them opaquely), keyed by user and certificate serial. Only the public key
 * (SPKI) ever leaves the browser.
 *
 * Enrolment (the "My certificates" page), two phases against /api/v1/certificates/enrol/:
 *   1. prepare: send the public key; the server answers with the CertificationRequestInfo
 *      (DER, base64) of a certificate request for it and an enrolment id;
 *   2. complete: sign that with the private key and send the signature; the server checks it
 *      (proof of possession) and issues the certificate.
 * Signing (the document page), two phases against the documents API:
 *   1. /signatures/prepare: the server builds the CMS signed attributes over the document's
 *      exact bytes for the chosen certificate;
 *   2. sign them (ECDSA with SHA-256; WebCrypto gives raw r||s, which the server accepts) and
 *      send the signature to /signatures/complete; the server assembles, verifies, timestamps
 *      and records the CMS.
 * Requests use the portal session and send the CSRF token in the X-CSRFToken header.
 *
 * Progressive enhancement: the page's server-rendered text says that enhanced signing needs
 * WebCrypto and offers the alternatives; this script swaps it for the controls only when the
 * browser can actually do it (secure context, crypto.subtle, IndexedDB). Every step and every
 * error is announced through the page's live regions.
 */
(function () {
  "use strict";

  const DB_NAME = "innocluster-signing-keys";
  const DB_VERSION = 1;
  const STORE = "keys";
  const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
  const SIGN_ALGORITHM = { name: "ECDSA", hash: "SHA-256" };

  // --- capability --------------------------------------------------------------------------

  function canSign() {
    return Boolean(
      window.isSecureContext && window.crypto && window.crypto.subtle && window.indexedDB
    );
  }

  // --- IndexedDB ---------------------------------------------------------------------------

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = window.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: "id" });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, action) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = action(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request ? request.result : undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  function normaliseSerial(serial) {
    return String(serial || "").trim().toLowerCase().replace(/:/g, "").replace(/^0+(?=.)/, "");
  }

  function keyId(userId, serial) {
    return userId + ":" + normaliseSerial(serial);
  }

  function saveKey(record) {
    return withStore("readwrite", (store) => store.put(record));
  }

  function loadKey(userId, serial) {
    return withStore("readonly", (store) => store.get(keyId(userId, serial)));
  }

  // --- encoding ----------------------------------------------------------------------------

  function toBase64(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return window.btoa(binary);
  }

  function fromBase64(text) {
    const binary = window.atob(String(text || "").replace(/[\s]/g, "").replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  // --- HTTP --------------------------------------------------------------------------------

  class ApiError extends Error {}

  function problemText(problem, status) {
    if (!problem || typeof problem !== "object") {
      return "HTTP " + status;
    }
    const parts = [problem.detail || problem.title || "HTTP " + status];
    const errors = Array.isArray(problem.errors) ? problem.errors : [];
    for (const error of errors) {
      if (error && error.message && parts.indexOf(error.message) === -1) {
        parts.push(error.message);
      }
    }
    return parts.join(" ");
  }

  async function postJson(url, body, csrfToken) {
    let response;
    try {
      response = await window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, application/problem+json",
          // The API answers in the browser's language; ask for the page's instead.
          "Accept-Language": document.documentElement.lang || "ru",
          "X-CSRFToken": csrfToken,
        },
        body: JSON.stringify(body),
      });
    } catch (networkError) {
      const error = new ApiError("network");
      error.network = true;
      throw error;
    }
    let data = null;
    try {
      data = await response.json();
    } catch (parseError) {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(problemText(data, response.status));
    }
    return data || {};
  }

  // --- the page's words and live regions ---------------------------------------------------

  function widget(root) {
    const messages = root.querySelector("template[data-signing-messages]");
    const statusEl = root.querySelector("[data-signing-status]");
    const errorEl = root.querySelector("[data-signing-error]");
    function text(name) {
      const node = messages && messages.content.querySelector('[data-msg="' + name + '"]');
      return node ? node.textContent.trim() : name;
    }
    return {
      text,
      status(name) {
        errorEl.hidden = true;
        errorEl.textContent = "";
        statusEl.textContent = text(name);
      },
      fail(error) {
        statusEl.textContent = "";
        const detail = error && error.network ? text("network") : String((error && error.message) || error);
        errorEl.textContent = text("failed") + " " + detail;
        errorEl.hidden = false;
      },
      problem(name) {
        statusEl.textContent = "";
        errorEl.textContent = text(name);
        errorEl.hidden = false;
      },
    };
  }

  function enhance(root) {
    const fallback = root.querySelector("[data-signing-fallback]");
    const controls = root.querySelector("[data-signing-controls]");
    if (fallback) {
      fallback.hidden = true;
    }
    if (controls) {
      controls.hidden = false;
    }
  }

  // --- enrolment: a new key and its certificate --------------------------------------------

  async function enrol(root, ui, button) {
    const userId = root.dataset.userId;
    const csrf = root.dataset.csrfToken;
    const orgSelect = root.querySelector("[data-enrol-organisation]");
    const organisation = orgSelect && orgSelect.value ? orgSelect.value : null;
    button.disabled = true;
    try {
      ui.status("generating");
      // Non-extractable: the private key can sign, but nothing can read it out of the browser.
      const pair = await window.crypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"]);
      const spki = await window.crypto.subtle.exportKey("spki", pair.publicKey);
      ui.status("requesting");
      const challenge = await postJson(
        root.dataset.prepareUrl,
        { public_key: toBase64(spki), organisation: organisation },
        csrf
      );
      if (!challenge.request_info || !challenge.enrolment_id) {
        throw new ApiError(ui.text("bad-answer"));
      }
      // Proof of possession: the request info is signed with the new private key.
      const signature = await window.crypto.subtle.sign(
        SIGN_ALGORITHM, pair.privateKey, fromBase64(challenge.request_info)
      );
      ui.status("issuing");
      const certificate = await postJson(
        root.dataset.completeUrl,
        { enrolment_id: challenge.enrolment_id, signature: toBase64(signature) },
        csrf
      );
      if (!certificate.serial_hex) {
        throw new ApiError(ui.text("bad-answer"));
      }
      await saveKey({
        id: keyId(userId, certificate.serial_hex),
        user: userId,
        serial: normaliseSerial(certificate.serial_hex),
        privateKey: pair.privateKey,
        publicKey: pair.publicKey,
        certificatePem: certificate.pem || "",
        created: new Date().toISOString(),
      });
      ui.status("enrolled");
      window.setTimeout(() => window.location.reload(), 600);
    } catch (error) {
      ui.fail(error);
      button.disabled = false;
    }
  }

  async function markKeys(root, ui) {
    const userId = root.dataset.userId;
    const rows = document.querySelectorAll("tr[data-certificate-serial]");
    for (const row of rows) {
      const cell = row.querySelector("[data-key-state]");
      if (!cell) {
        continue;
      }
      try {
        const record = await loadKey(userId, row.dataset.certificateSerial);
        cell.textContent = ui.text(record ? "key-here" : "key-elsewhere");
        row.dataset.keyHere = record ? "yes" : "no";
      } catch (error) {
        cell.textContent = "—";
      }
    }
  }

  function setUpEnrolment(root) {
    if (!canSign()) {
      return;
    }
    const ui = widget(root);
    enhance(root);
    const button = root.querySelector("[data-enrol]");
    if (button) {
      button.addEventListener("click", () => enrol(root, ui, button));
    }
    markKeys(root, ui);
  }

  // --- signing a document ------------------------------------------------------------------

  async function signDocument(root, ui, button, select) {
    const userId = root.dataset.userId;
    const csrf = root.dataset.csrfToken;
    const serial = select.value;
    button.disabled = true;
    try {
      const record = await loadKey(userId, serial);
      if (!record || !record.privateKey) {
        ui.problem("no-key");
        button.disabled = false;
        return;
      }
      ui.status("preparing");
      const prepared = await postJson(root.dataset.prepareUrl, { certificate_serial: serial }, csrf);
      const attributes = prepared.signed_attributes;
      const preparedId = prepared.id;
      if (!attributes || !preparedId) {
        throw new ApiError(ui.text("bad-answer"));
      }
      ui.status("signing");
      const signature = await window.crypto.subtle.sign(SIGN_ALGORITHM, record.privateKey, fromBase64(attributes));
      ui.status("completing");
      await postJson(
        root.dataset.completeUrl,
        { prepared_id: preparedId, signature: toBase64(signature) },
        csrf
      );
      ui.status("done");
      window.setTimeout(() => window.location.reload(), 600);
    } catch (error) {
      ui.fail(error);
      button.disabled = false;
    }
  }

  async function markCertificates(root, ui, select) {
    // Say which certificates' keys this browser holds, and choose the first that it does.
    const userId = root.dataset.userId;
    let chosen = false;
    for (const option of Array.from(select.options)) {
      let record = null;
      try {
        record = await loadKey(userId, option.value);
      } catch (error) {
        return;
      }
      if (record && !chosen) {
        select.value = option.value;
        chosen = true;
      } else if (!record) {
        option.textContent += " (" + ui.text("key-elsewhere") + ")";
      }
    }
  }

  function setUpSigning(root) {
    if (!canSign()) {
      return;
    }
    const ui = widget(root);
    enhance(root);
    const button = root.querySelector("[data-sign-in-browser]");
    const select = root.querySelector("[data-signing-certificate]");
    if (!button || !select) {
      return;
    }
    markCertificates(root, ui, select);
    button.addEventListener("click", () => signDocument(root, ui, button, select));
  }

  function start() {
    const enrolment = document.getElementById("enrolment");
    if (enrolment) {
      setUpEnrolment(enrolment);
    }
    const signing = document.getElementById("enhanced-signing");
    if (signing) {
      setUpSigning(signing);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

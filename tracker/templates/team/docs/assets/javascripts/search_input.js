// Material 9.x re-reads the search box only on `keyup` (and on focus): see
// components/search/query in its bundle. Text that arrives without a key release never reaches
// the search worker: a Korean syllable committed by an IME at `compositionend`, a word pasted
// with the mouse, autofill, dictation, or a test driver typing Hangul (Playwright sends it as
// one `insertText`, with no key events). The index itself finds Korean words; the query was just
// never sent. Re-announce every value change as a synthetic `keyup` so Material picks it up; its
// own `distinctUntilChanged` drops the repeats when a real key release follows.
(function () {
  function announce(event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.classList.contains("md-search__input")) {
      return;
    }
    target.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  // Delegated on the document: the header (and its search box) may be swapped by instant
  // navigation, and this script may run before or after Material's bundle.
  document.addEventListener("input", announce, true);
  document.addEventListener("compositionend", announce, true);
})();
